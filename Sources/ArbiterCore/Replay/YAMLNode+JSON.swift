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

    /// RFC 8259's number grammar: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            var count = 0
            while let byte = bytes.first, byte >= 0x30, byte <= 0x39 {
                bytes = bytes.dropFirst()
                count += 1
            }
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            if digits() == 0 { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            if digits() == 0 { return false }
        }
        return bytes.isEmpty
    }
}
