/// Evaluates rule conditions and amounts for one decision, and records the trace when asked.
/// With tracing off it keeps only the ids of rules that fired (for `--audit summary`).
struct RuleRun {
    let tracing: Bool
    /// Rules that fired, in the order they first fired (compared by identity: no string work).
    var firedRules: [Rule] = []
    var trace: [TraceEntry] = []
    var computations: [Computation]?
    var offers: [Grant] = []

    init(tracing: Bool) {
        self.tracing = tracing
        self.computations = tracing ? [] : nil
    }

    /// Evaluates a rule's condition; records it in the trace and, if it fired, in `firedRules`.
    mutating func evaluate(_ rule: Rule, _ state: EvaluationState, line: String?) throws(EvaluationFailure) -> Bool {
        var fired = true
        var steps: [ConditionStep] = []
        if let condition = rule.condition {
            let value: Value
            do {
                value = tracing ? try condition.evaluate(in: state, indexedTrace: &steps) : try condition.evaluate(in: state)
            } catch {
                throw EvaluationFailure(rule: rule.id, source: rule.source, message: "when: \(error.message)")
            }
            guard case .bool(let result) = value else {
                throw EvaluationFailure(rule: rule.id, source: rule.source, message: "when: condition did not produce a boolean")
            }
            fired = result
        }
        if fired, !firedRules.contains(where: { $0 === rule }) { firedRules.append(rule) }
        if tracing {
            trace.append(TraceEntry(rule: rule, line: line, fired: fired, conditions: steps, effects: []))
        }
        return fired
    }

    /// Attaches the effects applied to the last trace entry.
    mutating func recordEffects(_ effects: [String]) {
        guard tracing, !effects.isEmpty, !trace.isEmpty else { return }
        trace[trace.count - 1].effects = effects
    }

    mutating func value(_ expression: CompiledExpression, _ state: EvaluationState, rule: Rule, what: String) throws(EvaluationFailure) -> Value {
        do {
            let value = try expression.evaluate(in: state)
            computations?.append(Computation("expression", [
                ("rule", .string(rule.id)), ("what", .string(what)), ("expression", .string(expression.source)),
                ("value", AuditValue(value)),
            ]))
            return value
        } catch {
            throw EvaluationFailure(rule: rule.id, source: rule.source, message: "\(what): \(error.message)")
        }
    }

    mutating func money(_ expression: CompiledExpression, _ state: EvaluationState, rule: Rule, what: String, line: String?) throws(EvaluationFailure) -> Int64 {
        let value = try value(expression, state, rule: rule, what: line.map { "\(what) for line \($0)" } ?? what)
        guard case .money(let amount) = value, amount >= 0 else {
            throw EvaluationFailure(rule: rule.id, source: rule.source, message: "\(what): amount must be a non-negative money value")
        }
        return amount
    }
}

extension AuditValue {
    /// An expression value as the audit trail shows it.
    init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .money(let amount): self = .money(amount)
        case .percent(let basisPoints): self = .string(Percent(basisPoints: basisPoints).description)
        case .duration(let seconds): self = .string(Self.duration(seconds))
        case .string(let text): self = .string(text)
        case .timestamp(let timestamp): self = .string(timestamp.rfc3339)
        case .list(let values): self = .string("[" + values.map { Self.text($0) }.joined(separator: ", ") + "]")
        }
    }

    static func duration(_ seconds: Int64) -> String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    static func text(_ value: Value) -> String {
        switch value {
        case .string(let text): return "\"\(text)\""
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        default:
            if case .string(let text) = AuditValue(value) { return text }
            return "?"
        }
    }
}
