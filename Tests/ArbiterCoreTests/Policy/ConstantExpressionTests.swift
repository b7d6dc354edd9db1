import Foundation
import Testing
@testable import ArbiterCore

/// Issue 9: constant expressions that cannot be computed passed `check` and answered `internal`
/// on every request; they are `check` errors at the expression's column.
@Suite struct ConstantExpressionTests {
    @Test func overflowingConstantInAConditionIsACheckError() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try pack.edit("rules/95-review.yaml", replacing: "customer.refunds_90d >= review_refund_count",
                      with: "customer.refunds_90d >= 9223372036854775807 + 1")
        let output = pack.check()
        #expect(output.status == .failure)
        #expect(output.text.hasPrefix("Rules/cn/rules/95-review.yaml:7:98: error: this constant overflows: arithmetic overflow in '+' on int\n"), "\(output.text)")
    }

    @Test func clampBoundsFromParametersOutOfOrderAreACheckError() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try pack.edit("parameters.yaml", replacing: "value: \"3.00\"", with: "value: \"300.00\"")
        let output = pack.check()
        #expect(output.status == .failure)
        let errors = output.text.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 1, "the coupon of rules 10 and 13, defined once: \(output.text)")
        #expect(errors.first.map(String.init) == "Rules/cn/rules/85-compensation.yaml:10:63: error: 'clamp': the lower bound is above the upper bound", "\(output.text)")
    }

    @Test func parameterProductBeyondSixtyFourBitsIsACheckError() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try pack.edit("rules/95-review.yaml", replacing: "customer.refunds_90d >= review_refund_count",
                      with: "customer.refunds_90d >= review_refund_count * 9223372036854775807")
        let output = pack.check()
        #expect(output.status == .failure)
        #expect(output.text.contains("Rules/cn/rules/95-review.yaml:7:98: error: this constant overflows"), "\(output.text)")
    }

    /// Arithmetic on request values that overflows cannot be known at load: it answers
    /// `internal` for that request and the stream goes on (never a trap).
    @Test func requestValueOverflowAnswersInternal() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try pack.edit("rules/95-review.yaml", replacing: "customer.refunds_90d >= review_refund_count",
                      with: "customer.refunds_90d * 9223372036854775807 >= review_refund_count")
        let policy = try #require(try? PolicyLocator.loadUsablePolicy(at: pack.path).get())
        let line = try TimestampLimitsTests.request { object in
            object["customer"] = ["id": "u-1", "tier": "regular", "refunds_90d": 2, "orders_90d": 9]
        }
        let answer = try TimestampLimitsTests.answer(line, policy: policy)
        #expect(answer["error"]?["code"] == .string("internal"), "\(answer)")
    }
}
