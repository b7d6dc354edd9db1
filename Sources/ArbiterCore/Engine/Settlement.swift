/// What the engine does with the adjustments a pack's settlement rules propose (SPEC section 8,
/// "Settlement is policy"): the same for every pack. The conditions, amounts and codes are the
/// pack's YAML (`scope: settlement` rules); here they are only applied, in the order the pack
/// declares them, each deduction capped so that the total never goes below zero.
enum Settlement {
    struct Result {
        var items: Int64
        var shipping: Int64
        var adjustments: [Adjustment]
        var total: Int64
    }

    /// An adjustment a rule proposed, before the cap.
    struct Proposal {
        var code: String
        var amount: Int64
        var rule: String
    }

    /// What the order keeps after this request, for the audit trail (settlement rules read it).
    static func recordKeptUnits(_ state: EvaluationState) {
        let items = state.request.order.items
        state.computations?.append(Computation("kept_units", [
            state.auditRows(items.count) { items.indices.map { index in
                [("line", .string(items[index].line)), ("quantity", .int(Int64(items[index].quantity))),
                 ("refunded_before", .int(Int64(items[index].refundedQuantity))),
                 ("granted_now", .int(Int64(state.grantedUnits[index]))), ("kept", .int(Int64(state.keptUnits[index]))),
                 ("kept_gross", .money(items[index].unitPrice * Int64(state.keptUnits[index])))]
            } },
            ("kept_units", .int(Int64(state.keptUnitsTotal))), ("kept_gross", .money(state.keptGrossTotal)),
        ]))
    }

    /// The refund of the granted lines, the shipping refund and the proposed adjustments applied
    /// in order: a deduction takes at most what the refund holds so far; additions are added.
    static func settle(_ state: EvaluationState, shipping: (amount: Int64, rule: String)?, proposals: [Proposal]) -> Result {
        var refundItems: Int64 = 0
        for line in state.lines where line.isGranted { refundItems += line.paid }
        state.computations?.append(Computation("refund_items", [
            ("formula", .string("sum of paid of approved and review lines")), ("amount", .money(refundItems)),
        ]))
        if let shipping {
            state.computations?.append(Computation("shipping_refund", [("rule", .string(shipping.rule)), ("amount", .money(shipping.amount))]))
        }
        var running = refundItems + (shipping?.amount ?? 0)
        var adjustments: [Adjustment] = []
        for proposal in proposals {
            let applied = proposal.amount < 0 ? max(proposal.amount, -running) : proposal.amount
            running += applied
            state.computations?.append(Computation("apply_adjustment", [
                ("code", .string(proposal.code)), ("rule", .string(proposal.rule)), ("proposed", .money(proposal.amount)),
                ("applied", .money(applied)), ("capped", .bool(applied != proposal.amount)), ("running_total", .money(running)),
            ]))
            if applied != 0 { adjustments.append(Adjustment(code: proposal.code, amount: applied, rule: proposal.rule)) }
        }
        state.computations?.append(Computation("refund_total", [
            ("formula", .string("items + shipping + adjustments, never below zero")),
            ("items", .money(refundItems)), ("shipping", .money(shipping?.amount ?? 0)), ("total", .money(running)),
        ]))
        return Result(items: refundItems, shipping: shipping?.amount ?? 0, adjustments: adjustments, total: running)
    }
}
