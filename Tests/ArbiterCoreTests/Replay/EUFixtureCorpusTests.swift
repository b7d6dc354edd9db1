import Foundation
import Testing
@testable import ArbiterCore

/// The eu pack (SPEC section 12): it checks without errors and every fixture under Fixtures/eu
/// passes, decided by the repository's set `Rules` as `arbiter replay Fixtures` does (so that
/// the fixtures on both sides of eu's `effective_from` are decided, or refused, by selection).
@Suite struct EUFixtureCorpusTests {
    static let policy: Policy = {
        guard case .success(let policy) = PolicyLocator.loadUsablePolicy(at: Repository.path("Rules/eu")) else {
            fatalError("Rules/eu does not load; run `arbiter check --rules Rules/eu`")
        }
        return policy
    }()
    static let runner = ReplayRunner(set: Repository.rulesSet)
    static let files = FixtureLoader.files(at: Repository.path("Fixtures/eu")).filter(FixtureLoader.isFixtureFile)

    @Test func everyFixturePassesAndEveryRuleFires() {
        #expect(Self.files.count >= 60)
        let output = Self.runner.run(paths: [Repository.path("Fixtures/eu")])
        #expect(output.status == .success, "\(output.text.split(separator: "\n").filter { !$0.hasPrefix("PASS") }.joined(separator: "\n"))")
        // SPEC section 7: every rule of the pack fires in some fixture (no rule switched off by a
        // parameter, docs/interpretations.md 81).
        let total = Self.policy.allRules.count
        #expect(output.text.contains("rule coverage eu \(Self.policy.version): \(total)/\(total) rules fired\n"), "\(output.text.split(separator: "\n").last ?? "")")
    }

    /// SPEC 12 rule 6 (docs/interpretations.md 81): the pack has no threshold clawback and no gift
    /// deduction, neither as a rule nor as a switch or a code, so none can be turned on by mistake.
    @Test func noThresholdClawbackOrGiftDeduction() throws {
        let ids = Self.policy.allRules.map(\.id)
        #expect(!ids.contains { $0.contains("clawback") || $0.contains("gift") }, "\(ids)")
        let rules = Repository.path("Rules/eu")
        for file in ["parameters.yaml", "codes.yaml"] {
            let text = try String(contentsOfFile: rules + "/" + file, encoding: .utf8)
                .split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }.joined(separator: "\n")
            for name in ["threshold_clawback_enabled", "gift_deduction_enabled", "THRESHOLD_CLAWBACK", "GIFT_NOT_RETURNED"] {
                #expect(!text.contains(name), "Rules/eu/\(file) declares \(name)")
            }
        }
    }

    @Test(arguments: files)
    func fixturePasses(path: String) throws {
        let fixture = try FixtureLoader.load(path: path)
        let actual = Self.runner.decide(fixture.request)
        let mismatches = SubsetMatcher.mismatches(expected: fixture.expect, actual: actual)
        #expect(mismatches.isEmpty, "\(fixture.name): \(mismatches.map { "\($0.path): expected \($0.expected), actual \($0.actual)" })")
    }

    /// A `bool?` fact is null when absent or null, and only JSON true/false are values.
    @Test func optionalBoolFactsTellAbsentFromFalse() throws {
        let schema = Self.policy.schema
        let index = try #require(schema.facts.firstIndex { $0.name == "withdrawal_info_given" })
        #expect(schema.facts[index].defaultValue == .null)
        #expect(schema.facts[index].valueType == .optional(.bool))
        let repair = try #require(schema.facts.firstIndex { $0.name == "repair_failed" })
        #expect(schema.facts[repair].defaultValue == .bool(false))
    }
}
