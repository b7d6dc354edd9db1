@testable import ArbiterCore

/// Breaks valid requests in the ways a decoder must notice (or must ignore): values replaced
/// by other types, nulls, near-miss strings and integer-looking numbers; members duplicated,
/// removed, renamed or added with nested values.
struct RequestMutator<Random: RandomNumberGenerator> {
    var random: Random

    /// Values to put where a request has another: one of each kind a field can be checked against.
    static var replacements: [JSONValue] {
        let strings = [
            "", "x", "L1", "L2", "L9", "12.34", "0", "1.005", "-3.00", "1e3", "abc", "99999999999999999.00",
            "2026-11-05T10:00:00+08:00", "2026-11-05", "2026-11-05T10:00:00", "2026-02-30T10:00:00Z", "2026-11-05T10:00:60+08:00",
            "Asia/Shanghai", "Europe/Berlin", "CST", "Mars/Base", "UTC", "CNY", "USD", "KRW", "\u{212A}RW",
            "return", "cancel", "refund_only", "compensation", "retrun", "no_reason", "counterfeit", "late_delivery",
            "en", "zh-CN", "EN", "new", "opened", "used", "coupon", "full_reduction", "gold", "é", "e\u{301}", "😀",
        ]
        let numbers = ["0", "1", "-1", "2", "3", "1.0", "1e2", "1E0", "-0", "2.5", "1000000", "1000001", "99999999999999999999", "-9223372036854775808", "9223372036854775807"]
        return [.null, .bool(true), .bool(false), .array([]), .array([.string("L1")]), .array([.string("L1"), .string("L1")]),
                .array([.number("1")]), .object([]),
                .object([JSONMember(key: "perishable", value: .bool(true)), JSONMember(key: "fraud_verified", value: .bool(true))]),
                .object([JSONMember(key: "line", value: .string("L1")), JSONMember(key: "quantity", value: .number("1"))])]
            + strings.map(JSONValue.string) + numbers.map(JSONValue.number)
    }

    /// Keys to rename members to or add: request fields in the wrong place, unknown ones,
    /// declared attributes and facts.
    static var keys: [String] { [
        "id", "kind", "reason", "requested_at", "order", "lines", "customer", "evidence", "facts", "locale", "line",
        "quantity", "unit_price", "items", "discounts", "currency", "timezone", "shipping_fee", "gift_for", "gift_value",
        "applies_to", "amount", "condition", "tier", "refunds_90d", "photos", "perishable", "fraud_verified", "sealed",
        "unknown", "x-extra", "ID", "é",
    ] }

    init(random: Random) { self.random = random }

    /// `value` with one to three mutations at random places.
    mutating func mutate(_ value: JSONValue) -> JSONValue {
        var result = value
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let paths = Self.paths(in: result)
            guard let path = paths.randomElement(using: &random) else { break }
            result = apply(at: path[...], in: result)
        }
        return result
    }

    /// One step into a container: an object's member or an array's element, by position.
    typealias Path = [Int]

    /// Every container and member position in `value` (the empty path is the value itself).
    static func paths(in value: JSONValue, prefix: Path = []) -> [Path] {
        var found = [prefix]
        switch value {
        case .array(let elements):
            for (index, element) in elements.enumerated() { found += paths(in: element, prefix: prefix + [index]) }
        case .object(let members):
            for (index, member) in members.enumerated() { found += paths(in: member.value, prefix: prefix + [index]) }
        default: break
        }
        return found
    }

    private mutating func apply(at path: ArraySlice<Int>, in value: JSONValue) -> JSONValue {
        guard let step = path.first else { return mutateHere(value) }
        switch value {
        case .array(var elements):
            // Sometimes the change is to the container holding the target: drop or repeat it.
            if path.count == 1, Int.random(in: 0..<6, using: &random) == 0 {
                if Bool.random(using: &random) { elements.remove(at: step) } else { elements.insert(elements[step], at: step) }
                return .array(elements)
            }
            elements[step] = apply(at: path.dropFirst(), in: elements[step])
            return .array(elements)
        case .object(var members):
            if path.count == 1, Int.random(in: 0..<3, using: &random) == 0 {
                return .object(mutateMember(at: step, of: members))
            }
            members[step].value = apply(at: path.dropFirst(), in: members[step].value)
            return .object(members)
        default:
            return mutateHere(value)
        }
    }

    /// Changes a member: removes it, repeats it (with this or another value, before or
    /// after), or renames it.
    private mutating func mutateMember(at index: Int, of members: [JSONMember]) -> [JSONMember] {
        var members = members
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            members.remove(at: index)
        case 1:
            var copy = members[index]
            if Bool.random(using: &random) { copy.value = replacement() }
            members.insert(copy, at: Bool.random(using: &random) ? index : index + 1)
        case 2:
            members[index].key = Self.keys.randomElement(using: &random) ?? "unknown"
        default:
            members[index].value = replacement()
        }
        return members
    }

    /// Replaces a value, or adds a member to an object.
    private mutating func mutateHere(_ value: JSONValue) -> JSONValue {
        if case .object(var members) = value, Bool.random(using: &random) {
            let key = Self.keys.randomElement(using: &random) ?? "unknown"
            let nested = JSONValue.object([JSONMember(key: "a", value: .array([.number("1"), .object([JSONMember(key: "b", value: .null)])]))])
            let added = Bool.random(using: &random) ? nested : replacement()
            members.insert(JSONMember(key: key, value: added), at: Int.random(in: 0...members.count, using: &random))
            return .object(members)
        }
        return replacement()
    }

    private mutating func replacement() -> JSONValue {
        Self.replacements.randomElement(using: &random) ?? .null
    }
}
