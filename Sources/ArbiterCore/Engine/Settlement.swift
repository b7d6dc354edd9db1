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
        /// The `for_each` element it was proposed for, named in the decision (`Adjustment`).
        var discount: String? = nil
        var line: String? = nil
    }

    /// What the order keeps after this request, for the audit trail (settlement rules read it).
    static func recordKeptUnits(_ state: EvaluationState) {
        guard state.computations != nil else { return }
        let items = state.request.order.items
        let table = state.auditTable(.keptUnits, rows: items.count) { log in
            for index in items.indices {
                log.cell(.string(items[index].line))
                log.cell(.int(Int64(items[index].quantity)))
                log.cell(.int(Int64(items[index].refundedQuantity)))
                log.cell(.int(Int64(state.grantedUnits[index])))
                log.cell(.int(Int64(state.keptUnits[index])))
                log.cell(.money(items[index].unitPrice * Int64(state.keptUnits[index])))
            }
        }
        state.computations?.record(ComputationLayout.keptUnits, table) { values in
            values.append(table)
            values.append(.int(Int64(state.keptUnitsTotal)))
            values.append(.money(state.keptGrossTotal))
        }
    }

    /// The refund of the granted lines, the shipping refund and the proposed adjustments applied
    /// in order: a deduction takes at most what the refund holds so far; additions are added.
    /// `adjustments`: an empty array to fill (a recycled one, `DecisionBuffers`).
    static func settle(_ state: EvaluationState, shipping: (amount: Int64, rule: String)?, proposals: [Proposal], adjustments: [Adjustment]) -> Result {
        var refundItems: Int64 = 0
        for line in state.lines.indices where state.lines[line].isGranted { refundItems += state.lines[line].paid }
        state.computations?.record(.refundItems) { values in
            values.append(.string("sum of paid of approved and review lines"))
            values.append(.money(refundItems))
        }
        if let shipping {
            state.computations?.record(.shippingRefund) { values in
                values.append(.string(shipping.rule))
                values.append(.money(shipping.amount))
            }
        }
        var running = refundItems + (shipping?.amount ?? 0)
        var adjustments = adjustments
        for proposal in proposals {
            let applied = proposal.amount < 0 ? max(proposal.amount, -running) : proposal.amount
            running += applied
            state.computations?.record(.applyAdjustment) { values in
                values.append(.string(proposal.code))
                values.append(.string(proposal.rule))
                values.append(.money(proposal.amount))
                values.append(.money(applied))
                values.append(.bool(applied != proposal.amount))
                values.append(.money(running))
            }
            if applied != 0 { adjustments.append(Adjustment(code: proposal.code, amount: applied, rule: proposal.rule, discount: proposal.discount, line: proposal.line)) }
        }
        state.computations?.record(.refundTotal) { values in
            values.append(.string("items + shipping + adjustments, never below zero"))
            values.append(.money(refundItems))
            values.append(.money(shipping?.amount ?? 0))
            values.append(.money(running))
        }
        return Result(items: refundItems, shipping: shipping?.amount ?? 0, adjustments: adjustments, total: running)
    }
}
