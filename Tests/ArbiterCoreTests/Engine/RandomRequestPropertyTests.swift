import PropertyBased
import Testing
@testable import ArbiterCore

/// The money invariants over randomised valid requests of every kind and reason (issue 9, "Keep
/// it impossible"): every amount is a money string, nothing is refunded below zero or beyond
/// what was paid, and a sequence of requests fed back as the caller's state (SPEC section 4)
/// never refunds more than the buyer paid in all.
@Suite struct RandomRequestPropertyTests {
    static let handler = ProtocolHandler(engine: Engine(policy: Repository.cnPolicy), audit: .none)

    /// A small deterministic generator (SplitMix64), seeded by the property check's input.
    struct Draw {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
        mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }
    }

    /// An order and the caller-owned state earlier decisions left in it.
    struct Order {
        struct Item { var price: Int64; var quantity: Int; var refunded: Int; var giftFor: Int?; var giftValue: Int64; var perishable: Bool; var category: String }
        struct Discount { var amount: Int64; var scope: [Int]?; var threshold: Int64?; var clawedBack: Int64 }
        var items: [Item]
        var discounts: [Discount]
        var shippingFee: Int64
        var freeShippingThreshold: Int64?
        var shippingWaived: Int64?
        var shippingClawedBack: Int64
        var shipped: Bool
        var delivered: Bool
        var insured: Bool
        /// (method, amount, refunded), summing to what the buyer paid; nil for none.
        var payments: [(method: String, amount: Int64, refunded: Int64)]? = nil
    }

    static func money(_ fen: Int64) -> JSONValue { .string(Money.format(minorUnits: fen, fractionDigits: 2)) }
    static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    static func makeOrder(_ draw: inout Draw) -> Order {
        var items: [Order.Item] = []
        for _ in 0..<draw.int(1...5) {
            items.append(Order.Item(
                price: Int64(draw.pick([100, 990, 1990, 5900, 19900, 49900, 129900])) + Int64(draw.int(0...99)),
                quantity: draw.int(1...4), refunded: 0, giftFor: nil, giftValue: 0, perishable: draw.chance(15),
                category: draw.pick(["apparel", "food", "fresh_food", "books", "electronics"])))
        }
        if items.count < 5, draw.chance(25) {
            items.append(Order.Item(price: 0, quantity: 1, refunded: 0, giftFor: 0, giftValue: Int64(draw.int(100...2000)), perishable: false, category: "gift"))
        }
        let gross = items.map { $0.price * Int64($0.quantity) }
        var discounts: [Order.Discount] = []
        // At most half of any scope's gross in all, so that no line is discounted below zero
        // (every priced unit is at least 1.00, a few fen of rounding per discount).
        let count = draw.int(0...3)
        for index in 0..<count {
            var scope: [Int]? = nil
            if items.count > 1, draw.chance(40) {
                scope = items.indices.filter { _ in draw.chance(60) }
                if scope?.isEmpty ?? true { scope = [0] }
            }
            let scopeGross = (scope ?? Array(items.indices)).reduce(Int64(0)) { $0 + gross[$1] }
            let amount = scopeGross / Int64(2 * count) * Int64(draw.int(0...100)) / 100
            // Any of them may have a threshold: each clawback names its discount (`discount`), which
            // is what the caller's bookkeeping below goes by.
            let threshold: Int64? = draw.chance(60) ? scopeGross - scopeGross * Int64(draw.int(0...60)) / 100 : nil
            discounts.append(Order.Discount(amount: amount, scope: scope, threshold: threshold, clawedBack: 0))
        }
        let freeShipping = draw.chance(40)
        return Order(
            items: items, discounts: discounts, shippingFee: freeShipping ? 0 : Int64(draw.pick([0, 600, 1000, 1200])),
            freeShippingThreshold: freeShipping ? gross.reduce(0, +) - Int64(draw.int(0...50)) * gross.reduce(0, +) / 100 : nil,
            shippingWaived: freeShipping ? Int64(draw.pick([600, 1000])) : nil, shippingClawedBack: 0,
            shipped: draw.chance(85), delivered: draw.chance(75), insured: draw.chance(20))
    }

    static let kinds = ["cancel", "return", "refund_only", "compensation"]
    static let reasons = ["no_reason", "quality_issue", "not_as_described", "wrong_item", "damaged_in_transit", "missing_parts",
                          "not_received", "late_shipment", "late_delivery", "counterfeit", "out_of_stock", "changed_mind"]

    /// A request about `order`: random kind, reason, day and lines (sometimes more units than are left).
    static func makeRequest(_ order: Order, _ draw: inout Draw, step: Int, kind: String? = nil, reason: String? = nil, everything: Bool = false) -> JSONValue {
        var items: [JSONValue] = []
        for (index, item) in order.items.enumerated() {
            var members = [
                JSONMember(key: "line", value: .string("L\(index + 1)")), JSONMember(key: "unit_price", value: money(item.price)),
                JSONMember(key: "quantity", value: number(item.quantity)), JSONMember(key: "refunded_quantity", value: number(item.refunded)),
                JSONMember(key: "category", value: .string(item.category)),
                JSONMember(key: "attributes", value: .object([JSONMember(key: "perishable", value: .bool(item.perishable))])),
            ]
            if let main = item.giftFor {
                members.append(JSONMember(key: "gift_for", value: .string("L\(main + 1)")))
                members.append(JSONMember(key: "gift_value", value: money(item.giftValue)))
            }
            items.append(.object(members))
        }
        let discounts: [JSONValue] = order.discounts.enumerated().map { index, discount in
            .object([
                JSONMember(key: "id", value: .string("D\(index + 1)")), JSONMember(key: "kind", value: .string("coupon")),
                JSONMember(key: "amount", value: money(discount.amount)),
                JSONMember(key: "applies_to", value: discount.scope.map { .array($0.map { .string("L\($0 + 1)") }) } ?? .null),
                JSONMember(key: "threshold", value: discount.threshold.map(money) ?? .null),
                JSONMember(key: "clawed_back", value: money(discount.clawedBack)),
            ])
        }
        var lines: [JSONValue] = []
        for (index, item) in order.items.enumerated() where everything ? item.refunded < item.quantity : draw.chance(50) {
            let left = item.quantity - item.refunded
            let units = everything ? left : (left == 0 || draw.chance(5) ? left + 1 : draw.int(1...left))
            lines.append(.object([
                JSONMember(key: "line", value: .string("L\(index + 1)")), JSONMember(key: "quantity", value: number(units)),
                JSONMember(key: "condition", value: .string(everything ? "new" : draw.pick(["new", "new", "opened", "used", "damaged", "incomplete"]))),
            ]))
        }
        if lines.isEmpty { lines.append(.object([JSONMember(key: "line", value: .string("L1")), JSONMember(key: "quantity", value: number(1))])) }
        let day = everything ? 2 : draw.int(0...20)
        let at = { (day: Int, hour: Int) in JSONValue.string(String(format: "2026-11-%02dT%02d:00:00+08:00", day, hour)) }
        return .object([
            JSONMember(key: "id", value: .string("p-\(step)")),
            JSONMember(key: "kind", value: .string(kind ?? draw.pick(kinds))),
            JSONMember(key: "reason", value: .string(reason ?? draw.pick(reasons))),
            JSONMember(key: "requested_at", value: at(1 + day, draw.int(0...23))),
            JSONMember(key: "order", value: .object([
                JSONMember(key: "id", value: .string("o")), JSONMember(key: "currency", value: .string("CNY")),
                JSONMember(key: "placed_at", value: at(1, 8)), JSONMember(key: "promised_ship_by", value: at(2, 23)),
                JSONMember(key: "promised_delivery_by", value: at(4, 23)),
                JSONMember(key: "shipped_at", value: order.shipped ? at(2, draw.int(0...23)) : .null),
                JSONMember(key: "delivered_at", value: order.shipped && order.delivered ? at(4, draw.int(0...23)) : .null),
                JSONMember(key: "shipping_fee", value: money(order.shippingFee)),
                JSONMember(key: "free_shipping_threshold", value: order.freeShippingThreshold.map(money) ?? .null),
                JSONMember(key: "shipping_waived", value: order.shippingWaived.map(money) ?? .null),
                JSONMember(key: "shipping_clawed_back", value: money(order.shippingClawedBack)),
                JSONMember(key: "shipping_insurance", value: .bool(order.insured)),
                JSONMember(key: "items", value: .array(items)), JSONMember(key: "discounts", value: .array(discounts)),
                JSONMember(key: "payments", value: order.payments.map { payments in .array(payments.map { payment in .object([
                    JSONMember(key: "method", value: .string(payment.method)), JSONMember(key: "amount", value: money(payment.amount)),
                    JSONMember(key: "refunded", value: money(payment.refunded)),
                ]) }) } ?? .null),
            ])),
            JSONMember(key: "lines", value: .array(lines)),
            JSONMember(key: "customer", value: .object([
                JSONMember(key: "tier", value: .string(draw.pick(["regular", "regular", "gold"]))),
                JSONMember(key: "refunds_90d", value: number(draw.int(0...6))),
            ])),
            JSONMember(key: "evidence", value: .object([JSONMember(key: "photos", value: number(draw.int(0...2)))])),
            JSONMember(key: "facts", value: .object([JSONMember(key: "fraud_verified", value: .bool(draw.chance(50)))])),
        ])
    }

    /// The answer to a request, checked for the invariants of one decision; nil for an error answer.
    static func decide(_ request: JSONValue, _ context: String) throws -> JSONValue? {
        var writer = JSONWriter(pretty: false)
        handler.respond(to: request, lineNumber: 1, into: &writer)
        let answer = try JSONReader.parse(writer.bytes)
        if let error = answer["error"] {
            Issue.record("a valid request was refused: \(error) — \(context)")
            return nil
        }
        func fen(_ value: JSONValue?, signed: Bool = false, _ what: String) -> Int64 {
            guard case .string(let text)? = value else {
                Issue.record("\(what) is not a money string: \(String(describing: value)) — \(context)")
                return 0
            }
            let magnitude = signed && text.hasPrefix("-") ? String(text.dropFirst()) : text
            let valid = (try? Money.parseMinorUnits(magnitude, fractionDigits: 2)) != nil && magnitude.split(separator: ".").last?.count == 2
            #expect(valid, "\(what) \(text) — \(context)")
            return ((try? Money.parseMinorUnits(magnitude, fractionDigits: 2)) ?? 0) * (text.hasPrefix("-") ? -1 : 1)
        }
        var items: Int64 = 0
        if case .array(let lines)? = answer["lines"] {
            for line in lines {
                let gross = fen(line["gross"], "gross"), discount = fen(line["discount"], "discount")
                let paid = fen(line["paid"], "paid"), refund = fen(line["refund"], "refund")
                #expect(gross >= 0 && discount >= 0 && paid >= 0 && refund >= 0 && paid <= gross && refund <= paid && gross - discount == paid, "\(line) — \(context)")
                items += refund
            }
        }
        let refund = answer["refund"]
        #expect(fen(refund?["items"], "refund.items") == items, "refund.items sums the lines — \(context)")
        var total = items + fen(refund?["shipping"], "refund.shipping")
        if case .array(let adjustments)? = refund?["adjustments"] {
            for adjustment in adjustments { total += fen(adjustment["amount"], signed: true, "adjustment") }
        }
        let written = fen(refund?["total"], "refund.total")
        #expect(written >= 0 && written == total, "refund.total is items + shipping + adjustments, never below zero — \(context)")
        for list in ["compensation", "offers"] {
            if case .array(let grants)? = answer[list] { for grant in grants { _ = fen(grant["amount"], list) } }
        }
        if case .array(let parts)? = refund?["by_method"] {
            var sum: Int64 = 0
            for part in parts { sum += fen(part["amount"], "by_method amount") }
            #expect(sum == written, "by_method sums to refund.total — \(context)")
        }
        if case .string(let deadline)? = answer["deadlines"]?["return_by"] {
            #expect((try? Timestamp.parse(deadline)) != nil, "return_by \(deadline) is RFC 3339 — \(context)")
        }
        return answer
    }

    /// One to three payments summing to what the buyer paid (items' paid amounts + shipping).
    static func addPayments(_ order: inout Order, _ draw: inout Draw) {
        var scratch = draw
        guard let request = try? handler.engine.decoder.referenceDecode(makeRequest(order, &scratch, step: 0)) else { return }
        var left = request.proration.itemPaid.reduce(0, +) + order.shippingFee
        var payments: [(method: String, amount: Int64, refunded: Int64)] = []
        for method in ["alipay", "points", "card"].prefix(draw.int(1...3)) {
            let amount = payments.count == 2 || left == 0 ? left : Int64(draw.int(0...Int(min(left, 1_000_000_000))))
            payments.append((method, amount, 0))
            left -= amount
        }
        payments[0].amount += left
        order.payments = payments
    }

    @Test func everyDecisionOfARandomRequestKeepsTheMoneyInvariants() async {
        await propertyCheck(count: 400, input: Gen.int(in: 0...Int.max)) { seed in
            var draw = Draw(state: UInt64(seed))
            var order = Self.makeOrder(&draw)
            if draw.chance(50) { Self.addPayments(&order, &draw) }
            let request = Self.makeRequest(order, &draw, step: 0)
            _ = try? Self.decide(request, "seed \(seed)")
        }
    }

    /// Random requests, each approved line fed back as the caller's state, then a return of
    /// everything left: the buyer never gets back more than they paid, no item more than its paid.
    @Test func aSequenceOfRequestsNeverRefundsMoreThanWasPaid() async {
        await propertyCheck(count: 150, input: Gen.int(in: 0...Int.max)) { seed in
            var draw = Draw(state: UInt64(seed))
            var order = Self.makeOrder(&draw)
            if draw.chance(50) { Self.addPayments(&order, &draw) }
            let proration: OrderProration
            do {
                let request = try Self.handler.engine.decoder.referenceDecode(Self.makeRequest(order, &draw, step: 0))
                proration = request.proration
            } catch {
                Issue.record("seed \(seed): the generated order is invalid: \(error)")
                return
            }
            var refundedPerItem = [Int64](repeating: 0, count: order.items.count)
            var refundedInAll: Int64 = 0
            for step in 1...8 {
                let last = step == 8
                let request = Self.makeRequest(order, &draw, step: step, kind: last ? "return" : nil, reason: last ? "quality_issue" : nil, everything: last)
                guard let answer = try? Self.decide(request, "seed \(seed) step \(step)"),
                      case .array(let lines)? = answer["lines"] else { return }
                guard case .string(let total)? = answer["refund"]?["total"] else { continue }
                // The caller applies what was approved: units, and what the coupon and free shipping adjustments took or gave back.
                guard answer["outcome"] == .string("approve") || answer["outcome"] == .string("partial") else { continue }
                refundedInAll += (try? Money.parseMinorUnits(total, fractionDigits: 2)) ?? 0
                for line in lines where line["verdict"] == .string("approve") {
                    guard case .string(let id)? = line["line"], let index = Int(id.dropFirst()).map({ $0 - 1 }),
                          case .number(let units)? = line["quantity"], case .string(let refund)? = line["refund"] else { continue }
                    order.items[index].refunded += Int(units) ?? 0
                    refundedPerItem[index] += (try? Money.parseMinorUnits(refund, fractionDigits: 2)) ?? 0
                }
                if case .array(let parts)? = answer["refund"]?["by_method"] {
                    for (index, part) in parts.enumerated() {
                        guard case .string(let amount)? = part["amount"], order.payments?.indices.contains(index) ?? false else { continue }
                        order.payments?[index].refunded += (try? Money.parseMinorUnits(amount, fractionDigits: 2)) ?? 0
                    }
                }
                if case .array(let adjustments)? = answer["refund"]?["adjustments"] {
                    for adjustment in adjustments {
                        guard case .string(let code)? = adjustment["code"], case .string(let text)? = adjustment["amount"] else { continue }
                        let amount = (text.hasPrefix("-") ? -1 : 1) * ((try? Money.parseMinorUnits(String(text.drop { $0 == "-" }), fractionDigits: 2)) ?? 0)
                        if code.hasPrefix("THRESHOLD_CLAWBACK") {
                            guard case .string(let id)? = adjustment["discount"], id.hasPrefix("D"),
                                  let index = Int(id.dropFirst()).map({ $0 - 1 }), order.discounts.indices.contains(index) else {
                                Issue.record("seed \(seed) step \(step): a threshold clawback does not name its discount: \(adjustment)")
                                return
                            }
                            order.discounts[index].clawedBack -= amount
                        }
                        if code.hasPrefix("FREE_SHIPPING") { order.shippingClawedBack -= amount }
                    }
                }
            }
            for index in order.items.indices {
                #expect(refundedPerItem[index] <= proration.itemPaid[index], "seed \(seed): item \(index + 1) refunded beyond its paid")
            }
            #expect(refundedInAll <= proration.itemPaid.reduce(0, +) + order.shippingFee, "seed \(seed): refunded more than was paid")
        }
    }
}
