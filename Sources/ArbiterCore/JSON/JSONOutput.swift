/// Where a writer of answers puts its JSON: bytes (`JSONWriter`, what `serve` sends) or a
/// tree (`JSONTreeWriter`, what `replay` and `diff` compare). The decision, error and pong
/// writers state the answer's shape once, against this protocol, so the tree a tool compares
/// is by construction the value of the bytes `serve` writes — without writing those bytes and
/// scanning them back.
///
/// The caller states the structure (a key before each member's value, balanced begin/end);
/// an output does not validate it.
public protocol JSONOutput: ~Copyable {
    mutating func beginObject()
    mutating func endObject()
    mutating func beginArray()
    mutating func endArray()
    /// Starts a member of the current object; its value is whatever is written next.
    mutating func key(_ name: String)
    /// `key` with the name's compact JSON (`"name":`) encoded once by the caller, for names an
    /// answer repeats (those of the engine's computations). `name` is evaluated only by outputs
    /// that need the text (a tree, pretty-printed bytes): compact bytes copy `encoded`.
    mutating func key(encoded: EncodedJSON, name: @autoclosure () -> String)
    /// `key` for a name known not to need escaping (the answer's own field names).
    mutating func field(_ name: StaticString)
    /// Appends members already encoded as compact JSON (`"a":1,"b":"x"`, from
    /// `JSONWriter.encodedMembers`) to the current object.
    mutating func members(json fragment: EncodedJSON)
    /// Writes one complete value already encoded as compact JSON (the pong, made once when the
    /// policies load).
    mutating func value(json: [UInt8])

    /// An amount of minor units as a string with exactly `fractionDigits` decimals (`"185.96"`).
    mutating func money(_ minorUnits: Int64, fractionDigits: Int)
    mutating func string(_ text: String)
    /// `string` of the text whose UTF-8 bytes are `bytes[range]` (well-formed: they came from
    /// a `String`), for text the engine keeps as bytes (a `full` trail's computations).
    mutating func string(utf8 bytes: borrowing [UInt8], in range: Range<Int>)
    /// A timestamp as its RFC 3339 string (`Timestamp.rfc3339`).
    mutating func timestamp(_ value: Timestamp)
    mutating func int(_ value: Int)
    mutating func int64(_ value: Int64)
    mutating func bool(_ value: Bool)
    mutating func null()

    /// Writes the members `body` writes into the current object, unless as compact JSON they
    /// would take more than `limit` bytes (their leading comma included): then none of them is
    /// kept and their size is returned. The bound an answer's audit trail has (SPEC section 8).
    mutating func members(atMost limit: Int, _ body: (inout Self) -> Void) -> Int?
}

extension JSONOutput where Self: ~Copyable {
    public mutating func timestamp(_ value: Timestamp) { string(value.rfc3339) }
    public mutating func string(utf8 bytes: borrowing [UInt8], in range: Range<Int>) {
        string(String(decoding: bytes[range], as: UTF8.self))
    }
}
