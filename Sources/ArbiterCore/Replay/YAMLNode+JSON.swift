/// Fixtures may be written in YAML; their requests and expectations become JSON values.
extension YAMLNode {
    /// The JSON value a YAML node stands for. Quoted scalars are always strings (write money as
    /// `"199.00"`); a plain scalar is `null`/`~`, `true`/`false`, a JSON number when it is one,
    /// and a string otherwise — so `reason: no` stays the string "no".
    public var jsonValue: JSONValue {
        switch self {
        case .scalar(let scalar):
            guard scalar.style == .plain else { return .string(scalar.value) }
            if scalar.isNull { return .null }
            if scalar.value == "true" { return .bool(true) }
            if scalar.value == "false" { return .bool(false) }
            if Self.isJSONNumber(scalar.value) { return .number(scalar.value) }
            return .string(scalar.value)
        case .sequence(let sequence):
            return .array(sequence.items.map(\.jsonValue))
        case .mapping(let mapping):
            return .object(mapping.entries.map { JSONMember(key: $0.key.value, value: $0.value.jsonValue) })
        }
    }

    /// Whether `text` is a JSON number by RFC 8259's grammar (the JSON reader's own check).
    static func isJSONNumber(_ text: String) -> Bool {
        if case .number? = try? JSONReader.parse(text) { return true }
        return false
    }
}
