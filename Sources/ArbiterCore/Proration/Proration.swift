/// Exact proration in minor units (SPEC section 6, rules 5 and 6). These are the functions
/// most likely to cost real money when wrong: every result is an integer number of minor
/// units, intermediate products are `Int128`, and the invariants (allocations sum to the
/// discount, any split of unit refunds sums to the paid amount) are property-tested.
public enum Proration {
    /// Splits `total` over `weights` in proportion, by the largest-remainder method.
    ///
    /// Every share is first floored (`total × weight / Σweights`); the minor units left over
    /// go one at a time to the largest fractional remainders, ties to the earlier position —
    /// so the shares always sum to `total` and a line listed earlier in `order.items` wins a tie.
    /// Returns nil when the split is undefined: a negative total or weight, or a positive total
    /// over weights that sum to zero.
    public static func allocate(_ total: Int64, proportionalTo weights: [Int64]) -> [Int64]? {
        var shares: [Int64] = []
        return allocate(total, proportionalTo: weights, into: &shares) ? shares : nil
    }

    /// The same split written into `shares` (emptied first, its memory kept): false, with
    /// `shares` unspecified, when the split is undefined.
    static func allocate(_ total: Int64, proportionalTo weights: [Int64], into shares: inout [Int64]) -> Bool {
        guard total >= 0, weights.allSatisfy({ $0 >= 0 }) else { return false }
        let weightSum = weights.reduce(Int128(0)) { $0 + Int128($1) }
        shares.removeAllKeepingMemory()
        shares.reserveCapacity(weights.count)
        if total == 0 {
            for _ in weights.indices { shares.append(0) }
            return true
        }
        guard weightSum > 0 else { return false }
        var allocated: Int128 = 0
        for weight in weights {
            let share = Int128(total) * Int128(weight) / weightSum
            shares.append(Int64(share))
            allocated += share
        }
        let leftover = Int(Int128(total) - allocated)  // < weights.count by construction
        if leftover > 0 {
            // Only now are the remainders needed (a split with none left over is exact). On the
            // stack for the few lines of a usual order: the split allocates only its shares.
            withUnsafeTemporaryAllocation(of: Int128.self, capacity: weights.count) { remainders in
                for index in weights.indices { remainders[index] = Int128(total) * Int128(weights[index]) % weightSum }
                withUnsafeTemporaryAllocation(of: Int.self, capacity: weights.count) { buffer in
                    var order = buffer
                    for index in weights.indices { order[index] = index }
                    // Larger remainder first, then the earlier position: a total order.
                    order.sort { (lhs: Int, rhs: Int) -> Bool in
                        let left: Int128 = remainders[lhs], right: Int128 = remainders[rhs]
                        return left != right ? left > right : lhs < rhs
                    }
                    for position in 0..<leftover { shares[order[position]] += 1 }
                }
            }
        }
        return true
    }

    /// The amount `share(n)` of a line's paid amount that belongs to its first `n` units:
    /// `floor(paid × n / quantity)`. `share(quantity) == paid`, and shares never decrease.
    public static func unitShare(paid: Int64, quantity: Int, units: Int) -> Int64 {
        guard quantity > 0 else { return 0 }
        return Int64(Int128(paid) * Int128(units) / Int128(quantity))
    }

    /// What refunding `units` more units of a line returns when `alreadyRefunded` units were
    /// refunded before: `share(r + k) − share(r)`. Units are refunded in order, so any sequence of
    /// partial refunds of a line sums exactly to its paid amount.
    public static func refundOfUnits(paid: Int64, quantity: Int, alreadyRefunded: Int, units: Int) -> Int64 {
        unitShare(paid: paid, quantity: quantity, units: alreadyRefunded + units)
            - unitShare(paid: paid, quantity: quantity, units: alreadyRefunded)
    }

    /// The part of a line's allocation of one discount that sits on the units still kept after
    /// `goneUnits` units (refunded earlier or granted now) left: `A − floor(A × gone / quantity)`
    /// (rule 6). It is what the customer loses when the kept goods fall below the threshold.
    public static func allocationOnKeptUnits(allocation: Int64, quantity: Int, goneUnits: Int) -> Int64 {
        allocation - unitShare(paid: allocation, quantity: quantity, units: goneUnits)
    }
}
