import Testing
@testable import ArbiterCore

/// A group's defines are compiled for each of its rules; those that read only what stays fixed
/// while a request is decided share a key, so an untraced run computes them once per line
/// (`SpecializedConditionsTests` holds untraced and traced decisions equal on every fixture).
@Suite struct SharedDefinesTests {
    @Test func theEUWithdrawalGroupComputesItsPeriodOnce() throws {
        let eu = try #require(Repository.rulesSet.allVersions.first { $0.name == "eu" })
        let rules = eu.allRules.filter { $0.defines.contains { $0.name == "period_end" } }
        #expect(rules.count > 3)
        let keys = Set(rules.compactMap { $0.defines.first { $0.name == "period_end" }?.shareKey })
        #expect(keys.count == 1, "every rule of the group shares one key for period_end")
        // Each rule still has its own slot for it.
        #expect(Set(rules.compactMap { $0.defines.first { $0.name == "period_end" }?.slot }).count == rules.count)
    }

    @Test func whatChangesWhileDecidingIsNotShared() {
        #expect(RequestField.isFixedWhileDeciding(slot: RequestField.requestedAt.rawValue))
        #expect(RequestField.isFixedWhileDeciding(slot: RequestField.itemCategory.rawValue))
        #expect(RequestField.isFixedWhileDeciding(slot: RequestField.factSlotBase))
        #expect(!RequestField.isFixedWhileDeciding(slot: RequestField.lineVerdict.rawValue))
        #expect(!RequestField.isFixedWhileDeciding(slot: RequestField.requestedApproved.rawValue))
        #expect(!RequestField.isFixedWhileDeciding(slot: RequestField.refundTotal.rawValue))
        #expect(!RequestField.isFixedWhileDeciding(slot: RequestField.discountAllocationOnKept.rawValue))
        #expect(!RequestField.isFixedWhileDeciding(slot: RequestField.defineSlotBase))
    }
}
