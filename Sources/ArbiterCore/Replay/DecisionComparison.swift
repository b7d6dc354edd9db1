/// The comparison of two answers to one request (SPEC section 10): everything except the audit
/// block; error answers by `code` and `path` only. `replay` compares a recorded answer with the
/// one given now, `diff` the answers under a base and a candidate policy.
public enum DecisionComparison {
    /// The differences between `recorded` (or base) and `now` (or candidate), by path; empty
    /// when the two answers are the same decision (or the same error).
    public static func differences(recorded: JSONValue, now: JSONValue) -> [SubsetMatcher.Mismatch] {
        let recordedError = recorded["error"], nowError = now["error"]
        switch (recordedError, nowError) {
        case (let was?, let isNow?):
            return ["code", "path"].compactMap { key in
                let before = was[key] ?? .null, after = isNow[key] ?? .null
                return before == after ? nil : SubsetMatcher.Mismatch(path: "$.error.\(key)", expected: SubsetMatcher.show(before), actual: SubsetMatcher.show(after))
            }
        case (let was?, nil):
            return [SubsetMatcher.Mismatch(path: "$.error", expected: SubsetMatcher.show(errorSummary(was)), actual: "(a decision)")]
        case (nil, let isNow?):
            return [SubsetMatcher.Mismatch(path: "$.error", expected: "(a decision)", actual: SubsetMatcher.show(errorSummary(isNow)))]
        case (nil, nil):
            return SubsetMatcher.mismatches(expected: withoutAudit(recorded), actual: withoutAudit(now))
                + extraFields(recorded: recorded, now: now)
        }
    }

    /// An error answer as compared: its `code` and `path`.
    static func errorSummary(_ error: JSONValue) -> JSONValue {
        .object([JSONMember(key: "code", value: error["code"] ?? .null), JSONMember(key: "path", value: error["path"] ?? .null)])
    }

    static func withoutAudit(_ value: JSONValue) -> JSONValue {
        guard case .object(let members) = value else { return value }
        return .object(members.filter { $0.key != "audit" })
    }

    /// Fields the newer answer has that the older did not (a new adjustment field, say) count
    /// as differences too.
    static func extraFields(recorded: JSONValue, now: JSONValue) -> [SubsetMatcher.Mismatch] {
        guard case .object(let members) = now, case .object = recorded else { return [] }
        return members.filter { $0.key != "audit" && recorded[$0.key] == nil }.map {
            SubsetMatcher.Mismatch(path: "$." + $0.key, expected: "(absent)", actual: SubsetMatcher.show($0.value))
        }
    }
}
