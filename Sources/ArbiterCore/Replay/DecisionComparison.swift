/// How replay (and diff) compare a recorded decision with the one made now (SPEC section 10):
/// everything except the audit block, field by field both ways — a field missing or empty on
/// one side is a difference (`"lines":[{}]` is not the recorded decision) — and error answers
/// by `code` and `path` only (their message and input line may differ).
public enum DecisionComparison {
    public static func differences(recorded: JSONValue, now: JSONValue) -> [SubsetMatcher.Mismatch] {
        switch (recorded["error"], now["error"]) {
        case (let was?, let isNow?):
            return compare(errorKey(was), errorKey(isNow), path: "$.error")
        case (let was?, nil):
            return [SubsetMatcher.Mismatch(path: "$.error", expected: SubsetMatcher.show(errorKey(was)), actual: "(a decision)")]
        case (nil, let isNow?):
            return [SubsetMatcher.Mismatch(path: "$.error", expected: "(a decision)", actual: SubsetMatcher.show(errorKey(isNow)))]
        case (nil, nil):
            break
        }
        return compare(withoutAudit(recorded), withoutAudit(now), path: "$")
    }

    /// A path with its array indices dropped (`$.lines[].verdict`), for counting differences by field.
    public static func field(_ path: String) -> String {
        var out = ""
        var inIndex = false
        for character in path {
            if character == "[" { inIndex = true; out.append("[]"); continue }
            if character == "]" { inIndex = false; continue }
            if !inIndex { out.append(character) }
        }
        return out
    }

    /// An error answer's `error` as compared: its `code` and `path`.
    private static func errorKey(_ error: JSONValue) -> JSONValue {
        .object([JSONMember(key: "code", value: error["code"] ?? .null), JSONMember(key: "path", value: error["path"] ?? .null)])
    }

    private static func withoutAudit(_ value: JSONValue) -> JSONValue {
        guard case .object(let members) = value else { return value }
        return .object(members.filter { $0.key != "audit" })
    }

    private static func compare(_ recorded: JSONValue, _ now: JSONValue, path: String) -> [SubsetMatcher.Mismatch] {
        switch (recorded, now) {
        case (.object(let left), .object(let right)):
            var keys: [String] = []
            for member in left where !keys.contains(member.key) { keys.append(member.key) }
            for member in right where !keys.contains(member.key) { keys.append(member.key) }
            var found: [SubsetMatcher.Mismatch] = []
            for key in keys {
                let childPath = path + "." + key
                switch (recorded[key], now[key]) {
                case (let a?, let b?): found += compare(a, b, path: childPath)
                case (nil, let b?): found.append(SubsetMatcher.Mismatch(path: childPath, expected: "(absent)", actual: SubsetMatcher.show(b)))
                case (let a?, nil): found.append(SubsetMatcher.Mismatch(path: childPath, expected: SubsetMatcher.show(a), actual: "(absent)"))
                case (nil, nil): break
                }
            }
            return found
        case (.array(let left), .array(let right)) where left.count == right.count:
            return zip(left, right).enumerated().flatMap { index, pair in compare(pair.0, pair.1, path: "\(path)[\(index)]") }
        default:
            return recorded == now ? [] : [SubsetMatcher.Mismatch(path: path, expected: SubsetMatcher.show(recorded), actual: SubsetMatcher.show(now))]
        }
    }
}
