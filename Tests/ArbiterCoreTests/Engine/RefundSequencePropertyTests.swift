import PropertyBased
import Testing
@testable import ArbiterCore

/// The engine's money invariants over generated orders and arbitrary sequences of partial
/// returns (SPEC section 6, rules 5 and 6), with the caller's bookkeeping between requests
/// (`refunded_quantity`, `discounts[].clawed_back`) done as SPEC section 4 says.
@Suite struct RefundSequencePropertyTests {
    static let engine = Engine(policy: Repository.cnPolicy)

    struct Item {
        var price: Int64
        var quantity: Int
    }

    static func money(_ fen: Int64) -> JSONValue { .string(Money.format(minorUnits: fen, fractionDigits: 2)) }

    /// A no-reason return on day 1 of `units` of one line: approved by the pack unless something is wrong.
    static func request(_ items: [Item], refunded: [Int], discount: Int64, threshold: Int64?, clawedBack: Int64,
                        line: Int, units: Int, step: Int) -> JSONValue {
        var orderItems: [JSONValue] = []
        for (index, item) in items.enumerated() {
            orderItems.append(.object([
                JSONMember(key: "line", value: .string("L\(index + 1)")),
                JSONMember(key: "unit_price", value: money(item.price)),
                JSONMember(key: "quantity", value: .number("\(item.quantity)")),
                JSONMember(key: "refunded_quantity", value: .number("\(refunded[index])")),
            ]))
        }
        var coupon: [JSONMember] = [
            JSONMember(key: "id", value: .string("C1")), JSONMember(key: "kind", value: .string("coupon")),
            JSONMember(key: "amount", value: money(discount)), JSONMember(key: "clawed_back", value: money(clawedBack)),
        ]
        if let threshold { coupon.append(JSONMember(key: "threshold", value: money(threshold))) }
        return .object([
            JSONMember(key: "id", value: .string("seq-\(step)")),
            JSONMember(key: "kind", value: .string("return")),
            JSONMember(key: "reason", value: .string("no_reason")),
            JSONMember(key: "requested_at", value: .string("2026-11-02T10:00:00+08:00")),
            JSONMember(key: "order", value: .object([
                JSONMember(key: "id", value: .string("o-1")),
                JSONMember(key: "currency", value: .string("CNY")),
                JSONMember(key: "placed_at", value: .string("2026-10-30T10:00:00+08:00")),
                JSONMember(key: "delivered_at", value: .string("2026-11-01T10:00:00+08:00")),
                JSONMember(key: "shipped_at", value: .string("2026-10-31T10:00:00+08:00")),
                JSONMember(key: "items", value: .array(orderItems)),
                JSONMember(key: "discounts", value: .array([.object(coupon)])),
            ])),
            JSONMember(key: "lines", value: .array([.object([
                JSONMember(key: "line", value: .string("L\(line + 1)")),
                JSONMember(key: "quantity", value: .number("\(units)")),
            ])])),
        ])
    }

    static let items = Gen.int64(in: 1...200_000).array(of: 1...4)
    static let quantities = Gen.int(in: 1...5).array(of: 4)
    static let choices = Gen.int(in: 0...1_000).array(of: 24)

    /// Returning every unit, in any order and any split, refunds exactly what was paid; every
    /// amount on the way is non-negative; clawbacks taken on the way are all given back.
    @Test func anySequenceOfReturnsRefundsExactlyWhatWasPaid() async {
        await propertyCheck(count: 150, input: Self.items, Self.quantities, Self.choices) { prices, quantities, choices in
            let items = prices.enumerated().map { Item(price: $0.element, quantity: quantities[$0.offset]) }
            let gross = items.reduce(Int64(0)) { $0 + $1.price * Int64($1.quantity) }
            let discount = gross / Int64(2 + choices[0] % 9)
            // Sometimes a threshold that partial returns fall below, sometimes none.
            let threshold: Int64? = choices[1] % 3 == 0 ? nil : gross - gross / Int64(1 + choices[2] % 4)
            var refunded = [Int](repeating: 0, count: items.count)
            var clawedBack: Int64 = 0
            var totalRefunded: Int64 = 0
            var step = 0
            while refunded.indices.contains(where: { refunded[$0] < items[$0].quantity }) {
                let open = refunded.indices.filter { refunded[$0] < items[$0].quantity }
                let line = open[choices[(3 + step) % choices.count] % open.count]
                let left = items[line].quantity - refunded[line]
                let units = 1 + choices[(7 + step) % choices.count] % left
                let json = Self.request(items, refunded: refunded, discount: discount, threshold: threshold,
                                        clawedBack: clawedBack, line: line, units: units, step: step)
                guard let decision = try? Self.engine.decide(json, audit: .none) else {
                    Issue.record("no decision for step \(step) of \(items), discount \(discount), threshold \(String(describing: threshold))")
                    return
                }
                #expect(decision.lines.allSatisfy { $0.verdict != .reject }, "a plain day-1 return is granted")
                for lineDecision in decision.lines {
                    #expect(lineDecision.paid >= 0 && lineDecision.discount >= 0 && lineDecision.refund >= 0)
                }
                #expect(decision.refund.total >= 0)
                for adjustment in decision.refund.adjustments {
                    // The caller's bookkeeping: what this refund deducted (or gave back) for the coupon.
                    if adjustment.code == "THRESHOLD_CLAWBACK" || adjustment.code == "THRESHOLD_CLAWBACK_RELEASE" {
                        clawedBack -= adjustment.amount
                    }
                }
                #expect(clawedBack >= 0)
                totalRefunded += decision.refund.total
                refunded[line] += units
                step += 1
            }
            #expect(totalRefunded == gross - discount, "everything returned: exactly the paid total comes back")
            #expect(clawedBack == 0, "every clawback was released once nothing is kept")
        }
    }
}
