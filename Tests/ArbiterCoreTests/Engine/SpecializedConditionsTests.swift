import Testing
@testable import ArbiterCore

/// Untraced runs evaluate each rule's condition specialised for the request's kind and reason
/// (`CompiledExpression.specialized(knowing:)`); traced runs evaluate it as written. Both must
/// decide alike: every fixture and thousands of random requests of every kind and reason get the
/// same decision at `summary` as at `full`, the same rules fired, the audit trail aside.
@Suite struct SpecializedConditionsTests {
    static func withoutTrail(_ decision: Decision) -> Decision {
        var decision = decision
        decision.audit?.trace = nil
        decision.audit?.computations = []
        return decision
    }

    static func compare(_ request: JSONValue, _ context: String, summary: Decider, full: Decider) {
        let fast: Result<Decision, AnswerError>
        let traced: Result<Decision, AnswerError>
        do { fast = .success(try summary.decide(json: request)) } catch { fast = .failure(error) }
        do { traced = .success(try full.decide(json: request)) } catch { traced = .failure(error) }
        switch (fast, traced) {
        case (.success(let fast), .success(let traced)):
            #expect(fast == withoutTrail(traced), "\(context): summary and full decide differently")
            #expect(fast.audit?.rulesFired == traced.audit?.rulesFired, "\(context)")
        case (.failure(let fast), .failure(let traced)):
            #expect(fast == traced, "\(context)")
        default:
            Issue.record("\(context): one audit level decided, the other did not: \(fast) vs \(traced)")
        }
    }

    @Test func fixturesDecideAlikeTracedOrNot() throws {
        let summary = Decider(policy: Repository.rulesSet, audit: .summary)
        let full = Decider(policy: Repository.rulesSet, audit: .full)
        let paths = FixtureLoader.files(at: Repository.path("Fixtures"))
        #expect(paths.count > 300)
        for path in paths {
            var fixture = try FixtureLoader.load(path: path)
            // A fixture's `policy:` names the pack when its request names none (as replay does).
            if let pack = fixture.policy, case JSONValue.object(var members) = fixture.request, !members.contains(where: { $0.key == "policy" }) {
                members.append(JSONMember(key: "policy", value: .string(pack)))
                fixture.request = .object(members)
            }
            Self.compare(fixture.request, path, summary: summary, full: full)
        }
    }

    @Test func randomRequestsOfEveryKindAndReasonDecideAlikeTracedOrNot() {
        let summary = Decider(policy: Repository.rulesSet, audit: .summary)
        let full = Decider(policy: Repository.rulesSet, audit: .full)
        var draw = RandomRequestPropertyTests.Draw(state: 20_261_202)
        for step in 0..<1_500 {
            var order = RandomRequestPropertyTests.makeOrder(&draw)
            if draw.chance(30) { RandomRequestPropertyTests.addPayments(&order, &draw) }
            let request = RandomRequestPropertyTests.makeRequest(order, &draw, step: step)
            Self.compare(request, "random request \(step)", summary: summary, full: full)
        }
    }

    /// What folding does to a condition, by hand: decided comparisons disappear, a decided chain
    /// becomes a constant, an undecided one keeps its order.
    @Test func foldingKeepsWhatIsUndecided() throws {
        let policy = Repository.cnPolicy
        let known: [Int: Value] = [RequestField.kind.rawValue: .string("cancel"), RequestField.reason.rawValue: .string("no_reason")]
        let conditions = (policy.lineRules + policy.settlementRules + policy.requestRules).compactMap(\.condition)
        // Rules about returns cannot hold for a cancellation.
        let returnsOnly = conditions.filter { $0.requiredValues(ofSlot: RequestField.kind.rawValue) == [.string("return")] }
        #expect(!returnsOnly.isEmpty)
        for condition in returnsOnly { #expect(condition.specialized(knowing: known).isConstantFalse, "\(condition.source)") }
        // A condition that does not mention kind or reason is left as it is.
        for condition in conditions where !condition.slotsRead.contains(RequestField.kind.rawValue) && !condition.slotsRead.contains(RequestField.reason.rawValue) {
            #expect("\(condition.specialized(knowing: known).root)" == "\(condition.root)", "\(condition.source)")
        }
    }
}
