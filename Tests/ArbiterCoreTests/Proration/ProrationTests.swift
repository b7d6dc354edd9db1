import PropertyBased
import Testing
@testable import ArbiterCore

/// Examples worked by hand from SPEC section 6 rules 5–6.
@Suite struct ProrationExampleTests {
    /// SPEC sections 4–5: 30.00 over T-shirts 2 × 199.00 and a mango 59.90.
    @Test func specWorkedExample() throws {
        let shares = try #require(Proration.allocate(3000, proportionalTo: [39800, 5990]))
        // 3000 × 39800 / 45790 = 2607.55…, 3000 × 5990 / 45790 = 392.44…: the leftover fen goes to L1.
        #expect(shares == [2608, 392])
        let paid = 39800 - shares[0]
        #expect(Proration.refundOfUnits(paid: paid, quantity: 2, alreadyRefunded: 0, units: 1) == 18596)
    }

    @Test func leftoverGoesToTheEarlierLineOnTies() throws {
        // 1.00 over three equal lines: 33 each, one fen left, three equal remainders.
        #expect(Proration.allocate(100, proportionalTo: [500, 500, 500]) == [34, 33, 33])
        // Two fen left over four equal lines go to the first two.
        #expect(Proration.allocate(202, proportionalTo: [1, 1, 1, 1]) == [51, 51, 50, 50])
    }

    @Test func largestRemainderBeatsPosition() {
        // 10 over weights 1, 2: 3.33… and 6.66…; the later line has the larger remainder.
        #expect(Proration.allocate(10, proportionalTo: [1, 2]) == [3, 7])
    }

    @Test func degenerateSplits() {
        #expect(Proration.allocate(0, proportionalTo: [0, 0]) == [0, 0])
        #expect(Proration.allocate(5, proportionalTo: [0, 0]) == nil)
        #expect(Proration.allocate(-1, proportionalTo: [1]) == nil)
        #expect(Proration.allocate(7, proportionalTo: [0, 3]) == [0, 7])
    }

    @Test func unitSharesRefundInOrder() {
        // 100.00 paid for 3 units: 33.33, 33.33, 33.34.
        #expect(Proration.refundOfUnits(paid: 10000, quantity: 3, alreadyRefunded: 0, units: 1) == 3333)
        #expect(Proration.refundOfUnits(paid: 10000, quantity: 3, alreadyRefunded: 1, units: 1) == 3333)
        #expect(Proration.refundOfUnits(paid: 10000, quantity: 3, alreadyRefunded: 2, units: 1) == 3334)
    }

    @Test func allocationOnKeptUnits() {
        // A line of 3 units carries 10.00 of a discount; 1 unit gone leaves 10.00 − floor(1000/3) = 6.67.
        #expect(Proration.allocationOnKeptUnits(allocation: 1000, quantity: 3, goneUnits: 1) == 667)
        #expect(Proration.allocationOnKeptUnits(allocation: 1000, quantity: 3, goneUnits: 3) == 0)
        #expect(Proration.allocationOnKeptUnits(allocation: 1000, quantity: 3, goneUnits: 0) == 1000)
    }
}

/// Invariants over generated orders: what moves money must add up whatever the input.
@Suite struct ProrationPropertyTests {
    static let weights = Gen.int64(in: 0...50_000_000).array(of: 1...8)

    @Test func allocationsSumToTheDiscountAndNeverGoNegative() async {
        await propertyCheck(count: 2000, input: Self.weights, Gen.int64(in: 0...1_000_000)) { weights, wanted in
            let gross = weights.reduce(0, +)
            let total = gross == 0 ? 0 : min(wanted, gross)  // the decoder rejects a discount above its scope's gross
            guard let shares = Proration.allocate(total, proportionalTo: weights) else {
                Issue.record("no split for \(total) over \(weights)")
                return
            }
            #expect(shares.reduce(0, +) == total)
            for (share, weight) in zip(shares, weights) {
                #expect(share >= 0)
                #expect(share <= weight, "a line never gets more discount than its gross")
            }
        }
    }

    @Test func matchesANaiveReference() async {
        await propertyCheck(count: 2000, input: Gen.int64(in: 0...20_000).array(of: 1...6), Gen.int64(in: 0...5_000)) { weights, wanted in
            let gross = weights.reduce(0, +)
            let total = gross == 0 ? 0 : min(wanted, gross)
            #expect(Proration.allocate(total, proportionalTo: weights) == Self.naiveAllocate(total, weights))
        }
    }

    @Test func anySplitOfUnitRefundsSumsToPaid() async {
        await propertyCheck(count: 2000, input: Gen.int64(in: 0...100_000_000), Gen.int(in: 1...9).array(of: 1...9)) { paid, chunks in
            let quantity = chunks.reduce(0, +)
            var refunded = 0
            var total: Int64 = 0
            for chunk in chunks {
                let part = Proration.refundOfUnits(paid: paid, quantity: quantity, alreadyRefunded: refunded, units: chunk)
                #expect(part >= 0)
                total += part
                refunded += chunk
            }
            #expect(total == paid)
        }
    }

    @Test func clawbackOnKeptUnitsPlusGoneSharesIsTheAllocation() async {
        await propertyCheck(count: 2000, input: Gen.int64(in: 0...1_000_000), Gen.int(in: 1...50), Gen.int(in: 0...50)) { allocation, quantity, gone in
            let goneUnits = min(gone, quantity)
            let kept = Proration.allocationOnKeptUnits(allocation: allocation, quantity: quantity, goneUnits: goneUnits)
            #expect(kept >= 0 && kept <= allocation)
            #expect(kept + Proration.unitShare(paid: allocation, quantity: quantity, units: goneUnits) == allocation)
        }
    }

    /// Largest remainder written the slow, obvious way: exact fractions compared by cross-multiplying.
    static func naiveAllocate(_ total: Int64, _ weights: [Int64]) -> [Int64]? {
        let sum = weights.reduce(0, +)
        if total == 0 { return weights.map { _ in 0 } }
        if sum == 0 { return nil }
        var shares = weights.map { total * $0 / sum }
        var left = total - shares.reduce(0, +)
        var taken = Set<Int>()
        while left > 0 {
            var best = -1
            for index in weights.indices where !taken.contains(index) {
                let remainder = total * weights[index] % sum
                if best < 0 || remainder > total * weights[best] % sum { best = index }
            }
            shares[best] += 1
            taken.insert(best)
            left -= 1
        }
        return shares
    }
}
