import Crypto
@testable import ArbiterCore

/// The canonical form written the slow, obvious way, from a `JSONValue` tree: the reference
/// `CanonicalJSONWriter` (which works on the tape, for serve) must agree with byte for byte
/// (docs/interpretations.md item 13).
extension JSONValue {
    /// The canonical JSON of this value (docs/interpretations.md item 13), the bytes
    /// `input_digest` hashes: object keys sorted by their UTF-8 bytes, a duplicated key kept
    /// once with its last value, numbers exactly as written, strings with the minimal escapes
    /// (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other control characters as `\u00xx`), and
    /// no whitespace.
    func canonicalBytes() -> [UInt8] {
        var writer = JSONWriter(pretty: false, reservingCapacity: 2048)
        writer.canonicalValue(self)
        return writer.bytes
    }
}

extension JSONWriter {
    /// Writes `value` in canonical form (see `JSONValue.canonicalBytes()`); meant for a
    /// compact writer.
    mutating func canonicalValue(_ value: JSONValue) {
        switch value {
        case .null, .bool, .number, .string:
            self.value(value)
        case .array(let elements):
            beginArray()
            for element in elements { canonicalValue(element) }
            endArray()
        case .object(let members):
            beginObject()
            for index in Self.canonicalOrder(of: members) {
                key(members[index].key)
                canonicalValue(members[index].value)
            }
            endObject()
        }
    }

    /// Indices of the members to write, ordered by key bytes, keeping only the last member of
    /// each key. Keys compare by UTF-8 bytes, not by `String` equality, so keys that differ
    /// only in Unicode normalisation stay distinct.
    static func canonicalOrder(of members: [JSONMember]) -> [Int] {
        if members.count < 2 { return Array(members.indices) }
        // Most comparisons are settled by the first eight bytes, compared as one integer.
        var entries = members.indices.map { (prefix: keyPrefix(members[$0].key), index: $0) }
        entries.sort { left, right in
            if left.prefix != right.prefix { return left.prefix < right.prefix }
            switch compareUTF8(members[left.index].key, members[right.index].key) {
            case .less: return true
            case .greater: return false
            case .equal: return left.index < right.index
            }
        }
        // Within a run of equal keys the last index is the member that counts.
        var kept: [Int] = []
        kept.reserveCapacity(entries.count)
        for position in entries.indices {
            let entry = entries[position]
            let next = position + 1
            if next < entries.count, entries[next].prefix == entry.prefix,
                compareUTF8(members[entry.index].key, members[entries[next].index].key) == .equal {
                continue
            }
            kept.append(entry.index)
        }
        return kept
    }

    /// The first eight UTF-8 bytes of `key`, big-endian, zero-padded: ordering these integers
    /// orders the keys, except that equal prefixes need a full comparison.
    static func keyPrefix(_ key: String) -> UInt64 {
        withUTF8(of: key) { utf8 in
            var prefix: UInt64 = 0
            for position in 0..<min(8, utf8.count) {
                prefix |= UInt64(utf8[position]) << UInt64(56 - 8 * position)
            }
            return prefix
        }
    }

    enum Ordering { case less, equal, greater }

    /// Compares two strings by their UTF-8 bytes (which is code point order).
    static func compareUTF8(_ left: String, _ right: String) -> Ordering {
        withUTF8(of: left) { leftBytes in
            withUTF8(of: right) { rightBytes in
                let common = min(leftBytes.count, rightBytes.count)
                for position in 0..<common where leftBytes[position] != rightBytes[position] {
                    return leftBytes[position] < rightBytes[position] ? .less : .greater
                }
                if leftBytes.count == rightBytes.count { return .equal }
                return leftBytes.count < rightBytes.count ? .less : .greater
            }
        }
    }

    /// Calls `body` with the UTF-8 bytes of `text`, without copying native strings.
    @inline(__always)
    static func withUTF8<Result>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        return copy.withUTF8(body)
    }
}

extension Engine {
    /// `sha256:<hex>` of the canonical JSON of a tree: the reference for `inputDigest(of:using:)`.
    static func inputDigest(of json: JSONValue) -> String {
        SHA256.hash(data: json.canonicalBytes()).auditText
    }
}
