/// The built-in money steps rules switch on with `settle:` (SPEC section 6, rules 6–8):
/// threshold clawback and its release, free-shipping clawback and release, gifts not returned,
/// and the shipping refund. Adjustments are applied, and capped so the total never goes below
/// zero, in the SPEC's order: threshold clawbacks (in `discounts` order), free shipping, gifts.
enum Settlement {
    struct Result {
        var items: Int64
        var shipping: Int64
        var adjustments: [Adjustment]
        var total: Int64
    }

    /// - Parameter steps: the steps some rule enabled, with the id of the first rule that did.
    static func settle(_ state: EvaluationState, steps: SettlementSteps, computations: inout [Computation]?) -> Result {
        let order = state.request.order
        let items = order.items
        var grantedUnits = [Int](repeating: 0, count: items.count)
        var refundItems: Int64 = 0
        for line in state.lines where line.isGranted {
            grantedUnits[line.itemIndex] += line.units
            refundItems += line.paid
        }
        let anyGranted = state.lines.contains { $0.isGranted }
        var kept = [Int](repeating: 0, count: items.count)
        var keptUnitsTotal = 0
        var keptGrossTotal: Int64 = 0
        for index in items.indices {
            kept[index] = items[index].quantity - items[index].refundedQuantity - grantedUnits[index]
            keptUnitsTotal += kept[index]
            keptGrossTotal += items[index].unitPrice * Int64(kept[index])
        }
        computations?.append(Computation("kept_units", [
            ("rows", .rows(items.indices.map { index in
                [("line", .string(items[index].line)), ("quantity", .int(Int64(items[index].quantity))),
                 ("refunded_before", .int(Int64(items[index].refundedQuantity))),
                 ("granted_now", .int(Int64(grantedUnits[index]))), ("kept", .int(Int64(kept[index]))),
                 ("kept_gross", .money(items[index].unitPrice * Int64(kept[index])))]
            })),
        ]))
        computations?.append(Computation("refund_items", [
            ("formula", .string("sum of paid of approved and review lines")), ("amount", .money(refundItems)),
        ]))
        guard anyGranted else {
            computations?.append(Computation("settlement_skipped", [("why", .string("no line is approved or in review"))]))
            return Result(items: 0, shipping: 0, adjustments: [], total: 0)
        }

        var shipping: Int64 = 0
        if let rule = steps[.refundShipping] {
            let refunded = keptUnitsTotal == 0
            shipping = refunded ? order.shippingFee : 0
            computations?.append(Computation("shipping_refund", [
                ("rule", .string(rule)), ("kept_units_after_request", .int(Int64(keptUnitsTotal))),
                ("shipping_fee", .money(order.shippingFee)), ("amount", .money(shipping)),
            ]))
        }

        var proposed: [(code: String, amount: Int64, rule: String)] = []
        if let rule = steps[.thresholdClawback] {
            for (discountIndex, discount) in order.discounts.enumerated() {
                guard let threshold = discount.threshold else { continue }
                let scope = discount.appliesTo ?? Array(items.indices)
                var keptGross: Int64 = 0
                for index in scope { keptGross += items[index].unitPrice * Int64(kept[index]) }
                var owed: Int64 = 0
                func onKeptUnits(_ index: Int) -> (allocation: Int64, gone: Int, onKept: Int64) {
                    let allocation = state.allocations[discountIndex][index]
                    let gone = items[index].refundedQuantity + grantedUnits[index]
                    return (allocation, gone, Proration.allocationOnKeptUnits(allocation: allocation, quantity: items[index].quantity, goneUnits: gone))
                }
                if keptGross < threshold {
                    for index in scope { owed += onKeptUnits(index).onKept }
                }
                let delta = owed - discount.clawedBack
                computations?.append(Computation("threshold_clawback", [
                    ("rule", .string(rule)), ("discount", .string(discount.id)), ("threshold", .money(threshold)),
                    ("kept_gross", .money(keptGross)), ("below_threshold", .bool(keptGross < threshold)),
                    ("formula", .string("owed = sum over kept lines of A − floor(A × (r+k) / q); adjustment = −(owed − clawed_back)")),
                    state.auditRows(keptGross < threshold ? scope.count : 0) {
                        guard keptGross < threshold else { return [] }
                        return scope.map { index in
                            let row = onKeptUnits(index)
                            return [("line", .string(items[index].line)), ("allocation", .money(row.allocation)),
                                    ("quantity", .int(Int64(items[index].quantity))), ("gone_units", .int(Int64(row.gone))),
                                    ("on_kept_units", .money(row.onKept))]
                        }
                    },
                    ("owed", .money(owed)), ("clawed_back_before", .money(discount.clawedBack)),
                    ("adjustment", .money(-delta)),
                ]))
                if delta > 0 { proposed.append(("THRESHOLD_CLAWBACK", -delta, rule)) }
                if delta < 0 { proposed.append(("THRESHOLD_CLAWBACK_RELEASE", -delta, rule)) }
            }
        }
        // Free shipping (rule 8). The deduction is a no-reason return's; giving it back once
        // nothing of the order is kept (gifts count as kept, interpretation 10) is its own step,
        // whatever the request that returns the last unit.
        if let threshold = order.freeShippingThreshold, let waived = order.shippingWaived, order.shippingFee == 0,
           state.orderGross >= threshold, steps[.freeShippingClawback] != nil || steps[.freeShippingRelease] != nil {
            var amount: Int64 = 0
            var code = ""
            var rule = ""
            if let clawbackRule = steps[.freeShippingClawback], keptGrossTotal > 0, keptGrossTotal < threshold,
               waived > order.shippingClawedBack {
                code = "FREE_SHIPPING_CLAWBACK"
                amount = -(waived - order.shippingClawedBack)
                rule = clawbackRule
            } else if let releaseRule = steps[.freeShippingRelease], keptUnitsTotal == 0, order.shippingClawedBack > 0 {
                code = "FREE_SHIPPING_RELEASE"
                amount = order.shippingClawedBack
                rule = releaseRule
            }
            computations?.append(Computation("free_shipping", [
                ("clawback_rule", steps[.freeShippingClawback].map(AuditValue.string) ?? .null),
                ("release_rule", steps[.freeShippingRelease].map(AuditValue.string) ?? .null),
                ("free_shipping_threshold", .money(threshold)), ("order_gross", .money(state.orderGross)),
                ("kept_gross", .money(keptGrossTotal)), ("kept_units", .int(Int64(keptUnitsTotal))),
                ("shipping_waived", .money(waived)), ("clawed_back_before", .money(order.shippingClawedBack)),
                ("formula", .string("clawback −(waived − clawed_back) when 0 < kept_gross < threshold; release +clawed_back when kept_units = 0")),
                ("adjustment", .money(amount)),
            ]))
            if amount != 0 { proposed.append((code, amount, rule)) }
        }
        if let rule = steps[.giftNotReturned] {
            for (index, item) in items.enumerated() {
                guard let main = item.giftFor, let giftValue = item.giftValue else { continue }
                let applies = grantedUnits[main] > 0 && kept[main] == 0 && kept[index] > 0
                let amount = applies ? -(giftValue * Int64(kept[index])) : 0
                computations?.append(Computation("gift_not_returned", [
                    ("rule", .string(rule)), ("gift", .string(item.line)), ("gift_for", .string(items[main].line)),
                    ("main_units_kept", .int(Int64(kept[main]))), ("gift_units_kept", .int(Int64(kept[index]))),
                    ("gift_value", .money(giftValue)), ("adjustment", .money(amount)),
                ]))
                if amount != 0 { proposed.append(("GIFT_NOT_RETURNED", amount, rule)) }
            }
        }

        var running = refundItems + shipping
        var adjustments: [Adjustment] = []
        for adjustment in proposed {
            let applied = adjustment.amount < 0 ? max(adjustment.amount, -running) : adjustment.amount
            running += applied
            computations?.append(Computation("apply_adjustment", [
                ("code", .string(adjustment.code)), ("proposed", .money(adjustment.amount)),
                ("applied", .money(applied)), ("capped", .bool(applied != adjustment.amount)), ("running_total", .money(running)),
            ]))
            if applied != 0 { adjustments.append(Adjustment(code: adjustment.code, amount: applied, rule: adjustment.rule)) }
        }
        computations?.append(Computation("refund_total", [
            ("formula", .string("items + shipping + adjustments, never below zero")),
            ("items", .money(refundItems)), ("shipping", .money(shipping)), ("total", .money(running)),
        ]))
        return Result(items: refundItems, shipping: shipping, adjustments: adjustments, total: running)
    }
}

/// The settlement steps rules switched on for one request, each with the id of the first rule
/// that did. Stored fields rather than a dictionary: built once per request on the hot path.
struct SettlementSteps {
    private var thresholdClawback: String?
    private var freeShippingClawback: String?
    private var freeShippingRelease: String?
    private var giftNotReturned: String?
    private var refundShipping: String?

    subscript(step: SettlementStep) -> String? {
        get {
            switch step {
            case .thresholdClawback: return thresholdClawback
            case .freeShippingClawback: return freeShippingClawback
            case .freeShippingRelease: return freeShippingRelease
            case .giftNotReturned: return giftNotReturned
            case .refundShipping: return refundShipping
            }
        }
        set {
            switch step {
            case .thresholdClawback: thresholdClawback = newValue
            case .freeShippingClawback: freeShippingClawback = newValue
            case .freeShippingRelease: freeShippingRelease = newValue
            case .giftNotReturned: giftNotReturned = newValue
            case .refundShipping: refundShipping = newValue
            }
        }
    }
}
