import Foundation
import Testing
@testable import ArbiterCore

/// `CanonicalDecisionWriter` against the reference path it replaces in the decision log: the
/// protocol's bytes for the same answer, parsed and canonicalised by `CanonicalJSONWriter`.
/// Byte for byte, on the shared workload (with malformed lines) at every audit level, on
/// decisions built by hand with the names and strings the engine's own never have, and at the
/// size where the trail is omitted.
@Suite struct CanonicalDecisionTests {
    /// The canonical JSON of `answer` both ways: (from the value, or nil when declined; from the bytes).
    static func both(_ answer: ProtocolHandler.LineAnswer, handler: ProtocolHandler) throws -> (typed: String?, reference: String) {
        var protocolBytes = JSONWriter(pretty: false)
        handler.write(answer, into: &protocolBytes)
        let bytes = protocolBytes.bytes
        // The reference path: `LogRecordBuilder` before typed answers (a view reads its tape: keep both).
        let tape = JSONTape()
        let canonical = CanonicalJSONWriter()
        let reference = try bytes.withUnsafeBytes { raw in
            try withExtendedLifetime(tape) { String(decoding: canonical.write(try tape.parse(raw)), as: UTF8.self) }
        }
        var typed = JSONWriter(pretty: false)
        switch answer {
        case .decision(let decision):
            guard CanonicalDecisionWriter.write(decision, into: &typed) else {
                #expect(typed.count == 0, "a declined decision leaves nothing written")
                return (nil, reference)
            }
        case .error(let error): CanonicalDecisionWriter.write(error, into: &typed)
        case .pong: return (nil, reference)
        }
        return (String(decoding: typed.bytes, as: UTF8.self), reference)
    }

    @Test(arguments: AuditLevel.allCases)
    func sharedWorkload(audit: AuditLevel) throws {
        let lines = try ServeEndToEndTests.workload(count: 1500, bad: 0.25, seed: 21)
        let decider = Decider(policy: Repository.rulesSet, audit: audit)
        var decisions = 0, errors = 0, withTrace = 0
        for (index, line) in lines.enumerated() {
            let answer = Array(line.utf8).withUnsafeBytes {
                decider.handler.answer(to: $0, lineNumber: index + 1, scratch: decider.scratch)
            }
            switch answer {
            case .decision(let decision):
                decisions += 1
                if decision.audit?.trace != nil { withTrace += 1 }
            case .error: errors += 1
            case .pong: break
            }
            let (typed, reference) = try Self.both(answer, handler: decider.handler)
            #expect(typed == reference, "line \(index + 1) at \(audit)")
        }
        #expect(decisions > 1000 && errors > 200, "the workload mixes decisions and errors")
        #expect((withTrace > 0) == (audit == .full))
    }

    /// Strings that need escapes, names that sort around `step` and past ASCII, tables in
    /// tables, every optional member both ways, a currency without fraction digits.
    @Test func handBuiltDecisions() throws {
        let handler = ProtocolHandler(engine: Engine(policy: Repository.cnPolicy), audit: .full)
        let odd = "quote \" backslash \\ tab \t nl \n nul \u{0} del \u{7f} é 中 😀 \u{2028}"
        let table: AuditValue = .rows([
            [AuditField(name: "zeta", value: .money(-5)), AuditField(name: "Alpha", value: .string(odd)), AuditField(name: "é", value: .null)],
            [AuditField(name: "nested", value: .rows([[AuditField(name: "b", value: .bool(true)), AuditField(name: "a", value: .int(-12))]]))],
            [],
        ])
        var entry = TraceEntry(rule: "R\"1", at: "rules/x.yaml:3", basis: odd, line: nil, fired: true, conditions: [
            TraceCondition(expr: "a < b", value: .bool(false), left: .money(1999), right: .int(3)),
            TraceCondition(expr: odd, value: table),
        ], effects: ["approve X", odd])
        let plain = TraceEntry(rule: "r2", at: "a:1", basis: "b", line: "L-1", fired: false, conditions: [])
        entry.line = "L\u{1}"
        // As the engine records them: the rule itself, whose members were encoded at load.
        let oddRule = Rule(id: "R\"1", description: odd, basis: odd, scope: .request, condition: nil, effects: [],
                           location: SourceLocation(file: "x.yaml", line: 3, column: 1), order: 0, source: "rules/x.yaml:3")
        let encoded = TraceEntry(recorded: oddRule, steps: [], line: "L\u{1}", fired: true, effects: ["approve X", odd])
        for currency in [Currency.named("CNY")!, Currency.named("JPY")!] {
            for withOptionals in [false, true] {
                let decision = Decision(
                    id: odd, outcome: .partial, currency: currency,
                    lines: [LineDecision(line: "L-1", quantity: 2, verdict: .review, gross: 10_000, discount: -1, paid: 9_999, refund: 0, reasons: [odd, "B"])],
                    refund: RefundSummary(items: 1, shipping: -2, adjustments: [
                                              Adjustment(code: "C", amount: -300, rule: odd),
                                              // Made for a discount or gift: `discount` and `line` sort between `code` and `rule`.
                                              Adjustment(code: "D", amount: 7, rule: "r", discount: withOptionals ? odd : nil, line: withOptionals ? "G\u{1}" : nil),
                                          ], total: 123_456_789,
                                          byMethod: withOptionals ? [MethodRefund(method: "card", amount: 5), MethodRefund(method: odd, amount: 0)] : nil),
                    returnShippingPayer: .insurance,
                    compensation: [Grant(kind: "coupon", amount: 500, code: "K", rule: "r", line: withOptionals ? "L-1" : nil)],
                    offers: withOptionals ? [Grant(kind: odd, amount: 0, code: odd, rule: odd, line: odd)] : [],
                    reasons: [DecisionReason(code: "X", rule: "r", message: odd)],
                    deadlines: Deadlines(returnBy: withOptionals ? Timestamp(epochSeconds: 1_790_000_000, offsetSeconds: 28_800) : nil,
                                         refundBy: withOptionals ? Timestamp(epochSeconds: 1_790_086_400) : nil,
                                         refundWithinDaysOfReceipt: withOptionals ? 7 : nil),
                    audit: AuditRecord(policyName: "cn", policyVersion: odd, policyDigest: "sha256:00", inputDigest: "sha256:11", engine: "e",
                                       rulesFired: withOptionals ? ["a", odd] : [],
                                       trace: withOptionals ? [entry, plain, encoded] : nil,
                                       computations: [
                                           Computation("scope", [("stepper", .int(1)), ("st", .money(2)), ("Z", .string(odd)), ("ü", table), ("a", .null)]),
                                           Computation(odd, []),
                                       ]))
                let (typed, reference) = try Self.both(.decision(decision), handler: handler)
                #expect(typed == reference, "\(currency) optionals \(withOptionals)")
            }
        }
        for error in [AnswerError(.invalidJSON, odd, path: nil, id: nil, line: 7), AnswerError(.invalidRequest, "m", path: "$.order[\"x\"]", id: odd, line: 123_456)] {
            let (typed, reference) = try Self.both(.error(error), handler: handler)
            #expect(typed == reference)
        }
    }

