/// Deadlines a decision writes must be timestamps of years 0001–9999 (SPEC section 8, "Limits").
extension Engine {
    /// The failure for a deadline (`return_by`, `refund_by`) that cannot be written: the request's fault, reported as
    /// `invalid_request` on the request timestamp the expression computed it from (the first one
    /// it reads, e.g. `$.order.delivered_at`); a policy-only value is the engine's (`internal`).
    static func unwritableDeadline(_ value: Timestamp, expression: CompiledExpression, rule: Rule, field deadline: String) -> EvaluationFailure {
        let field = expression.slotsRead.lazy
            .compactMap { RequestField(rawValue: $0) }
            .first { $0.isWrittenInRequest && ($0.type == .timestamp || $0.type == .optional(.timestamp)) }
        let side = value.localSeconds > 0 ? "after 9999-12-31" : "before 0001-01-01"
        guard let field else {
            return EvaluationFailure(rule: rule.id, source: rule.source, message: "deadlines.\(deadline): the deadline falls \(side)")
        }
        return EvaluationFailure(
            rule: rule.id, source: rule.source,
            message: "'\(field.path)' puts the deadline '\(deadline)' of rule '\(rule.id)' \(side); timestamps are years 0001–9999",
            requestPath: "$." + field.path)
    }
}
extension DecideError {
    /// `invalid_request` when the failure names the request field at fault, else `internal`.
    init(_ failure: EvaluationFailure) {
        if let path = failure.requestPath {
            self = .invalidRequest(RequestError(path: path, failure.message))
        } else {
            self = .evaluation(failure)
        }
    }
}
