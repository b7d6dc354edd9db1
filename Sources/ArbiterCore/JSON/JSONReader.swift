/// A strict RFC 8259 JSON reader working on raw bytes, built for the `serve` hot path.
///
/// - Exactly one value, optionally surrounded by whitespace (space, tab, line feed, carriage
///   return only). No byte order mark, comments, trailing commas, `NaN` or single quotes.
/// - Numbers are checked against the RFC grammar and kept as their literal text.
/// - Strings: raw control characters (below U+0020, NUL included) are rejected; every escape of
///   the RFC is decoded. A `\u` escape of a UTF-16 surrogate must be a high surrogate followed
///   at once by an escaped low surrogate; a lone or mismatched surrogate escape is an error
///   (a Swift `String` cannot hold one, and replacing it with U+FFFD would silently change the
///   data the input digest is computed from).
/// - The input must be well-formed UTF-8 (no overlong forms, no encoded surrogates, nothing
///   above U+10FFFF, no truncated sequences), inside strings and out.
/// - Arrays and objects nest at most `maximumDepth` deep; deeper input is an error, never a
///   stack overflow. Large containers are built in linear time.
/// - Object members keep their input order; duplicate keys are kept (see `JSONValue`).
public enum JSONReader {
    /// How deep arrays and objects may nest; `[[1]]` has depth 2.
    public static let maximumDepth = 256

    /// Parses one JSON text.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw JSONParseError("unexpected end of input", offset: 0)
        }
        var parser = JSONParser(base: base, count: bytes.count)
        return try parser.parseDocument()
    }

    /// Parses one JSON text.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        // `withUnsafeBytes` rethrows untyped errors; carry the typed one out in a Result.
        try bytes.withUnsafeBytes { raw in Result { () throws(JSONParseError) in try parse(raw) } }.get()
    }

    /// Parses one JSON text given as a string (its UTF-8 bytes).
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { utf8 in Result { () throws(JSONParseError) in try parse(UnsafeRawBufferPointer(utf8)) } }.get()
    }
}

/// The reader's state: a cursor over borrowed bytes. Strings, numbers and whitespace are
/// scanned in tight loops without function calls per byte.
///
/// Containers are parsed without recursion, so no input can exhaust the call stack: the open
/// containers are `frames`, and their elements and members wait on scratch stacks until the
/// container closes, when they are moved into an exactly sized array (one allocation per
/// container, no regrowth, no reference-counting traffic).
struct JSONParser: ~Copyable {
    let base: UnsafeRawPointer
    let count: Int
    var index = 0
    /// Reused for strings that contain escapes.
    var unescaped: [UInt8] = []
    var frames: ScratchStack<Frame>
    var elements: ScratchStack<JSONValue>
    var members: ScratchStack<JSONMember>
    /// The key of each open object's member whose value is being parsed.
    var keys: ScratchStack<String>
    /// The complete top-level value.
    var result = JSONValue.null

    /// An open array or object.
    struct Frame {
        var isObject: Bool
        /// Offset of its `[` or `{`.
        var open: Int
        /// Where its elements or members start on their scratch stack.
        var first: Int
    }

    init(base: UnsafeRawPointer, count: Int) {
        self.base = base
        self.count = count
        frames = ScratchStack(capacity: 16)
        elements = ScratchStack(capacity: 32)
        members = ScratchStack(capacity: 32)
        keys = ScratchStack(capacity: 16)
    }

