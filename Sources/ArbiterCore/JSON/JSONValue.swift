/// A parsed JSON document. Objects keep their members in input order (duplicates included);
/// numbers keep the exact text they were written with, so nothing is lost to floating point.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// The number literal exactly as written (already validated against RFC 8259's grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The value of the last member named `key` when this is an object, else nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members.reversed() where member.key == key { return member.value }
        return nil
    }
}

/// One `"key": value` pair of a JSON object.
public struct JSONMember: Hashable, Sendable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}
