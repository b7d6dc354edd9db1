/// The checks that relate fields to each other (SPEC section 8, in its order: the consistency
/// checks, then the request's pack, the selecting timestamp and the currency, then the payments
/// sum), shared by both decoders: a draft whose every field has the right format becomes the
/// request the engine decides, or the first `RequestError` in that order.
extension RequestDecoder {
    /// `selectionError`: why a policy set found no version for the request (an unknown
    /// `policy`, no version in force), reported in the place of the pack checks.
    func resolve(_ draft: consuming RequestDraft, selectionError: RequestError? = nil) throws(RequestError) -> AfterSaleRequest {
        var buffers = RequestBuffers()
        return try resolve(draft, selectionError: selectionError, buffers: &buffers)
    }

    /// The same, with the arrays of `buffers` (`RequestBuffers`); the draft's own arrays go
    /// back to it once read.
    func resolve(_ draft: consuming RequestDraft, selectionError: RequestError? = nil, buffers: inout RequestBuffers) throws(RequestError) -> AfterSaleRequest {
        // The draft's items become the request's: moved out, checked and linked in place.
        var items: [OrderItem] = []
        swap(&items, &draft.order.items)
        let lineIndex = LineIndex(count: items.count) { items[$0].line }
        // The line each item's `gift_for` names, by item (only for an order with gifts).
        // Only an order with gifts fills it, in the last such order's memory (`RequestBuffers`).
        var giftLineOf: [String?] = []
        let hasGifts = !draft.order.giftLines.isEmpty
        if hasGifts {
            giftLineOf = RequestBuffers.take(&buffers.giftLineOf)
            for _ in items.indices { giftLineOf.append(nil) }
            for gift in draft.order.giftLines { giftLineOf[gift.item] = gift.line }
        }

        // Items: unique ids, possible refunded quantities, gifts for another, non-gift item.
        var orderGross: Int64 = 0
        for index in items.indices {
            let path = { "$.order.items[\(index)]" }
            // Read in place: a copy of the item would retain and release each of its strings.
            if let first = lineIndex.index(of: items[index].line, id: { items[$0].line }), first != index {
                throw RequestError(path: path() + ".line", "duplicate line id '\(items[index].line)'")
            }
            let item = (quantity: items[index].quantity, refundedQuantity: items[index].refundedQuantity,
                        unitPrice: items[index].unitPrice, giftValue: items[index].giftValue)
            guard item.refundedQuantity <= item.quantity else {
                throw RequestError(path: path() + ".refunded_quantity", "refunded_quantity \(item.refundedQuantity) is more than quantity \(item.quantity)")
            }
            let (gross, overflow) = item.unitPrice.multipliedReportingOverflow(by: Int64(item.quantity))
            guard !overflow, gross <= Money.maxMinorUnits else {
                throw RequestError(path: path() + ".quantity", "unit_price × quantity is too large")
            }
            // The order's gross is bounded as one amount is, so that no arithmetic a pack does on
            // it (punitive damages are ten times the paid of up to 1,000 lines) overflows.
            orderGross += gross
            guard orderGross <= Money.maxMinorUnits else {
                throw RequestError(path: path() + ".quantity", "the order's items are worth more than \(format(Money.maxMinorUnits)) in all (unit_price × quantity summed over the items so far), the largest amount a request may carry")
            }
            if let giftValue = item.giftValue {
                // A gift's price is 0, so its value is bounded here as a price is above.
                let (value, overflow) = giftValue.multipliedReportingOverflow(by: Int64(item.quantity))
                guard !overflow, value <= Money.maxMinorUnits else {
                    throw RequestError(path: path() + ".gift_value", "gift_value × quantity is too large")
                }
            }
            if !giftLineOf.isEmpty, let target = giftLineOf[index] {
                guard let targetIndex = lineIndex.index(of: target, id: { items[$0].line }) else {
                    throw RequestError(path: path() + ".gift_for", "gift_for '\(target)' names no item of the order")
                }
                guard targetIndex != index else {
                    throw RequestError(path: path() + ".gift_for", "gift_for '\(target)' names the gift itself")
                }
                guard giftLineOf[targetIndex] == nil else {
                    throw RequestError(path: path() + ".gift_for", "gift_for '\(target)' names another gift; a gift is for an item that is not one")
                }
                guard item.giftValue != nil else {
                    throw RequestError(path: path() + ".gift_value", "gift_value is required when gift_for is set")
                }
                items[index].giftFor = targetIndex
            }
        }

        // The gifts are checked: both lists are kept for the next order with gifts (one refused
        // above allocates them again).
        if hasGifts {
            giftLineOf.removeAllKeepingMemory()
            buffers.giftLineOf = giftLineOf
            var giftLines = RequestBuffers.take(&draft.order.giftLines)
            giftLines.removeAllKeepingMemory()
            buffers.giftLines = giftLines
        }

        // Discounts: known, unique lines in scope; an amount the scope can carry; no more taken
        // back by earlier refunds than the discount was.
        var discounts = RequestBuffers.take(&buffers.discounts)
        discounts.reserveCapacity(draft.order.discounts.count)
        let discountIDs = LineIndex(count: draft.order.discounts.count) { draft.order.discounts[$0].id }
        // What earlier refunds deducted for the discounts, and the last discount that says so
        // (`checkEarlierDeductions`).
        var discountsClawedBack: Int64 = 0
        var lastClawedBack: Int?
        for index in draft.order.discounts.indices {
            let path = { "$.order.discounts[\(index)]" }
            // Fields read in place: a copy of the discount would retain and release its strings.
            let amount = draft.order.discounts[index].amount, clawedBack = draft.order.discounts[index].clawedBack
            var scope: [Int]?
            // Taken out of the draft, so that the list is kept (`RequestBuffers`) when checked.
            if var lines = draft.order.discounts[index].appliesTo.take() {
                var inScope = SeenIndices(count: items.count)
                var indices = buffers.scope(holding: lines.count)
                indices.reserveCapacity(lines.count)
                for (position, line) in lines.enumerated() {
                    guard let itemIndex = lineIndex.index(of: line, id: { items[$0].line }) else {
                        throw RequestError(path: path() + ".applies_to[\(position)]", "'\(line)' names no item of the order")
                    }
                    guard inScope.insert(itemIndex) else {
                        throw RequestError(path: path() + ".applies_to[\(position)]", "line '\(line)' is listed twice")
                    }
                    indices.append(itemIndex)
                }
                // Scope in order.items order: allocation ties go to the earlier line of the order.
                indices.sort()
                scope = indices
                buffers.keep(lineList: &lines)
            }
            if discountIDs.index(of: draft.order.discounts[index].id, id: { draft.order.discounts[$0].id }) != index {
                throw RequestError(path: path() + ".id", "duplicate discount id '\(draft.order.discounts[index].id)'")
            }
            var scopeGross: Int64 = 0
            if let scope {
                for itemIndex in scope { scopeGross += items[itemIndex].gross }
            } else {
                for itemIndex in items.indices { scopeGross += items[itemIndex].gross }  // in place: no copy of each item
            }
            guard amount <= scopeGross else {
                throw RequestError(path: path() + ".amount", "discount \(format(amount)) is larger than the gross \(format(scopeGross)) it applies to")
            }
            guard clawedBack <= amount else {
                throw RequestError(path: path() + ".clawed_back", "clawed_back \(format(clawedBack)) is more than the discount's amount \(format(amount)); earlier refunds cannot have taken back more than the discount was")
            }
            if clawedBack > 0 {
                discountsClawedBack += clawedBack
                lastClawedBack = index
            }
            discounts.append(Discount(
                id: draft.order.discounts[index].id, kind: draft.order.discounts[index].kind, amount: amount, appliesTo: scope,
                threshold: draft.order.discounts[index].threshold, clawedBack: clawedBack))
        }

        // Free shipping: what earlier refunds deducted is at most the fee that was waived.
        guard draft.order.shippingClawedBack <= (draft.order.shippingWaived ?? 0) else {
            throw RequestError(path: "$.order.shipping_clawed_back", "shipping_clawed_back \(format(draft.order.shippingClawedBack)) is more than shipping_waived \(format(draft.order.shippingWaived ?? 0)); earlier refunds cannot have deducted more than the waived fee")
        }

        // Payments: no method got back more than it paid.
        if let payments = draft.order.payments {
            for (index, payment) in payments.enumerated() where payment.refunded > payment.amount {
                throw RequestError(path: "$.order.payments[\(index)].refunded", "refunded \(format(payment.refunded)) is more than the payment's amount \(format(payment.amount))")
            }
        }

        let resolved = Order(
            id: draft.order.id, currency: draft.order.currency, zone: draft.order.zone ?? schema.defaultZone, placedAt: draft.order.placedAt,
            paidAt: draft.order.paidAt, promisedShipBy: draft.order.promisedShipBy, promisedDeliveryBy: draft.order.promisedDeliveryBy,
            shippedAt: draft.order.shippedAt, deliveredAt: draft.order.deliveredAt, shippingFee: draft.order.shippingFee,
            freeShippingThreshold: draft.order.freeShippingThreshold, shippingWaived: draft.order.shippingWaived,
            shippingClawedBack: draft.order.shippingClawedBack, standardShippingFee: draft.order.standardShippingFee,
            shippingInsurance: draft.order.shippingInsurance, items: items, discounts: discounts, payments: draft.order.payments)

        // Allocation (rule 5): no line may end up paying less than nothing.
        let proration: OrderProration
        switch OrderProration.of(resolved, buffers: &buffers) {
        case .success(let result): proration = result
        case .failure(let negative):
            throw RequestError(path: "$.order.discounts[\(negative.discountIndex)]", "discount '\(discounts[negative.discountIndex].id)' takes line '\(items[negative.itemIndex].line)' below zero: the discounts allocated to a line exceed its gross")
        }
        try checkEarlierDeductions(items: items, proration: proration, shippingFee: draft.order.shippingFee,
                                   shippingClawedBack: draft.order.shippingClawedBack,
                                   discountsClawedBack: discountsClawedBack, lastClawedBack: lastClawedBack)

        // Requested lines: known, each once; at least one unless the claim is about the order.
        var lines = RequestBuffers.take(&buffers.lines)
        if let drafts = draft.lines {
            lines.reserveCapacity(drafts.count)
            var requested = SeenIndices(count: items.count)
            for (index, line) in drafts.enumerated() {
                guard let itemIndex = lineIndex.index(of: line.line, id: { items[$0].line }) else {
                    throw RequestError(path: "$.lines[\(index)].line", "'\(line.line)' names no item of the order")
                }
                guard requested.insert(itemIndex) else {
                    throw RequestError(path: "$.lines[\(index)].line", "line '\(line.line)' is requested twice")
                }
                lines.append(RequestedLine(itemIndex: itemIndex, quantity: line.quantity, condition: line.condition))
            }
        }
        if lines.isEmpty, draft.kind != .compensation {
            throw RequestError(path: "$.lines", "must name at least one line of the order")
        }
        // A compensation claim is about the order, not lines: its (valid) lines are ignored (SPEC rule 13).
        if draft.kind == .compensation { lines.removeAllKeepingMemory() }

        // The pack, the selecting timestamp, the currency.
        if let selectionError { throw selectionError }
        if let named = draft.policy, named != schema.packName {
            throw RequestError(path: "$.policy", "unknown policy '\(named)'; this arbiter decides with '\(schema.packName)'")
        }
        guard draft.order.placedAt != nil else {
            throw RequestError(path: "$.order.placed_at", "missing required field 'placed_at' (the policy version in force is selected by it)")
        }
        guard draft.order.currency == schema.currency else {
            // The version that would decide, and the instant that selected it (SPEC section 9).
            let instant = schema.selectedBy == .placedAt ? draft.order.placedAt : draft.requestedAt
            let version = schema.packVersion.isEmpty ? "" : " \(schema.packVersion)"
            let selected = instant.map { ", in force at \($0.rfc3339) (\(schema.selectedBy.rawValue))," } ?? ""
            throw RequestError(path: "$.order.currency", "currency mismatch: the order is in \(draft.order.currency.code) but pack '\(schema.packName)'\(version)\(selected) decides \(schema.currency.code); the arbiter never converts")
        }

        // Payments sum to what the buyer paid: every unit's paid amount plus the shipping fee.
        if let payments = draft.order.payments {
            var paid: Int64 = draft.order.shippingFee
            for amount in proration.itemPaid { paid += amount }
            var sum: Int64 = 0
            for payment in payments { sum += payment.amount }
            guard sum == paid else {
                throw RequestError(path: "$.order.payments", "payments sum to \(format(sum)) but the buyer paid \(format(paid)) (items' paid amounts plus shipping_fee)")
            }
        }

        // The draft's arrays are read: kept for the next request.
        draft.order.discounts.removeAllKeepingMemory()
        swap(&draft.order.discounts, &buffers.discountDrafts)
        if draft.lines != nil {
            draft.lines!.removeAllKeepingMemory()
            swap(&draft.lines!, &buffers.lineDrafts)
        }

        // The locals are moved in, not copied (each copy retains its arrays and strings, and
        // the local's end releases them).
        return AfterSaleRequest(
            id: draft.id, kind: draft.kind, reason: draft.reason, requestedAt: draft.requestedAt, order: consume resolved,
            lines: consume lines, customer: draft.customer, evidence: draft.evidence, facts: draft.facts, locale: draft.locale,
            proration: consume proration)
    }

