import Foundation
import Testing
@testable import ArbiterCore

/// `kept_units(line)` and `kept_gross(line)` (issue 10: a line's kept units and kept gross after
/// this request, for settlement written as policy).
@Suite struct KeptLineFunctionsTests {
    /// L1: 2 × 150.00 (one returned now), L2: 3 × 20.00 (one refunded before).
    static let request = #"{"id":"k1","kind":"return","reason":"no_reason","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o1","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","shipped_at":"2026-10-31T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","items":[{"line":"L1","unit_price":"150.00","quantity":2},{"line":"L2","unit_price":"20.00","quantity":3,"refunded_quantity":1}],"discounts":[{"id":"C1","kind":"coupon","amount":"10.00"}]},"lines":[{"line":"L1","quantity":1}]}"#

    /// A settlement rule that deducts 1.00 when `condition` holds.
    static func pack(condition: String) throws -> TemporaryPack {
        let pack = try TemporaryPack()
        try pack.edit("rules/80-settlement.yaml", replacing: "rules:\n", with: """
            rules:
              - id: test.kept
                description: a deduction that shows whether the condition held
                basis: test
                scope: settlement
                for_each: discount
                adjust:
                  code: GIFT_NOT_RETURNED
                  when: \(condition)
                  amount: -1.00

            """)
        return pack
    }

    static func adjustments(_ pack: TemporaryPack) throws -> JSONValue? {
        let run = try ArbiterRun.run(["serve", "--rules", pack.path, "--audit", "none"], stdin: Array((request + "\n").utf8))
        return try JSONReader.parse(run.stdout)["refund"]?["adjustments"]
    }

    @Test func keptUnitsAndGrossOfEachLineAfterThisRequest() throws {
        let holds = try Self.pack(condition: #"kept_units("L1") == 1 && kept_gross("L1") == 150.00 && kept_units("L2") == 2 && kept_gross("L2") == 40.00"#)
        defer { holds.remove() }
        #expect(holds.check().status == .success, "\(holds.check().text)")
        let listed = try Self.adjustments(holds)
        #expect(listed.map { "\($0)" }?.contains("test.kept") == true, "the condition held: \(String(describing: listed))")
        let fails = try Self.pack(condition: #"kept_units("L1") == 2"#)
        defer { fails.remove() }
        #expect(try Self.adjustments(fails).map { "\($0)" }?.contains("test.kept") == false)
    }

    @Test func notCallableInLineRules() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try pack.edit("rules/20-no-reason.yaml", replacing: "when: item.attributes.custom_made", with: #"when: item.attributes.custom_made && kept_units("L1") > 0"#)
        let output = pack.check()
        #expect(output.status == .failure)
        #expect(output.text.contains("'kept_units' reads what the lines' verdicts decide: call it in a rule with scope: settlement or request"), "\(output.text)")
    }
}
