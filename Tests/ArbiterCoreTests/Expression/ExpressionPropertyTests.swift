import PropertyBased
import Testing
@testable import ArbiterCore

/// Whatever the text, compiling returns an expression or located errors, and evaluating a
/// compiled expression returns a value or an `EvaluationError`: never a crash, with every
/// reported range inside the text. The tree walker, traced and untraced, and the closures
/// (`ClosureExpression`, and `TracedClosureExpression` with the walker's steps) give the same
/// value or the same error.
@Suite struct ExpressionPropertyTests {
    /// Tokens that reach every part of the grammar and the checker, valid and not.
    static let tokens: [String] = [
        "kind", "reason", "requested_at", "order.delivered_at", "order.shipped_at", "line.paid", "line.quantity",
        "customer.tier", "item.category", "facts.score", "facts.verified", "item.attributes.perishable",
        "requested.categories", "line.condition", "window_days", "no_reason_reasons", "vip_tiers", "rate", "minimum",
        "maximum", "claim_window", "enabled", "no_limit", "nope", "order.nope", "order.",
        "days_since(", "end_of_day(", "all_in(", "refund_cap(", "min(", "max(", "clamp(", "abs(", "dayz(",
        "0", "7", "-1", "9223372036854775807", "0.00", "1.005", "185.96", "5%", "12.5%", "48h", "15d", "1.5h", "7days",
        "\"return\"", "\"no_reason\"", "\"retrun\"", "'opened'", "\"中文\"", "\"\\u{4E2D}\"", "\"\\q\"", "\"open",
        "true", "false", "null", "in", "not", "and",
        "(", ")", "[", "]", ",", "?", ":", "??", "||", "&&", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "!",
        "=", "&", "|", "/", "#", ".", "\n", "  ", "é", "¿",
    ]

    @Test func tokenSoupNeverCrashes() async {
        let token = Gen<String?>.element(of: Self.tokens).map { $0 ?? " " }
        await propertyCheck(count: 4000, input: token.array(of: 0...24), Gen.int(in: 0...2)) { tokens, spacing in
            Self.checkCompilesAndEvaluates(tokens.joined(separator: spacing == 0 ? "" : " "))
        }
    }

    /// Expressions that type-check more often: guarded comparisons joined by logic operators.
    @Test func wellFormedSoupEvaluates() async {
        let atoms = [
            #"kind == "return""#, "reason in no_reason_reasons", "order.delivered_at != null", "order.shipped_at == null",
            "days_since(order.delivered_at) <= window_days", "requested_at - order.delivered_at > claim_window",
            "line.paid * rate > minimum", "enabled", "!enabled", "(order.shipped_at ?? requested_at) > requested_at",
            "customer.tier in vip_tiers", "max(line.paid, minimum) >= clamp(line.paid * 3, minimum, maximum)",
            "(facts.score ?? 0) > 3", "line.condition in [\"used\", \"new\"]",
        ]
        let atom = Gen<String?>.element(of: atoms).map { $0 ?? "enabled" }
        let joiner = Gen<String?>.element(of: [" && ", " || ", " && !(", ") || ("]).map { $0 ?? " && " }
        await propertyCheck(count: 2000, input: atom.array(of: 1...8), joiner.array(of: 8)) { atoms, joiners in
            var text = atoms[0]
            for (index, atom) in atoms.dropFirst().enumerated() { text += joiners[index] + atom }
            Self.checkCompilesAndEvaluates(text)
        }
    }

    @Test func randomCharactersNeverCrash() async {
        let alphabet = Array("abkindorer._0179.%hdms\"'\\{}u()[],?:|&=!<>+-*/ \n\t中¿\u{0}\u{7}")
        let character = Gen<Character?>.element(of: alphabet).map { $0 ?? " " }
        await propertyCheck(count: 3000, input: character.string(of: 0...60)) { text in
            Self.checkCompilesAndEvaluates(text)
        }
    }

