#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict RFC 8259 JSON reader working on raw bytes, giving a `JSONValue` tree.
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
/// - Inputs longer than `JSONTape.maximumInputBytes` (about 4 GiB) are rejected with an error.
///
/// There is one scanner: the text is read into a `JSONTape` (the calling thread's own, reused
/// from one call to the next), which decides acceptance and every error, and the tree is then
/// made from the tape's tokens.
public enum JSONReader {
    /// How deep arrays and objects may nest; `[[1]]` has depth 2.
    public static let maximumDepth = 256

    /// Parses one JSON text.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        // The tape is scratch: the tree is made from it before this returns. A thread keeps one
        // for the small documents it parses; a large one gets its own, freed with it, so that
        // what a thread holds between calls stays small whatever it once parsed.
        let tape = bytes.count > largeDocumentBytes ? JSONTape() : threadTape
        // The view points into the tape's storage: the tape lives until the tree is made.
        defer { withExtendedLifetime(tape) {} }
        let view = try tape.parse(bytes)
        return value(view, view.root)
    }

    /// Documents longer than this are parsed on a tape of their own.
    static let largeDocumentBytes = 1 << 20

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

    /// The value whose token is at `index`. Recursion is bounded: the scanner allows at most
    /// `maximumDepth` levels of nesting.
    static func value(_ view: JSONTape.View, _ index: Int) -> JSONValue {
        switch view.kind(index) {
        case .null: return .null
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .number: return .number(view.string(index))
        case .string: return .string(view.string(index))
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(view.elementCount(index))
            for element in view.elements(of: index) { elements.append(value(view, element)) }
            return .array(elements)
        case .object:
            var members: [JSONMember] = []
            members.reserveCapacity(view.elementCount(index))
            for (key, member) in view.members(of: index) {
                members.append(JSONMember(key: view.string(key), value: value(view, member)))
            }
            return .object(members)
        }
    }

    /// The calling thread's tape for `parse` (its own, not `RequestScratch`'s, so that a view
    /// the caller holds on that one stays valid), made on first use and freed with the thread.
    static var threadTape: JSONTape {
        if let stored = pthread_getspecific(tapeKey) {
            return Unmanaged<JSONTape>.fromOpaque(stored).takeUnretainedValue()
        }
        let tape = JSONTape()
        // The thread-specific slot owns one reference, released by the key's destructor.
        pthread_setspecific(tapeKey, Unmanaged.passRetained(tape).toOpaque())
        return tape
    }

    private static let tapeKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { stored in
            #if canImport(Darwin)
            Unmanaged<JSONTape>.fromOpaque(stored).release()
            #else
            if let stored { Unmanaged<JSONTape>.fromOpaque(stored).release() }
            #endif
        }
        precondition(status == 0, "pthread_key_create failed (\(status))")
        return key
    }()
}

/// The scanner's state: a cursor over borrowed bytes. Strings, numbers and whitespace are
/// scanned in tight loops without function calls per byte; `JSONTape+Scanner.swift` walks the
/// grammar and appends tokens.
///
/// Containers are scanned without recursion, so no input can exhaust the call stack: the open
/// containers are `frames`.
struct JSONParser: ~Copyable {
    let base: UnsafeRawPointer
    let count: Int
    var index = 0
    /// Reused for strings that contain escapes.
    var unescaped: [UInt8] = []
    var frames: ScratchStack<Frame>

    /// An open array or object.
    struct Frame {
        var isObject: Bool
        /// Offset of its `[` or `{`.
        var open: Int
        /// The index of its container's token on the tape.
        var first: Int
    }

    init(base: UnsafeRawPointer, count: Int) {
        self.init(base: base, count: count, frames: ScratchStack(capacity: 16))
    }

    /// A parser that keeps its open containers in `frames` (emptied first): a tape's, kept
    /// from one document to the next so that parsing allocates nothing.
    init(base: UnsafeRawPointer, count: Int, frames: consuming ScratchStack<Frame>) {
        self.base = base
        self.count = count
        frames.removeAll()
        self.frames = frames
    }

    @inline(__always)
    func byte(_ at: Int) -> UInt8 { base.load(fromByteOffset: at, as: UInt8.self) }

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

    @inline(never)
    static func unclosed(_ frame: Frame) -> JSONParseError {
        JSONParseError(frame.isObject ? "input ends inside the object opened" : "input ends inside the array opened", offset: frame.open)
    }

    // MARK: - Scalars

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

/// A stack of values in manually managed memory.
struct ScratchStack<Element>: ~Copyable {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    /// A stack with room for `capacity` elements; 0 allocates nothing until the first push.
    init(capacity: Int) {
        self.capacity = max(0, capacity)
        // Never read while the capacity is 0: a well-aligned placeholder, not an allocation.
        storage = capacity > 0 ? .allocate(capacity: capacity) : UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
    }

    deinit {
        storage.deinitialize(count: count)
        if capacity > 0 { storage.deallocate() }
    }

    /// Empties the stack, keeping its memory.
    mutating func removeAll() {
        storage.deinitialize(count: count)
        count = 0
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

    @inline(never)
    private mutating func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: max(16, capacity * 2))
        larger.moveInitialize(from: storage, count: count)
        if capacity > 0 { storage.deallocate() }
        storage = larger
        capacity = max(16, capacity * 2)
    }
}
