/// The proration of one order (SPEC rule 5): each line's gross, each discount's allocation over
/// the lines it applies to, and each line's paid amount.
public struct OrderProration: Sendable {
    /// Per item: unit_price × quantity.
    public var itemGross: [Int64]
    /// Per discount, per item: the discount's allocation to that item (0 outside its scope).
    public var allocations: [[Int64]]
    /// Per item: paid P = gross − allocated discounts, never negative.
    public var itemPaid: [Int64]
    public var orderGross: Int64
    /// What the buyer paid for the goods: the order's gross less every discount.
    public var orderPaidTotal: Int64

    /// Allocates every discount of `order`, in `discounts` order.
    ///
    /// - Returns: the proration, or the index of the first discount whose allocation leaves some
    ///   line with a negative paid amount (discounts that together exceed a line's gross).
    /// `buffers`: the arrays to fill (`RequestBuffers`).
    static func of(_ order: Order, buffers: inout RequestBuffers) -> Result<OrderProration, NegativePaid> {
        let items = order.items
        var gross = RequestBuffers.take(&buffers.itemGross)
        var paid = RequestBuffers.take(&buffers.itemPaid)
        gross.reserveCapacity(items.count)
        paid.reserveCapacity(items.count)
        var orderGross: Int64 = 0
        for index in items.indices {
            // Read in place: `for item in items` would copy each item (its strings and arrays
            // retained and released) to read two integers.
            let itemGross = items[index].gross
            gross.append(itemGross)
            paid.append(itemGross)
            orderGross += itemGross
        }
        var allocations = RequestBuffers.take(&buffers.allocations)
        allocations.reserveCapacity(order.discounts.count)
        var discountTotal: Int64 = 0
        for (discountIndex, discount) in order.discounts.enumerated() {
            // The decoder guarantees amount ≤ scope gross, so a positive amount has positive weights.
            var row = buffers.allocationRow()
            if let scope = discount.appliesTo {
                for _ in items.indices { row.append(0) }
                // The scope's weights and shares in the buffers' memory (an undefined split leaves the row zero).
                var weights = RequestBuffers.take(&buffers.scopeWeights)
                var shares = RequestBuffers.take(&buffers.scopeShares)
                weights.removeAllKeepingMemory()
                for itemIndex in scope { weights.append(gross[itemIndex]) }
                if Proration.allocate(discount.amount, proportionalTo: weights, into: &shares) {
                    for (position, itemIndex) in scope.enumerated() { row[itemIndex] = shares[position] }
                }
                buffers.scopeWeights = weights
                buffers.scopeShares = shares
            } else if !Proration.allocate(discount.amount, proportionalTo: gross, into: &row) {
                // The whole order: the shares are the row.
                row.removeAllKeepingMemory()
                for _ in items.indices { row.append(0) }
            }
            for itemIndex in items.indices where row[itemIndex] != 0 {
                paid[itemIndex] -= row[itemIndex]
                if paid[itemIndex] < 0 { return .failure(NegativePaid(discountIndex: discountIndex, itemIndex: itemIndex)) }
            }
            discountTotal += discount.amount
            allocations.append(row)
        }
        return .success(OrderProration(
            itemGross: gross, allocations: allocations, itemPaid: paid, orderGross: orderGross,
            orderPaidTotal: orderGross - discountTotal))
    }

    /// A discount that pushes a line's paid amount below zero.
    struct NegativePaid: Error {
        var discountIndex: Int
        var itemIndex: Int
    }
}