    /// A comparison with a constant number (an int, money or duration) is compiled to a test of
    /// that number; at the constant, one below and one above it, every comparison gives what the
    /// tree walker gives, as a test and as a value.
    @Test(arguments: ["<", "<=", ">", ">="])
    func comparisonsWithAConstantAtTheirBoundaries(comparison: String) throws {
        let cases: [(left: String, right: String, field: String, values: [String])] = [
            ("line.quantity", "3", "line.quantity", ["2", "3", "4"]),
            ("line.paid", "minimum", "line.paid", ["2.99", "3.00", "3.01"]),
            // claim_window is 48 hours; requested_at is 2026-11-05T10:00:00+08:00.
            ("order.delivered_at != null && requested_at - order.delivered_at", "claim_window", "order.delivered_at",
             ["2026-11-03T10:00:01+08:00", "2026-11-03T10:00:00+08:00", "2026-11-03T09:59:59+08:00"]),
        ]
        for (left, right, field, values) in cases {
            let text = "\(left) \(comparison) \(right)"
            let compiled = try ExpressionCompiler.compile(text, expecting: .bool, environment: ExpressionTestEnvironment(), currency: ExpressionTestEnvironment.currency).get()
            let closures = ClosureExpression<ExpressionTestContext>(compiled)
            let test = try #require(closures.test, "\(text) is run as a test")
            for (position, value) in values.enumerated() {
                let context = try #require(ExpressionTestContext.standard.overriding("\(field)=\(value)"))
                // Position 0 is below the constant, 1 at it, 2 above it.
                let expected = switch comparison {
                case "<": position < 1
                case "<=": position <= 1
                case ">": position > 1
                default: position >= 1
                }
                #expect(try compiled.evaluate(in: context) == .bool(expected), "walker: \(text) with \(field)=\(value)")
                #expect(try test(context) == expected, "test: \(text) with \(field)=\(value)")
                #expect(try closures.evaluate(context) == .bool(expected), "value: \(text) with \(field)=\(value)")
            }
        }
    }

    static func checkCompilesAndEvaluates(_ text: String) {
        let byteCount = text.utf8.count
        let contexts = [
            ExpressionTestContext.standard, ExpressionTestContext.allNull,
            ExpressionTestContext.standard.overriding("order.delivered_at=null, order.shipped_at=null, item.category=food, facts.score=9")
                ?? .standard,
        ]
        for expecting in [nil, ValueType.bool, .money] {
            let result = ExpressionCompiler.compile(text, expecting: expecting, environment: ExpressionTestEnvironment(), currency: ExpressionTestEnvironment.currency)
            switch result {
            case .failure(let failure):
                #expect(!failure.errors.isEmpty)
                for error in failure.errors {
                    #expect(error.utf8Offset >= 0 && error.length >= 0 && error.utf8Offset + error.length <= byteCount,
                            "\(error) outside \(text.debugDescription)")
                    #expect(!error.message.isEmpty && !error.message.contains("\n"))
                }
            case .success(let compiled):
                if let expecting {
                    #expect(TypeChecker<ExpressionTestEnvironment>.isAssignable(compiled.type, to: expecting))
                }
                for context in contexts {
                    var steps: [ConditionStep] = []
                    let plain = Result { () throws(EvaluationError) -> Value in try compiled.evaluate(in: context) }
                    let traced = Result { () throws(EvaluationError) -> Value in try compiled.evaluate(in: context, trace: &steps) }
                    #expect(plain == traced, "\(text.debugDescription)")
                    // The closures the engine runs untraced: the same value or the same error.
                    let closures = ClosureExpression<ExpressionTestContext>(compiled)
                    let viaClosures = Result { () throws(EvaluationError) -> Value in try closures.evaluate(context) }
                    #expect(plain == viaClosures, "closures: \(text.debugDescription)")
                    // A condition with a boolean operator at its root is run as a test (`Bool`,
                    // no `Value`): the same answer or the same error.
                    if let test = closures.test {
                        let viaTest = Result { () throws(EvaluationError) -> Value in .bool(try test(context)) }
                        #expect(plain == viaTest, "test: \(text.debugDescription)")
                    }
                    // The traced closures the engine runs for `--audit full`: the same value or
                    // error as the traced walker, and the same steps (sub-expression, value and
                    // operands, in order) up to the point either stopped.
                    let walkerSteps = InPlaceBuffer<ConditionStep>(capacity: 8)
                    let walked = Result { () throws(EvaluationError) -> Value in try compiled.evaluate(in: context, steps: walkerSteps) }
                    let closureSteps = InPlaceBuffer<ConditionStep>(capacity: 8)
                    let tracedClosures = TracedClosureExpression<ExpressionTestContext>(compiled)
                    let viaTracedClosures = Result { () throws(EvaluationError) -> Value in
                        try StepTrace.withTrace(texts: compiled.texts, includeTexts: false, steps: closureSteps) { (trace) throws(EvaluationError) in try tracedClosures.evaluate(context, trace) }
                    }
                    #expect(walked == viaTracedClosures, "traced closures: \(text.debugDescription)")
                    let recordedByWalker = walkerSteps.moveToArray(), recordedByClosures = closureSteps.moveToArray()
                    #expect(recordedByWalker == recordedByClosures, "traced closures' steps: \(text.debugDescription)")
                    #expect(recordedByWalker.map(\.textIndex) == steps.map(\.textIndex))
                    for step in steps { #expect(text.contains(step.text)) }
                }
            }
        }
    }
}
