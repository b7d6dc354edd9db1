/// Writing a `JSONValue` back out as written: members in order, duplicates kept. (The
/// canonical form the input digest hashes is written from the tape, `CanonicalJSONWriter`.)
extension JSONValue {
    /// The value as JSON text, compact or pretty (see `JSONWriter`); numbers keep their literal text.
    public func serialized(pretty: Bool) -> String {
        var writer = JSONWriter(pretty: pretty, reservingCapacity: 1024)
        writer.value(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension JSONWriter {
    /// Writes `value` as it is: members in order, duplicates kept.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let literal): number(literal: literal)
        case .string(let text): string(text)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let members):
            beginObject()
            for member in members {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }
}
