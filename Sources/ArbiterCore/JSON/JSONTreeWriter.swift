/// Builds the `JSONValue` of what is written to it: the tree `JSONReader.parse` gives for the
/// compact bytes a `JSONWriter` makes of the same calls (members in order, amounts and numbers
/// spelled as those bytes spell them). `replay` and `diff` compare answers as trees; this is
/// how they get one from a typed answer without writing its text and scanning it back.
public struct JSONTreeWriter: JSONOutput {
    /// An open container and what it holds so far.
    private enum Container {
        /// An object, and the key of the member whose value comes next.
        case object([JSONMember], key: String)
        case array([JSONValue])
    }

    private var open: [Container] = []
    /// The top-level value, once it is complete (nil before).
    public private(set) var value: JSONValue?

    public init() {}

    public mutating func beginObject() { open.append(.object([], key: "")) }

    public mutating func endObject() {
        guard case .object(let members, _)? = open.popLast() else { return }
        add(.object(members))
    }

    public mutating func beginArray() { open.append(.array([])) }

    public mutating func endArray() {
        guard case .array(let elements)? = open.popLast() else { return }
        add(.array(elements))
    }

    public mutating func key(_ name: String) {
        guard case .object(let members, _)? = open.popLast() else { return }
        open.append(.object(members, key: name))
    }

    public mutating func key(encoded: EncodedJSON, name: @autoclosure () -> String) { key(name()) }

    public mutating func field(_ name: StaticString) { key(name.description) }

    public mutating func members(json fragment: EncodedJSON) {
        // A fragment is a policy's own text encoded at load time: valid by construction.
        guard case .object(let parsed)? = try? JSONReader.parse([UInt8(ascii: "{")] + fragment.bytes + [UInt8(ascii: "}")]) else { return }
        for member in parsed {
            key(member.key)
            add(member.value)
        }
    }

    public mutating func value(json: [UInt8]) {
        // Encoded by the engine itself: valid by construction.
        guard let parsed = try? JSONReader.parse(json) else { return }
        add(parsed)
    }

    public mutating func money(_ minorUnits: Int64, fractionDigits: Int) {
        add(.string(Money.format(minorUnits: minorUnits, fractionDigits: fractionDigits)))
    }

    public mutating func string(_ text: String) { add(.string(text)) }
    public mutating func int(_ value: Int) { add(.number(String(value))) }
    public mutating func int64(_ value: Int64) { add(.number(String(value))) }
    public mutating func bool(_ value: Bool) { add(.bool(value)) }
    public mutating func null() { add(.null) }

    public mutating func members(atMost limit: Int, _ body: (inout JSONTreeWriter) -> Void) -> Int? {
        var before = 0
        if case .object(let members, _)? = open.last { before = members.count }
        body(&self)
        guard case .object(let members, let key)? = open.last, members.count > before else { return nil }
        // Their size as `JSONWriter` writes them compactly: the same escapes and spellings.
        var sizer = JSONWriter(pretty: false, reservingCapacity: 1024)
        sizer.beginObject()
        for member in members[before...] {
            sizer.key(member.key)
            sizer.value(member.value)
        }
        sizer.endObject()
        let written = sizer.count - 2 + (before > 0 ? 1 : 0)
        guard written > limit else { return nil }
        open[open.count - 1] = .object(Array(members[..<before]), key: key)
        return written
    }

    /// Adds a finished value to the innermost open container, or makes it the result.
    private mutating func add(_ element: JSONValue) {
        switch open.popLast() {
        case nil:
            value = element
        case .object(var members, let key)?:
            members.append(JSONMember(key: key, value: element))
            open.append(.object(members, key: ""))
        case .array(var elements)?:
            elements.append(element)
            open.append(.array(elements))
        }
    }
}
