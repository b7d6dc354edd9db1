import Testing
@testable import ArbiterCore

/// Requests that were accepted and paid out what they should not, or answered differently from
/// one line to the next (issue 9, each with its exact bytes): every one is now `invalid_request`
/// with the path of the field at fault, or decided as the SPEC says (section 8).
@Suite struct StrictRequestTests {
    static let handler = ProtocolHandler(engine: Engine(policy: Repository.cnPolicy), audit: .summary)

    /// The answer to one protocol line.
    static func answer(_ line: String, lineNumber: Int = 1) throws -> JSONValue {
        var writer = JSONWriter(pretty: false)
        Array(line.utf8).withUnsafeBytes { handler.respond(to: $0, lineNumber: lineNumber, into: &writer, scratch: RequestScratch()) }
        return try JSONReader.parse(writer.bytes)
    }

    /// Checks that `line` is refused as `invalid_request` at `path`; returns the message.
    @discardableResult
    static func expectInvalid(_ line: String, at path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        let answer = try answer(line)
        #expect(answer["error"]?["code"] == .string("invalid_request"), "\(answer)", sourceLocation: sourceLocation)
        #expect(answer["error"]?["path"] == .string(path), "\(answer)", sourceLocation: sourceLocation)
        guard case .string(let message)? = answer["error"]?["message"] else { return "" }
        return message
    }

    /// A return of one 90.00 unit (of three, one refunded before) under a 20.00 coupon with a
    /// 150.00 threshold.
    static func couponReturn(clawedBack: String) -> String {
        #"{"id":"r1","kind":"return","reason":"no_reason","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o1","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","shipped_at":"2026-10-31T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","items":[{"line":"L1","unit_price":"90.00","quantity":3,"refunded_quantity":1}],"discounts":[{"id":"C1","kind":"coupon","amount":"20.00","threshold":"150.00","clawed_back":"\#(clawedBack)"}]},"lines":[{"line":"L1","quantity":1}]}"#
    }

    @Test func clawedBackAboveTheDiscountIsRefused() throws {
        // Was: THRESHOLD_CLAWBACK_RELEASE +990.00, approved.
        let message = try Self.expectInvalid(Self.couponReturn(clawedBack: "1000.00"), at: "$.order.discounts[0].clawed_back")
        #expect(message.contains("1000.00") && message.contains("20.00"))
        // At most the discount's amount is possible, and is accepted.
        #expect(try Self.answer(Self.couponReturn(clawedBack: "20.00"))["outcome"] == .string("approve"))
    }

