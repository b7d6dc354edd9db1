import Foundation
import Testing
@testable import ArbiterCore

/// `split:` (issue 10: the refund's split over payments written in the pack, on a general
/// largest-remainder primitive): the shipped pack's proportion, and a different split as a
/// YAML-only change.
@Suite struct SplitTests {
    /// Two units of 150.00 (one refunded before when `refundedBefore`), points listed first.
    static func request(refundedBefore: Bool) -> String {
        let refunded = refundedBefore ? #","refunded_quantity":1"# : ""
        let alipayRefunded = refundedBefore ? #","refunded":"150.00""# : ""
        return #"{"id":"s1","kind":"return","reason":"no_reason","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o1","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","shipped_at":"2026-10-31T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","items":[{"line":"L1","unit_price":"150.00","quantity":2\#(refunded)}],"payments":[{"method":"points","amount":"100.00"},{"method":"alipay","amount":"200.00"\#(alipayRefunded)}]},"lines":[{"line":"L1","quantity":1}]}"#
    }

    static func byMethod(_ rules: String, _ line: String, audit: String = "none") throws -> (byMethod: [String: String], answer: JSONValue) {
        let run = try ArbiterRun.run(["serve", "--rules", rules, "--audit", audit], stdin: Array((line + "\n").utf8))
        let answer = try JSONReader.parse(run.stdout)
        guard case .array(let parts)? = answer["refund"]?["by_method"] else { return ([:], answer) }
        var amounts: [String: String] = [:]
        for part in parts {
            if case .string(let method)? = part["method"], case .string(let amount)? = part["amount"] { amounts[method] = amount }
        }
        return (amounts, answer)
    }

    @Test func theShippedPackSplitsInProportionToWhatEachCanTakeBack() throws {
        let first = try Self.byMethod(Repository.path("Rules/cn"), Self.request(refundedBefore: false))
        #expect(first.byMethod == ["points": "50.00", "alipay": "100.00"], "\(first.answer)")
        // After alipay took back 150.00, it can take back 50.00 and points 100.00: 150.00 in that proportion.
        let second = try Self.byMethod(Repository.path("Rules/cn"), Self.request(refundedBefore: true))
        #expect(second.byMethod == ["points": "100.00", "alipay": "50.00"], "\(second.answer)")
    }

    @Test func pointsLastIsAYAMLOnlyChange() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        // The edit README.md shows.
        try pack.edit("rules/80-settlement.yaml", replacing: "      weight: payment.amount - payment.refunded\n    refund_to: split.share", with: """
                  weight: 'payment.method == "points" ? 0.00 : payment.amount - payment.refunded'
                refund_to: 'payment.method == "points" ? min(refund.total - split.total, payment.refundable) : split.share'
            """)
        #expect(pack.check().status == .success, "\(pack.check().text)")
        let first = try Self.byMethod(pack.path, Self.request(refundedBefore: false))
        #expect(first.byMethod == ["points": "0.00", "alipay": "150.00"], "\(first.answer)")
        // alipay can take back only 50.00 more: points get the rest.
        let second = try Self.byMethod(pack.path, Self.request(refundedBefore: true))
        #expect(second.byMethod == ["points": "100.00", "alipay": "50.00"], "\(second.answer)")
    }

    @Test func theFullTrailShowsTheWeightsAndTheShares() throws {
        let full = try Self.byMethod(Repository.path("Rules/cn"), Self.request(refundedBefore: false), audit: "full")
        guard case .array(let steps)? = full.answer["audit"]?["computations"] else {
            Issue.record("no computations: \(full.answer)")
            return
        }
        let split = try #require(steps.first { $0["step"] == .string("split") }, "a split step")
        #expect(split["rule"] == .string("cn.refund.by-method"))
        #expect(split["total"] == .string("150.00"))
        #expect(split["weights"] == .string("300.00"))
        #expect(split["split"] == .string("150.00"))
        guard case .array(let rows)? = split["rows"] else {
            Issue.record("no rows: \(split)")
            return
        }
        #expect(rows.map { $0["element"] } == [.string("points"), .string("alipay")])
        #expect(rows.map { $0["weight"] } == [.string("100.00"), .string("200.00")])
        #expect(rows.map { $0["share"] } == [.string("50.00"), .string("100.00")])
    }

    @Test func aNegativeWeightIsAPolicyErrorNamingTheRule() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try pack.edit("rules/80-settlement.yaml", replacing: "weight: payment.amount - payment.refunded",
                      with: "weight: payment.refunded - payment.amount")
        let answer = try Self.byMethod(pack.path, Self.request(refundedBefore: false)).answer
        #expect(answer["error"]?["code"] == .string("internal"), "\(answer)")
        guard case .string(let message)? = answer["error"]?["message"] else { return }
        #expect(message.contains("cn.refund.by-method") && message.contains("split weight"), "\(message)")
    }
}