    /// What earlier refunds deducted (every discount's `clawed_back` and `shipping_clawed_back`)
    /// was taken from those refunds, and a refund is capped at zero: so together the deductions
    /// are at most what the units refunded so far paid (`share(refunded_quantity)` of each line,
    /// rule 5), plus the shipping fee once every unit is refunded. More cannot have happened,
    /// and believing it would give it back as a release (SPEC section 8, "must be possible";
    /// docs/interpretations.md). Blamed on `shipping_clawed_back` when it claims any, else on
    /// the last discount that does.
    private func checkEarlierDeductions(items: [OrderItem], proration: OrderProration, shippingFee: Int64, shippingClawedBack: Int64,
                                        discountsClawedBack: Int64, lastClawedBack: Int?) throws(RequestError) {
        let deducted = shippingClawedBack + discountsClawedBack
        guard deducted > 0 else { return }
        var refundedPaid: Int64 = 0
        var everyUnitRefunded = true
        for index in items.indices {
            refundedPaid += Proration.unitShare(paid: proration.itemPaid[index], quantity: items[index].quantity,
                                                units: items[index].refundedQuantity)
            if items[index].refundedQuantity < items[index].quantity { everyUnitRefunded = false }
        }
        if everyUnitRefunded { refundedPaid += shippingFee }
        guard deducted > refundedPaid else { return }
        let path = if shippingClawedBack == 0, let index = lastClawedBack { "$.order.discounts[\(index)].clawed_back" } else { "$.order.shipping_clawed_back" }
        throw RequestError(path: path, "earlier refunds deducted \(format(deducted)) (discounts' clawed_back plus shipping_clawed_back) but the units refunded so far paid \(format(refundedPaid)); a deduction is taken from a refund and never exceeds it")
    }

    func format(_ minorUnits: Int64) -> String {
        Money.format(minorUnits: minorUnits, fractionDigits: schema.currency.fractionDigits)
    }
}

/// Line ids (or discount ids) to their first position, for ids the caller keeps (`id(n)` is
/// the id at position n): a linear scan over them for the few lines of a usual order, with
/// nothing allocated or copied, and a hash table from 17 on, so that validation stays linear
/// in the request's size.
struct LineIndex {
    let count: Int
    private var table: [String: Int]?

    init(count: Int, id: (Int) -> String) {
        self.count = count
        guard count > 16 else { return }
        var built: [String: Int] = [:]
        built.reserveCapacity(2 * count)
        for position in 0..<count where built[id(position)] == nil { built[id(position)] = position }
        table = built
    }

    /// The first position whose id is `wanted`, or nil; `id` gives the same ids as at `init`.
    func index(of wanted: String, id: (Int) -> String) -> Int? {
        if let table { return table[wanted] }
        for position in 0..<count where id(position) == wanted { return position }
        return nil
    }
}
