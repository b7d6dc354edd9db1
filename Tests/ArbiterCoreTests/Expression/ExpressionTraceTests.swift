import Testing
@testable import ArbiterCore

/// The audit trail: which sub-conditions are recorded, with what text, in what order.
@Suite struct ExpressionTraceTests {
    struct TraceCase: Sendable, CustomStringConvertible {
        let expression: String
        let input: String
        /// `text => value` per recorded step.
        let steps: [String]
        var description: String { expression }
    }

    static let cases: [TraceCase] = [
        TraceCase(
            expression: #"kind == "return" && reason in no_reason_reasons && order.delivered_at != null && days_since(order.delivered_at) <= window_days"#,
            input: "-",
            steps: [
                #"kind == "return" => bool true"#,
                "reason in no_reason_reasons => bool true",
                "order.delivered_at != null => bool true",
                "days_since(order.delivered_at) <= window_days => bool true",
            ]),
        // Short-circuit: nothing after the first false operand runs or is recorded.
        TraceCase(expression: #"kind == "cancel" && reason == "no_reason""#, input: "-", steps: [#"kind == "cancel" => bool false"#]),
        TraceCase(expression: #"kind == "return" || reason == "no_reason""#, input: "-", steps: [#"kind == "return" => bool true"#]),
        // Operands that are not comparisons are recorded by the chain; comparisons record themselves once.
        TraceCase(
            expression: #"enabled && !(reason in ["quality_issue"])"#, input: "-",
            steps: ["enabled => bool true", #"reason in ["quality_issue"] => bool false"#, #"!(reason in ["quality_issue"]) => bool true"#]),
        TraceCase(
            expression: #"item.attributes.perishable || (kind == "return" && line.quantity > 1)"#, input: "-",
            steps: [
                "item.attributes.perishable => bool false", #"kind == "return" => bool true"#, "line.quantity > 1 => bool true",
                #"(kind == "return" && line.quantity > 1) => bool true"#,
            ]),
        // The condition of `?:` is recorded (once: `in` records itself), then the comparison.
        TraceCase(
            expression: "days_since(order.delivered_at ?? requested_at) > (customer.tier in vip_tiers ? 15 : 7)", input: "-",
            steps: [
                "customer.tier in vip_tiers => bool true",
                "days_since(order.delivered_at ?? requested_at) > (customer.tier in vip_tiers ? 15 : 7) => bool false",
            ]),
        TraceCase(expression: "enabled ? 1 : 2", input: "-", steps: ["enabled => bool true"]),
        // Multi-line block scalars: each operand's exact text, without surrounding whitespace.
        TraceCase(
            expression: "kind == \"return\"\n  && line.quantity > 1\n  && (evidence.photos >= 1\n      || enabled)\n", input: "-",
            steps: [
                #"kind == "return" => bool true"#, "line.quantity > 1 => bool true", "evidence.photos >= 1 => bool false",
                "enabled => bool true", "(evidence.photos >= 1\n      || enabled) => bool true",
            ]),
        TraceCase(expression: "order.shipped_at == null", input: "order.shipped_at=null", steps: ["order.shipped_at == null => bool true"]),
        // Constants fold, but comparisons on them still appear in the trail.
        TraceCase(expression: "window_days > 3 && enabled", input: "-", steps: ["window_days > 3 => bool true", "enabled => bool true"]),
        // Amount expressions record the comparisons they contain, nothing else.
        TraceCase(expression: "max(line.paid * 3, 500.00)", input: "-", steps: []),
        TraceCase(expression: "\"中文\" == \"中文\" && enabled", input: "-", steps: [#""中文" == "中文" => bool true"#, "enabled => bool true"]),
    ]

    @Test(arguments: cases)
    func trace(_ row: TraceCase) throws {
        let compiled = try Self.compile(row.expression)
        let context = row.input == "-" ? ExpressionTestContext.standard : try #require(ExpressionTestContext.standard.overriding(row.input))
        var steps: [ConditionStep] = []
        let traced = try compiled.evaluate(in: context, trace: &steps)
        #expect(steps.map { "\($0.text) => \($0.value.testDescription)" } == row.steps)
        #expect(try compiled.evaluate(in: context) == traced)
    }

    @Test func traceAppendsToExistingSteps() throws {
        let compiled = try Self.compile(#"kind == "return""#)
        var steps = [ConditionStep(text: "earlier", value: .bool(false))]
        _ = try compiled.evaluate(in: ExpressionTestContext.standard, trace: &steps)
        #expect(steps.map(\.text) == ["earlier", #"kind == "return""#])
    }

    @Test func failedEvaluationKeepsStepsSoFar() throws {
        let compiled = try Self.compile(#"enabled && kind == "return""#)
        var steps: [ConditionStep] = []
        #expect(throws: EvaluationError.self) { try compiled.evaluate(in: ExpressionTestContext.allNull, trace: &steps) }
        #expect(steps.map(\.text) == ["enabled"])
    }

    static func compile(_ source: String) throws -> CompiledExpression {
        try ExpressionCompiler.compile(source, expecting: nil, environment: ExpressionTestEnvironment(), currency: ExpressionTestEnvironment.currency).get()
    }
}