    @Test func shippingClawedBackAboveTheWaivedFeeIsRefused() throws {
        // Was: FREE_SHIPPING_RELEASE +1000.00, approved.
        let line = #"{"id":"r2","kind":"return","reason":"no_reason","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o2","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","shipped_at":"2026-10-31T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","shipping_fee":"0.00","free_shipping_threshold":"99.00","shipping_waived":"10.00","shipping_clawed_back":"1000.00","items":[{"line":"L1","unit_price":"120.00","quantity":1}]},"lines":[{"line":"L1","quantity":1}]}"#
        try Self.expectInvalid(line, at: "$.order.shipping_clawed_back")
        // Nothing was waived, so nothing can have been clawed back.
        try Self.expectInvalid(line.replacingOccurrences(of: #""shipping_waived":"10.00","#, with: ""), at: "$.order.shipping_clawed_back")
    }

    /// Found after issue 9 by a review: nothing bounded `shipping_waived`, so a caller could
    /// claim 1000.00 waived and clawed back on a 99.00 threshold and be given it back.
    @Test func deductionsAboveWhatTheRefundedUnitsPaidAreRefused() throws {
        // Was: FREE_SHIPPING_RELEASE +1000.00, refund.total 1090.00, approved.
        let line = #"{"id":"r6","kind":"return","reason":"no_reason","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o6","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","shipped_at":"2026-10-31T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","shipping_fee":"0.00","free_shipping_threshold":"99.00","shipping_waived":"1000.00","shipping_clawed_back":"1000.00","items":[{"line":"L1","unit_price":"90.00","quantity":1},{"line":"L2","unit_price":"100.00","quantity":1,"refunded_quantity":1}]},"lines":[{"line":"L1","quantity":1}]}"#
        let message = try Self.expectInvalid(line, at: "$.order.shipping_clawed_back")
        #expect(message.contains("1000.00") && message.contains("100.00"), "\(message)")
        // What the refunded unit paid could have been deducted from its refund: accepted, and
        // given back in full now that nothing is kept.
        let possible = line.replacingOccurrences(of: #""shipping_waived":"1000.00","shipping_clawed_back":"1000.00""#,
                                                 with: #""shipping_waived":"12.00","shipping_clawed_back":"12.00""#)
        let answer = try Self.answer(possible)
        #expect(answer["outcome"] == .string("approve"))
        #expect(answer["refund"]?["total"] == .string("102.00"), "90.00 and the 12.00 released: \(answer)")
        // Threshold clawbacks count too. Three 100.00 units less 100.00 of discounts paid 200.00;
        // the one refunded unit paid 66.66: 30.00 deducted from its refund is possible, 90.00 is not.
        let coupon = #"{"id":"r7","kind":"return","reason":"no_reason","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o7","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","shipped_at":"2026-10-31T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","items":[{"line":"L1","unit_price":"100.00","quantity":3,"refunded_quantity":1}],"discounts":[{"id":"C1","kind":"coupon","amount":"60.00","threshold":"250.00"},{"id":"C2","kind":"coupon","amount":"10.00","clawed_back":"0.00"},{"id":"C3","kind":"full_reduction","amount":"30.00","threshold":"200.00","clawed_back":"30.00"}]},"lines":[{"line":"L1","quantity":1}]}"#
        #expect(try Self.answer(coupon)["outcome"] == .string("approve"))
        let message2 = try Self.expectInvalid(coupon.replacingOccurrences(of: #""threshold":"250.00"}"#, with: #""threshold":"250.00","clawed_back":"60.00"}"#),
                                              at: "$.order.discounts[2].clawed_back")
        #expect(message2.contains("90.00") && message2.contains("66.66"), "\(message2)")
    }

    @Test(arguments: ["return", "refund_only"])
    func discountsAboveALinesGrossAreRefused(kind: String) throws {
        // Was: paid "-20.00", refund.total "-20.00", approved (refund_only: an internal error).
        let line = #"{"id":"r3","kind":"\#(kind)","reason":"quality_issue","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o3","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","shipped_at":"2026-10-31T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","items":[{"line":"L1","unit_price":"100.00","quantity":1}],"discounts":[{"id":"C1","kind":"coupon","amount":"60.00"},{"id":"C2","kind":"coupon","amount":"60.00"}]},"lines":[{"line":"L1","quantity":1}]}"#
        let message = try Self.expectInvalid(line, at: "$.order.discounts[1]")
        #expect(message.contains("C2") && message.contains("L1"))
    }

    static func withZone(_ zone: String, id: String = "r4") -> String {
        #"{"id":"\#(id)","kind":"return","reason":"no_reason","requested_at":"2026-11-09T00:30:00+08:00","order":{"id":"o4","currency":"CNY","timezone":"\#(zone)","placed_at":"2026-10-30T09:00:00+08:00","shipped_at":"2026-10-31T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","items":[{"line":"L1","unit_price":"90.00","quantity":1}]},"lines":[{"line":"L1","quantity":1}]}"#
    }

    @Test func timeZonesAreTzDatabaseNamesOnly() throws {
        // Day 8 in Shanghai: rejected with the real zone.
        #expect(try Self.answer(Self.withZone("Asia/Shanghai"))["outcome"] == .string("reject"))
        // Was: accepted (depending on earlier lines) and counted in UTC, approving the return.
        for name in [#"Asia/Shanghai\u0000"#, "Asia/../Asia/Shanghai", "/Asia/Shanghai", "posix/Asia/Shanghai", "CST", "asia/shanghai", "Asia//Shanghai", ""] {
            try Self.expectInvalid(Self.withZone(name), at: "$.order.timezone")
        }
    }

    /// The issue's memory reproducer: every distinct zone name was cached forever (200,000 names
    /// took 192 MB). Names that are not zones of the tz database are refused before any lookup
    /// and never cached, so the cache stays within the database's few hundred zones.
    @Test func distinctUnknownZonesAreNotCached() throws {
        for index in 0..<5_000 {
            #expect(Zone.named("Asia/Nowhere\(index)") == nil)
            #expect(Zone.named("Asia/Shanghai\u{0}\(index)") == nil)
            #expect(Zone.named("X\(index)") == nil)
        }
        // 15,000 unknown names looked up; other tests may load real zones meanwhile.
        #expect(Zone.cachedCount <= 600, "\(Zone.cachedCount) zones cached")
        #expect(Zone.named("Asia/Shanghai") != nil)
    }

    @Test func aRefusedZoneIsRefusedAfterAnyNumberOfOtherZones() throws {
        let bad = Self.withZone(#"Asia/Shanghai\u0000"#)
        let first = try Self.answer(bad)
        for zone in ["Asia/Shanghai", "UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"] { _ = try Self.answer(Self.withZone(zone)) }
        #expect(try Self.answer(bad) == first)
    }

    @Test(arguments: ["00.10", "0199.00", "00", "01"])
    func moneyWithLeadingZerosIsRefused(amount: String) throws {
        let line = #"{"id":"r5","kind":"return","reason":"no_reason","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o5","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","items":[{"line":"L1","unit_price":"\#(amount)","quantity":1}]},"lines":[{"line":"L1","quantity":1}]}"#
        try Self.expectInvalid(line, at: "$.order.items[0].unit_price")
    }

    @Test func compensationClaimsValidateTheirLines() throws {
        func claim(_ lines: String) -> String {
            #"{"id":"r6","kind":"compensation","reason":"late_shipment","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o6","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","promised_ship_by":"2026-10-31T23:59:59+08:00","shipped_at":"2026-11-02T09:00:00+08:00","items":[{"line":"L1","unit_price":"90.00","quantity":1}]},"lines":\#(lines)}"#
        }
        try Self.expectInvalid(claim(#""garbage""#), at: "$.lines")
        try Self.expectInvalid(claim("[1,2,3]"), at: "$.lines[0]")
        try Self.expectInvalid(claim(#"[{"line":"L1","quantity":-5}]"#), at: "$.lines[0].quantity")
        try Self.expectInvalid(claim(#"[{"line":"L9","quantity":1}]"#), at: "$.lines[0].line")
        // Valid lines, no lines, or none at all: decided on the order (rule 13).
        for lines in [#"[{"line":"L1","quantity":1}]"#, "[]", "null"] {
            #expect(try Self.answer(claim(lines))["outcome"] == .string("approve"), "\(lines)")
        }
    }

    @Test func theLastOfADuplicatedKeyCounts() throws {
        let base = Self.couponReturn(clawedBack: "0.00")
        // Was: rejected for 'bogus'.
        let kind = base.replacingOccurrences(of: #""kind":"return""#, with: #""kind":"bogus","kind":"return""#)
        #expect(try Self.answer(kind)["outcome"] == .string("approve"))
        // Was: id "x" with an error about 5.
        let id = base.replacingOccurrences(of: #""id":"r1""#, with: #""id":5,"id":"x""#)
        let answer = try Self.answer(id)
        #expect(answer["id"] == .string("x"))
        #expect(answer["error"] == nil)
        // And the other way round: the last value is the one validated.
        let bad = base.replacingOccurrences(of: #""id":"r1""#, with: #""id":"x","id":5"#)
        try Self.expectInvalid(bad, at: "$.id")
        let quantity = base.replacingOccurrences(of: #""quantity":1}]}"#, with: #""quantity":"one","quantity":1}]}"#)
        #expect(try Self.answer(quantity)["outcome"] == .string("approve"))
    }

    @Test func giftsAreForAnotherItemThatIsNotAGift() throws {
        func order(_ items: String) -> String {
            #"{"id":"r7","kind":"return","reason":"no_reason","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o7","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","items":\#(items)},"lines":[{"line":"L1","quantity":1}]}"#
        }
        let main = #"{"line":"L1","unit_price":"90.00","quantity":1}"#
        try Self.expectInvalid(order(#"[\#(main),{"line":"G1","unit_price":"0.00","quantity":1,"gift_for":"G1","gift_value":"5.00"}]"#), at: "$.order.items[1].gift_for")
        try Self.expectInvalid(order(#"[\#(main),{"line":"G1","unit_price":"0.00","quantity":1,"gift_for":"L9","gift_value":"5.00"}]"#), at: "$.order.items[1].gift_for")
        try Self.expectInvalid(order(#"[\#(main),{"line":"G1","unit_price":"0.00","quantity":1,"gift_for":"L1","gift_value":"5.00"},{"line":"G2","unit_price":"0.00","quantity":1,"gift_for":"G1","gift_value":"1.00"}]"#), at: "$.order.items[2].gift_for")
        #expect(try Self.answer(order(#"[\#(main),{"line":"G1","unit_price":"0.00","quantity":1,"gift_for":"L1","gift_value":"5.00"}]"#))["error"] == nil)
    }

    @Test func refundedQuantityAboveQuantityIsRefused() throws {
        let line = Self.couponReturn(clawedBack: "0.00").replacingOccurrences(of: #""quantity":3,"refunded_quantity":1}"#, with: #""quantity":3,"refunded_quantity":4}"#)
        #expect(line != Self.couponReturn(clawedBack: "0.00"))
        try Self.expectInvalid(line, at: "$.order.items[0].refunded_quantity")
    }

    @Test func placedAtIsRequired() throws {
        let line = Self.couponReturn(clawedBack: "0.00").replacingOccurrences(of: #""placed_at":"2026-10-30T09:00:00+08:00","#, with: "")
        try Self.expectInvalid(line, at: "$.order.placed_at")
    }

    @Test func aRequestNamesOnlyThePackThatDecides() throws {
        let base = Self.couponReturn(clawedBack: "0.00")
        #expect(try Self.answer(base.replacingOccurrences(of: #"{"id":"r1","#, with: #"{"policy":"cn","id":"r1","#))["outcome"] == .string("approve"))
        #expect(try Self.answer(base.replacingOccurrences(of: #"{"id":"r1","#, with: #"{"policy":null,"id":"r1","#))["outcome"] == .string("approve"))
        try Self.expectInvalid(base.replacingOccurrences(of: #"{"id":"r1","#, with: #"{"policy":"CN","id":"r1","#), at: "$.policy")
    }

    // MARK: - Limits

    /// An order with `items` one-unit items, `discounts` whole-order coupons and a request for
    /// `lines` of its lines.
    static func large(items: Int, discounts: Int, lines: Int, payments: Int = 0) -> String {
        let itemList = (0..<items).map { #"{"line":"L\#($0)","unit_price":"100.00","quantity":1}"# }.joined(separator: ",")
        let discountList = (0..<discounts).map { #"{"id":"D\#($0)","kind":"coupon","amount":"0.01"}"# }.joined(separator: ",")
        let lineList = (0..<lines).map { #"{"line":"L\#($0)","quantity":1}"# }.joined(separator: ",")
        let paymentList = payments == 0 ? "null" : "[" + (0..<payments).map { _ in #"{"method":"card","amount":"0.00"}"# }.joined(separator: ",") + "]"
        return #"{"id":"big","kind":"return","reason":"no_reason","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o8","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","items":[\#(itemList)],"discounts":[\#(discountList)],"payments":\#(paymentList)},"lines":[\#(lineList)]}"#
    }

    @Test func limitsAreEnforcedBeforeAnythingElse() throws {
        try Self.expectInvalid(Self.large(items: 1001, discounts: 0, lines: 1), at: "$.order.items")
        try Self.expectInvalid(Self.large(items: 1001, discounts: 0, lines: 1001), at: "$.order.items")
        try Self.expectInvalid(Self.large(items: 1, discounts: 101, lines: 1), at: "$.order.discounts")
        try Self.expectInvalid(Self.large(items: 1, discounts: 0, lines: 1, payments: 21), at: "$.order.payments")
        // Lines beyond the limit are refused even when they name no item.
        try Self.expectInvalid(Self.large(items: 1000, discounts: 0, lines: 1000).replacingOccurrences(of: #""lines":["#, with: #""lines":[{"line":"X","quantity":1},"#), at: "$.lines")
    }

    /// The issue's reproducer: 2,000 items × 8,000 discounts (0.5 MB here, 0.7 MB in the issue: under the 1 MiB line
    /// limit) took 15–30 s, 6.9 GB and wrote a 1.35 GB answer at `full`. Now refused by its
    /// first limit, at every audit level, with an answer of a few hundred bytes.
    @Test(arguments: ["none", "summary", "full"])
    func theIssuesTwoThousandItemsTimesEightThousandDiscountsAreRefused(audit: String) throws {
        let line = Self.large(items: 2_000, discounts: 8_000, lines: 2_000)
        #expect(line.utf8.count > 500_000 && line.utf8.count < 1 << 20)
        let run = try ArbiterRun.run(["serve", "--rules", Repository.path("Rules/cn"), "--audit", audit], stdin: Array((line + "\n").utf8))
        #expect(run.status == 0)
        #expect(run.stdout.count < 1_000, "\(run.stdout.count) bytes")
        let answer = try JSONReader.parse(run.stdout)
        #expect(answer["error"]?["code"] == .string("invalid_request"))
        #expect(answer["error"]?["path"] == .string("$.order.items"))
    }

    @Test func theLargestAcceptedRequestIsDecided() throws {
        let answer = try Self.answer(Self.large(items: 1000, discounts: 100, lines: 1000))
        // Above the review threshold (rule 15), so in review, with the proposal computed.
        #expect(answer["outcome"] == .string("review"))
        // 1,000 × 100.00 less 100 × 0.01
        #expect(answer["refund"]?["total"] == .string("99999.00"))
    }
}
