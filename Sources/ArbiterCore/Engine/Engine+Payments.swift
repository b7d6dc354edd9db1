/// Refund by payment method (SPEC section 8): the split is the pack's (`refund_to` rules with
/// `for_each: payment`); the engine checks what holds for every pack.
extension Engine {
    /// The decision's `by_method`: one entry per payment, in the order given, summing exactly to
    /// `refund.total`; nil when the order lists no payments.
    ///
    /// - Throws: `invalid_request` at `$.order.payments` when the refund is more than the
    ///   payments can still take back (the caller's state is impossible); `internal` when the
    ///   pack's split does not add up or gives a payment more than it can take back.
    static func refundByMethod(_ amounts: [Int64?], _ state: EvaluationState) throws(EvaluationFailure) -> [MethodRefund]? {
        guard let payments = state.request.order.payments else { return nil }
        let digits = state.request.order.currency.fractionDigits
        func format(_ amount: Int64) -> String { Money.format(minorUnits: amount, fractionDigits: digits) }
        var refundable: Int64 = 0
        for payment in payments { refundable += payment.amount - payment.refunded }
        guard state.refundTotal <= refundable else {
            throw EvaluationFailure(
                rule: "refund.by_method", source: "",
                message: "the refund of \(format(state.refundTotal)) is more than the payments can still take back (\(format(refundable)): amount − refunded over every payment)",
                requestPath: "$.order.payments")
        }
        var parts: [MethodRefund] = []
        var sum: Int64 = 0
        for (index, payment) in payments.enumerated() {
            let amount = amounts[index] ?? 0
            guard amount <= payment.amount - payment.refunded else {
                throw EvaluationFailure(rule: "refund.by_method", source: "", message: "the policy refunds \(format(amount)) to payment \(index + 1) ('\(payment.method)'), which can take back only \(format(payment.amount - payment.refunded))")
            }
            sum += amount
            parts.append(MethodRefund(method: payment.method, amount: amount))
        }
        guard sum == state.refundTotal else {
            throw EvaluationFailure(rule: "refund.by_method", source: "", message: "the policy's refund_to amounts sum to \(format(sum)), not to refund.total \(format(state.refundTotal))")
        }
        if state.computations != nil {
            // Every payment is listed: a request has few, and the split is the answer's own.
            let rows = state.computations!.appendTable(.refundByMethod, rowCount: payments.count) { log in
                for index in payments.indices {
                    log.cell(.string(payments[index].method))
                    log.cell(.money(payments[index].amount))
                    log.cell(.money(payments[index].refunded))
                    log.cell(.money(parts[index].amount))
                }
            }
            state.computations?.record(.refundByMethod) { values in
                values.append(.money(state.refundTotal))
                values.append(.money(refundable))
                values.append(AuditTable(isListed: true, value: rows))
            }
        }
        return parts
    }
}
