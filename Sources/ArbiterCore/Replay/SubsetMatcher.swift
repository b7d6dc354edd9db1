/// Compares an expected decision subset with an actual decision (SPEC section 7: only the
/// fields a fixture gives are compared).
///
/// - Objects: every expected key must be present in the actual object and match; extra
///   actual keys are ignored.
/// - Arrays: same length, element by element (each element matched as a subset), so a fixture
///   that lists `lines` lists every line, in request order, stating only the fields it is about.
/// - Scalars: equal; a number written in YAML (`refund: 185.96`) matches the money string
///   `"185.96"` with the same text.
public enum SubsetMatcher {
    /// One difference, at a JSONPath-like path: `$.lines[0].refund`.
    public struct Mismatch: Sendable, Equatable {
        public var path: String
        public var expected: String
        public var actual: String
    }

    public static func mismatches(expected: JSONValue, actual: JSONValue, path: String = "$") -> [Mismatch] {
        switch (expected, actual) {
        case (.object(let wanted), .object):
            var found: [Mismatch] = []
            for member in wanted {
                let childPath = path + "." + member.key
                guard let value = actual[member.key] else {
                    found.append(Mismatch(path: childPath, expected: show(member.value), actual: "(absent)"))
                    continue
                }
                found += mismatches(expected: member.value, actual: value, path: childPath)
            }
            return found
        case (.array(let wanted), .array(let got)):
            guard wanted.count == got.count else {
                return [Mismatch(path: path, expected: "\(wanted.count) element\(wanted.count == 1 ? "" : "s"): \(show(expected))",
                                 actual: "\(got.count) element\(got.count == 1 ? "" : "s"): \(show(actual))")]
            }
            var found: [Mismatch] = []
            for index in wanted.indices {
                found += mismatches(expected: wanted[index], actual: got[index], path: path + "[\(index)]")
            }
            return found
        case (.number(let text), .string(let other)) where text == other:
            return []
        default:
            return expected == actual ? [] : [Mismatch(path: path, expected: show(expected), actual: show(actual))]
        }
    }

    /// The actual decision cut down to the shape of the expectation, for `replay --update`:
    /// the fixture keeps stating the same fields, now with the values the policy decides.
    public static func project(_ actual: JSONValue, onto expected: JSONValue) -> JSONValue {
        switch (expected, actual) {
        case (.object(let wanted), .object):
            return .object(wanted.compactMap { member in
                actual[member.key].map { JSONMember(key: member.key, value: project($0, onto: member.value)) }
            })
        case (.array(let wanted), .array(let got)) where wanted.count == got.count:
            return .array(zip(wanted, got).map { project($1, onto: $0) })
        default:
            return actual
        }
    }

    /// A value as a one-line JSON text, shortened when long.
    static func show(_ value: JSONValue) -> String {
        let text = value.serialized(pretty: false)
        return text.count > 160 ? String(text.prefix(157)) + "..." : text
    }
}
