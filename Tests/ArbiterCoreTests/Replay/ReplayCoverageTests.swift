import Foundation
import Testing
@testable import ArbiterCore

/// `replay`'s rule coverage per pack version (issue 11): each fixture counts for the version
/// that decided it (`audit.policy`), so a rule that fired under cn 2026.11 does not count for
/// cn 2026.01 even though both versions have it.
@Suite struct ReplayCoverageTests {
    static let runner = ReplayRunner(set: Repository.rulesSet)
    /// One fixture per version of the repository's set: cn 2026.01, cn 2026.11, eu 2026.01.
    static let cn202601 = Repository.path("Fixtures/cn/version-boundary-placed-2359-before-cn-2026.11-coupon-cap-50.yaml")
    static let cn202611 = Repository.path("Fixtures/cn/version-boundary-placed-0000-at-cn-2026.11-coupon-cap-100.yaml")
    static let eu202601 = Repository.path("Fixtures/eu/review-four-refunds-approved.yaml")
    /// What those fixtures make fire (the cn two are the same request, one second apart).
    static let cnFired = ["cn.settlement.threshold-clawback", "cn.settlement.free-shipping-release", "cn.settlement.gift-not-returned",
                          "cn.compensation.late-delivery"]
    static let euFired = ["eu.withdrawal.in-period", "eu.settlement.delivery-costs", "eu.settlement.delivery-costs-code",
                          "eu.return-shipping.buyer", "eu.deadlines.withdrawal"]

    /// A version's rule ids, in rule order.
    static func ids(_ pack: String, _ version: String) -> [String] {
        let policy = Repository.rulesSet.allVersions.first { $0.name == pack && $0.version == version }
        var seen = Set<String>()
        return (policy?.allRules ?? []).map(\.id).filter { seen.insert($0).inserted }
    }

    static func line(_ pack: String, _ version: String, fired: [String]) -> String {
        let ids = Self.ids(pack, version)
        let never = ids.filter { !fired.contains($0) }
        return "rule coverage \(pack) \(version): \(ids.count - never.count)/\(ids.count) rules fired"
            + (never.isEmpty ? "" : "; never fired: " + never.joined(separator: ", "))
    }

    @Test func textHasOneLinePerVersionCountedOverTheFixturesItDecided() throws {
        #expect(Self.ids("cn", "2026.01").count == 51 && Self.ids("cn", "2026.11").count == 51 && Self.ids("eu", "2026.01").count == 33)
        let output = Self.runner.run(paths: [Self.cn202601, Self.cn202611, Self.eu202601])
        #expect(output.status == .success)
        let lines = output.text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("rule coverage") }
        #expect(lines == [Self.line("cn", "2026.01", fired: Self.cnFired),
                          Self.line("cn", "2026.11", fired: Self.cnFired),
                          Self.line("eu", "2026.01", fired: Self.euFired)], "\(lines)")
        #expect(lines.first?.hasPrefix("rule coverage cn 2026.01: 4/51 rules fired; never fired: cn.quantity.exceeds-refundable, ") == true)
    }

    /// A version of a pack run that no fixture was decided by is listed with nothing fired: the
    /// gap the issue is about does not disappear from the report. A pack no fixture was for is
    /// not listed.
    @Test func aVersionNoFixtureWasDecidedByIsListed() throws {
        let output = Self.runner.run(paths: [Self.cn202611])
        let lines = output.text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("rule coverage") }
        #expect(lines == ["rule coverage cn 2026.01: 0/51 rules fired; no fixture was decided by this version",
                          Self.line("cn", "2026.11", fired: Self.cnFired)], "\(lines)")
    }

    /// A fixture answered with an error (as it expects) is decided by no version, but it was
    /// written for a pack (`policy: cn`): every version of that pack is listed as not decided,
    /// rather than the run showing no coverage at all.
    @Test func anErrorFixtureStillListsItsPacksVersions() throws {
        let output = Self.runner.run(paths: [Repository.path("Fixtures/cn/invalid-applies-to-unknown-line.yaml")])
        #expect(output.status == .success, "\(output.text)")
        let lines = output.text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("rule coverage") }
        #expect(lines == ["rule coverage cn 2026.01: 0/51 rules fired; no fixture was decided by this version",
                          "rule coverage cn 2026.11: 0/51 rules fired; no fixture was decided by this version"], "\(lines)")
    }

    /// `rule_coverage` keeps `fired`/`total`/`never_fired` over rule ids (an id fired under any
    /// version counts once) and adds `by_version`, one object per version as README documents.
    @Test func jsonHasByVersion() throws {
        let output = Self.runner.run(paths: [Self.cn202601, Self.cn202611, Self.eu202601], format: .json)
        let report = try JSONReader.parse(Array(output.text.utf8))
        guard let coverage = report["summary"]?["rule_coverage"] else { Issue.record("no rule_coverage"); return }
        let allIDs = Set(Self.ids("cn", "2026.01") + Self.ids("cn", "2026.11") + Self.ids("eu", "2026.01"))
        #expect(coverage["fired"] == .number(String(Self.cnFired.count + Self.euFired.count)))
        #expect(coverage["total"] == .number(String(allIDs.count)))
        guard case .array(let byVersion)? = coverage["by_version"] else { Issue.record("no by_version"); return }
        #expect(byVersion.count == 3)
        for (index, (pack, version, fired)) in [("cn", "2026.01", Self.cnFired), ("cn", "2026.11", Self.cnFired),
                                                ("eu", "2026.01", Self.euFired)].enumerated() {
            let ids = Self.ids(pack, version)
            let expected = JSONValue.object([
                JSONMember(key: "pack", value: .string(pack)),
                JSONMember(key: "version", value: .string(version)),
                JSONMember(key: "fixtures", value: .number("1")),
                JSONMember(key: "fired", value: .number(String(fired.count))),
                JSONMember(key: "total", value: .number(String(ids.count))),
                JSONMember(key: "never_fired", value: .array(ids.filter { !fired.contains($0) }.map { .string($0) })),
            ])
            #expect(byVersion[index] == expected, "\(pack) \(version)")
        }
    }
}
