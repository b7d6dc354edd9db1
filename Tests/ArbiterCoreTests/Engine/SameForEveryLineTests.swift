import Testing
@testable import ArbiterCore

/// Untraced runs evaluate a line rule whose condition reads only what stays the same while the
/// lines are decided once per decision, and reuse its outcome for the other lines
/// (`SameForEveryLine`). Which conditions those are, by what they read; that the decisions are
/// those of evaluating every line is `SpecializedConditionsTests`' (`summary` reuses, `full`
/// traces each line), over every fixture and random requests of several lines.
@Suite struct SameForEveryLineTests {
    static func holds(_ id: String) throws -> Bool {
        let rule = try #require(Repository.cnPolicy.lineRules.first { $0.id == id }, "no line rule \(id)")
        return SameForEveryLine.holds(for: try #require(rule.condition))
    }

    @Test func conditionsOnTheOrderAreTheSameForEveryLine() throws {
        #expect(try Self.holds("cn.no-reason.not-delivered"))  // order.delivered_at == null
        #expect(try Self.holds("cn.no-reason.window"))  // … && days_since(order.delivered_at) <= …
        #expect(try Self.holds("cn.membership.vip-window"))  // customer.tier in vip_tiers && …
    }

    /// `no_reason_window` is one of the pack's defines, computed with the rules that read it:
    /// such a rule is evaluated for each line, as it was.
    @Test func aConditionReadingADefineIsNot() throws {
        #expect(try !Self.holds("cn.no-reason.expired"))
    }

    @Test func conditionsOnTheLineOrItsItemAreNot() throws {
        #expect(try !Self.holds("cn.quantity.exceeds-refundable"))  // line.quantity > line.refundable
        #expect(try !Self.holds("cn.exclusion.perishable"))  // item.attributes.perishable
        #expect(try !Self.holds("cn.exclusion.digital-opened"))  // … && line.condition != "new"
    }

    @Test func slotsByWhetherTheyChangeFromLineToLine() {
        let same: [Int] = [
            RequestField.kind.rawValue, RequestField.requestedAt.rawValue, RequestField.orderDeliveredAt.rawValue,
            RequestField.customerTier.rawValue, RequestField.evidencePhotos.rawValue, RequestField.orderPaymentCount.rawValue,
            RequestField.factSlotBase, RequestField.factSlotBase + 3,
        ]
        let changing: [Int] = [
            RequestField.lineQuantity.rawValue, RequestField.lineCondition.rawValue, RequestField.lineVerdict.rawValue,
            RequestField.itemCategory.rawValue, RequestField.itemDeliveredAt.rawValue, RequestField.requestedApproved.rawValue,
            RequestField.refundTotal.rawValue, RequestField.attributeSlotBase, RequestField.attributeSlotBase + 2,
            RequestField.defineSlotBase,
        ]
        for slot in same { #expect(SameForEveryLine.isSameForEveryLine(slot: slot), "slot \(slot)") }
        for slot in changing { #expect(!SameForEveryLine.isSameForEveryLine(slot: slot), "slot \(slot)") }
    }

    /// Functions of the units kept change as lines are decided; the calendar functions do not.
    @Test func functionsByWhatTheyRead() {
        #expect(DomainFunctions.dependOnRequestFieldsOnly.contains("days_since"))
        #expect(!DomainFunctions.dependOnRequestFieldsOnly.contains("kept_units"))
        #expect(!DomainFunctions.dependOnRequestFieldsOnly.contains("kept_gross"))
        // Every domain function is one or the other: a new one has to be classified.
        let all = Set(DomainFunctions.all.map(\.name))
        #expect(DomainFunctions.dependOnRequestFieldsOnly.isDisjoint(with: DomainFunctions.afterVerdicts))
        #expect(DomainFunctions.dependOnRequestFieldsOnly.union(DomainFunctions.afterVerdicts) == all)
    }
}