    @inline(__always)
    func byte(_ at: Int) -> UInt8 { base.load(fromByteOffset: at, as: UInt8.self) }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard index < count else { throw JSONParseError("unexpected end of input", offset: index) }
        let value = try parseValue()
        skipWhitespace()
        if index < count { throw unexpected("after the JSON value", at: index) }
        return value
    }

    /// Skips space, tab, line feed and carriage return.
    @inline(__always)
    mutating func skipWhitespace() {
        while index < count {
            let b = byte(index)
            // Bits 9 (\t), 10 (\n), 13 (\r) and 32 (space).
            guard b <= 0x20, (UInt64(0x1_0000_2600) >> UInt64(b)) & 1 != 0 else { return }
            index += 1
        }
    }

    /// Parses the value starting at `index` (which is in bounds and not whitespace).
    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        while true {
            // Descend: read the start of a value. A non-empty container opens a frame and
            // goes on with its first element or member; anything else is complete at once.
            switch byte(index) {
            case UInt8(ascii: "["):
                let open = index
                try enterContainer(at: open)
                if byte(index) == UInt8(ascii: "]") {
                    index += 1
                    deliver(.array([]))
                } else {
                    frames.push(Frame(isObject: false, open: open, first: elements.count))
                    continue
                }
            case UInt8(ascii: "{"):
                let open = index
                try enterContainer(at: open)
                if byte(index) == UInt8(ascii: "}") {
                    index += 1
                    deliver(.object([]))
                } else {
                    frames.push(Frame(isObject: true, open: open, first: members.count))
                    try beginMember(of: open)
                    continue
                }
            default:
                deliver(try parseScalar())
            }
            // Ascend: after a complete value comes a comma (go on with the next element or
            // member) or the end of the innermost container, which completes that one.
            while true {
                guard frames.count > 0 else { return result }
                let frame = frames.last
                skipWhitespace()
                guard index < count else { throw Self.unclosed(frame) }
                let separator = byte(index)
                if separator == UInt8(ascii: ",") {
                    try nextElement(of: frame)
                    if frame.isObject { try beginMember(of: frame.open) }
                    break
                }
                if frame.isObject {
                    guard separator == UInt8(ascii: "}") else { throw unexpected("expected ',' or '}'", at: index) }
                    index += 1
                    frames.removeLast()
                    deliver(.object(members.pop(from: frame.first)))
                } else {
                    guard separator == UInt8(ascii: "]") else { throw unexpected("expected ',' or ']'", at: index) }
                    index += 1
                    frames.removeLast()
                    deliver(.array(elements.pop(from: frame.first)))
                }
            }
        }
    }

    /// Hands a complete value to the innermost open container (as an element, or as the value
    /// of the member whose key is waiting), or keeps it as the result when none is open.
    @inline(__always)
    mutating func deliver(_ value: consuming JSONValue) {
        if frames.count == 0 {
            result = value
        } else if frames.last.isObject {
            members.push(JSONMember(key: keys.popLast(), value: value))
        } else {
            elements.push(value)
        }
    }

    /// Moves past the comma at `index` and the whitespace after it, to the next element or
    /// member of `frame`, which must not be its closing bracket.
    @inline(__always)
    mutating func nextElement(of frame: Frame) throws(JSONParseError) {
        let comma = index
        index += 1
        skipWhitespace()
        guard index < count else { throw Self.unclosed(frame) }
        if byte(index) == (frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
            throw JSONParseError("trailing comma", offset: comma)
        }
    }

    // MARK: - Containers

    /// Checks the depth limit for the container opening at `open` and moves to its first
    /// non-whitespace byte.
    @inline(__always)
    mutating func enterContainer(at open: Int) throws(JSONParseError) {
        if frames.count >= JSONReader.maximumDepth {
            throw JSONParseError("nesting deeper than \(JSONReader.maximumDepth)", offset: open)
        }
        index += 1
        skipWhitespace()
        guard index < count else {
            throw Self.unclosed(Frame(isObject: byte(open) == UInt8(ascii: "{"), open: open, first: 0))
        }
    }

    /// Parses `"key" :` at `index` and pushes the key; leaves `index` at the start of the value.
    @inline(__always)
    mutating func beginMember(of open: Int) throws(JSONParseError) {
        guard byte(index) == UInt8(ascii: "\"") else { throw unexpected("expected a string key", at: index) }
        let key = try parseString()
        skipWhitespace()
        guard index < count else { throw JSONParseError("unclosed object", offset: open) }
        guard byte(index) == UInt8(ascii: ":") else { throw unexpected("expected ':' after the key", at: index) }
        index += 1
        skipWhitespace()
        guard index < count else { throw JSONParseError("unclosed object", offset: open) }
        keys.push(key)
    }

    @inline(never)
    static func unclosed(_ frame: Frame) -> JSONParseError {
        JSONParseError(frame.isObject ? "unclosed object" : "unclosed array", offset: frame.open)
    }

    // MARK: - Scalars

    /// Parses the string, number or literal at `index`.
    @inline(__always)
    mutating func parseScalar() throws(JSONParseError) -> JSONValue {
        switch byte(index) {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try parseLiteral(0x6575_7274, length: 4)  // "true", little-endian
            return .bool(true)
        case UInt8(ascii: "f"):
            try parseLiteral(0x65_736C_6166, length: 5)  // "false"
            return .bool(false)
        case UInt8(ascii: "n"):
            try parseLiteral(0x6C6C_756E, length: 4)  // "null"
            return .null
        default:
            throw unexpectedValue(at: index)
        }
    }

    /// Checks the literal `true`, `false` or `null` at `index` against `word` (its bytes,
    /// little-endian) and moves past it.
    @inline(__always)
    mutating func parseLiteral(_ word: UInt64, length: Int) throws(JSONParseError) {
        if index + length <= count {
            var found: UInt64 = 0
            for offset in 0..<length { found |= UInt64(byte(index + offset)) << UInt64(offset * 8) }
            if found == word {
                index += length
                return
            }
        }
        throw unexpectedValue(at: index)
    }

    /// Scans a number per RFC 8259 (`-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`)
    /// and returns its text.
    mutating func parseNumber() throws(JSONParseError) -> String {
        let start = index
        var at = index
        if byte(at) == UInt8(ascii: "-") {
            at += 1
            guard at < count, byte(at) &- UInt8(ascii: "0") < 10 else {
                throw JSONParseError("expected a digit after '-'", offset: at)
            }
        }
        if byte(at) == UInt8(ascii: "0") {
            at += 1
            if at < count, byte(at) &- UInt8(ascii: "0") < 10 {
                throw JSONParseError("number with a leading zero", offset: start)
            }
        } else {
            at += 1
            while at < count, byte(at) &- UInt8(ascii: "0") < 10 { at += 1 }
        }
        if at < count, byte(at) == UInt8(ascii: ".") {
            at += 1
            guard at < count, byte(at) &- UInt8(ascii: "0") < 10 else {
                throw JSONParseError("expected a digit after '.'", offset: at)
            }
            at += 1
            while at < count, byte(at) &- UInt8(ascii: "0") < 10 { at += 1 }
        }
        if at < count, byte(at) | 0x20 == UInt8(ascii: "e") {
            at += 1
            if at < count, byte(at) == UInt8(ascii: "+") || byte(at) == UInt8(ascii: "-") { at += 1 }
            guard at < count, byte(at) &- UInt8(ascii: "0") < 10 else {
                throw JSONParseError("expected a digit in the exponent", offset: at)
            }
            at += 1
            while at < count, byte(at) &- UInt8(ascii: "0") < 10 { at += 1 }
        }
        index = at
        return makeString(from: start, to: at)
    }

    /// A `String` of the (already validated) input bytes `start..<end`. Short strings (most
    /// keys and values) are copied with two overlapping word moves instead of a `memcpy` call.
    @inline(__always)
    func makeString(from start: Int, to end: Int) -> String {
        let source = base + start
        let length = end - start
        return String(unsafeUninitializedCapacity: length) { buffer in
            guard let target = UnsafeMutableRawPointer(buffer.baseAddress) else { return 0 }
            if length >= 8, length <= 16 {
                target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
                (target + (length - 8)).storeBytes(of: source.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self), as: UInt64.self)
            } else if length >= 4, length < 8 {
                target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
                (target + (length - 4)).storeBytes(of: source.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self), as: UInt32.self)
            } else {
                target.copyMemory(from: source, byteCount: length)
            }
            return length
        }
    }

    // MARK: - Errors (kept out of line: the hot path never gets here)

    /// The error for a byte that cannot start a value: a word such as `NaN` or `True` is named
    /// as a whole, anything else as a character.
    @inline(never)
    func unexpectedValue(at offset: Int) -> JSONParseError {
        var end = offset
        while end < count, end - offset < 24 {
            let b = byte(end)
            guard (b | 0x20) &- UInt8(ascii: "a") < 26 || b &- UInt8(ascii: "0") < 10 || b == UInt8(ascii: "_") else { break }
            end += 1
        }
        if end > offset, (byte(offset) | 0x20) &- UInt8(ascii: "a") < 26 {
            let word = String(decoding: UnsafeRawBufferPointer(start: base + offset, count: end - offset), as: UTF8.self)
            return JSONParseError("invalid literal '\(word)'", offset: offset)
        }
        return unexpected("expected a value", at: offset)
    }

    /// "`context`, found 'x'" (or "… found the end of input"), or "invalid UTF-8" when the byte
    /// at `offset` does not start a well-formed sequence. A `context` starting with "after"
    /// gives "unexpected character 'x' after …".
    @inline(never)
    func unexpected(_ context: String, at offset: Int) -> JSONParseError {
        let after = context.hasPrefix("after")
        guard offset < count else {
            return JSONParseError(after ? "unexpected end of input" : "\(context), found the end of input", offset: offset)
        }
        guard let scalar = scalar(at: offset) else { return JSONParseError("invalid UTF-8", offset: offset) }
        if after { return JSONParseError("unexpected character \(Self.describe(scalar)) \(context)", offset: offset) }
        return JSONParseError("\(context), found \(Self.describe(scalar))", offset: offset)
    }

    /// `'x'` for a visible character, `U+XXXX` for anything else (controls, spaces, marks).
    static func describe(_ scalar: Unicode.Scalar) -> String {
        if scalar == "\u{FEFF}" { return "a byte order mark (U+FEFF)" }
        if scalar.value < 0x80 {
            if scalar.value > 0x20, scalar.value < 0x7F { return "'\(Character(scalar))'" }
        } else {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .decimalNumber, .letterNumber, .otherNumber,
                .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                .initialPunctuation, .finalPunctuation, .otherPunctuation,
                .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
                return "'\(Character(scalar))'"
            default: break
            }
        }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The scalar whose UTF-8 encoding starts at `offset`, or nil if the bytes there are ill-formed.
    func scalar(at offset: Int) -> Unicode.Scalar? {
        let length = wellFormedLength(at: offset)
        guard length > 0 else { return nil }
        var value = UInt32(byte(offset))
        if length > 1 {
            value &= 0xFF >> UInt32(length + 1)
            for at in offset + 1..<offset + length { value = value << 6 | UInt32(byte(at) & 0x3F) }
        }
        return Unicode.Scalar(value)
    }
}

/// A stack of values in manually managed memory whose tops are moved out as arrays.
struct ScratchStack<Element>: ~Copyable {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (storage + count).initialize(to: element)
        count += 1
    }

    /// The top element (the stack must not be empty).
    @inline(__always)
    var last: Element { storage[count - 1] }

    @inline(__always)
    mutating func removeLast() {
        count -= 1
        (storage + count).deinitialize(count: 1)
    }

    /// Moves the top element out.
    @inline(__always)
    mutating func popLast() -> Element {
        count -= 1
        return (storage + count).move()
    }

    /// Moves the elements from `first` to the top into a new array and drops them from the stack.
    @inline(__always)
    mutating func pop(from first: Int) -> [Element] {
        let moved = count - first
        let source = storage + first
        count = first
        return [Element](unsafeUninitializedCapacity: moved) { buffer, initialized in
            if let target = buffer.baseAddress { target.moveInitialize(from: source, count: moved) }
            initialized = moved
        }
    }

    @inline(never)
    private mutating func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = larger
        capacity *= 2
    }
}