    /// A name twice in one computation or table row: the canonical form keeps only the last
    /// member, so the writer declines and the log canonicalises the answer's bytes instead.
    @Test func repeatedNamesAreDeclined() throws {
        let handler = ProtocolHandler(engine: Engine(policy: Repository.cnPolicy), audit: .full)
        for computation in [Computation("c", [("x", .int(1)), ("x", .int(2))]), Computation("c", [("step", .int(1))]),
                            Computation("c", [("t", .rows([[AuditField(name: "k", value: .null), AuditField(name: "k", value: .int(1))]]))])] {
            let decision = Self.decision(trace: [], computations: [computation])
            let (typed, reference) = try Self.both(.decision(decision), handler: handler)
            #expect(typed == nil)
            #expect(!reference.isEmpty)
        }
    }

    /// The trail is replaced by `trail_omitted` above `AuditRecord.maximumTrailBytes`, measured
    /// on the answer: at the limit it stays, one byte over it goes, both ways alike.
    @Test func omittedTrailAtTheLimit() throws {
        let handler = ProtocolHandler(engine: Engine(policy: Repository.cnPolicy), audit: .full)
        for (padding, omitted) in try Self.paddingsAroundTheTrailLimit() {
            let (typed, reference) = try Self.both(.decision(Self.paddedDecision(padding)), handler: handler)
            #expect(reference.contains("\"trail_omitted\"") == omitted)
            #expect(typed == reference, "padding \(padding)")
        }
    }

    /// A decision whose trail is one rule with a basis of `padding` bytes, and a fixed rest.
    static func paddedDecision(_ padding: Int) -> Decision {
        let entry = TraceEntry(rule: "r", at: "a:1", basis: String(repeating: "x", count: padding), line: nil, fired: true, conditions: [])
        return decision(trace: [entry], computations: [Computation("c", [("v", .money(1))])])
    }

    /// The paddings of `paddedDecision` either side of the limit: the largest whose trail stays
    /// and the smallest whose trail is omitted, found from the size an omitted answer states.
    static func paddingsAroundTheTrailLimit() throws -> [(padding: Int, omitted: Bool)] {
        let large = AuditRecord.maximumTrailBytes + 1000
        var answer = JSONWriter(pretty: false)
        DecisionWriter.write(paddedDecision(large), into: &answer)
        let text = String(decoding: answer.bytes, as: UTF8.self)
        let bytesMatch = try #require(text.firstMatch(of: /"trail_omitted":\{"bytes":([0-9]+)/))
        let overhead = try #require(Int(bytesMatch.1)) - large
        return [(AuditRecord.maximumTrailBytes - overhead, false), (AuditRecord.maximumTrailBytes - overhead + 1, true)]
    }

    static func decision(trace: [TraceEntry], computations: [Computation]) -> Decision {
        Decision(id: "r", outcome: .approve, currency: Currency.named("CNY")!, lines: [],
                 refund: RefundSummary(items: 0, shipping: 0, adjustments: [], total: 0, byMethod: nil),
                 returnShippingPayer: .seller, compensation: [], offers: [], reasons: [],
                 deadlines: Deadlines(returnBy: nil, refundBy: nil, refundWithinDaysOfReceipt: nil),
                 audit: AuditRecord(policyName: "n", policyVersion: "v", policyDigest: "d", inputDigest: "i", engine: "e",
                                    rulesFired: ["r"], trace: trace, computations: computations))
    }
}
