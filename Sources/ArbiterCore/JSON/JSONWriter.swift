import CArbiterBytes

/// Writes JSON straight into a byte buffer; the caller states the structure, the writer adds
/// commas, colons and (when `pretty`) line breaks and indentation.
///
/// ```swift
/// var writer = JSONWriter(pretty: false)
/// writer.beginObject()
/// writer.key("op"); writer.string("pong")
/// writer.endObject()          // writer.bytes == Array(#"{"op":"pong"}"#.utf8)
/// ```
///
/// - Compact (`pretty: false`): no whitespace at all.
/// - Pretty: two spaces per level, one member or element per line, `"key": value`, and empty
///   containers as `{}` and `[]`. No trailing line break.
/// - Strings get the minimal escapes: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other control
///   characters as `\u00xx` (lowercase hex). Everything else, including non-ASCII text, emoji,
///   DEL and U+2028/U+2029, is written as raw UTF-8: the output is JSON, read by JSON parsers
///   (ECMAScript accepts U+2028/U+2029 in strings since ES2019), and this keeps it identical
///   to the canonical form used for digests.
/// - The writer trusts its caller to produce a well-formed structure (a key before each
///   object value, balanced begin/end); it does not validate.
///
/// The writer owns a plain growable byte buffer and is `~Copyable`: a decision is thousands of
/// small appends, and an `Array` would check its uniqueness (a runtime call) on every one of
/// them. Being non-copyable, the writer is unique by construction, so an append is a capacity
/// check and a store.
public struct JSONWriter: ~Copyable, @unchecked Sendable {
    public let pretty: Bool

    private var base: UnsafeMutablePointer<UInt8>
    /// Bytes the buffer holds before it must grow.
    public private(set) var capacity: Int
    /// Number of bytes written so far.
    public private(set) var count = 0

    /// Whether the innermost open container already holds an element (a comma goes first).
    private var hasElements = false
    /// Open containers: `hasElements` of each enclosing one is bit `depth - 1` of `shallow`
    /// (for the first 64 levels) or an element of `deep` (beyond).
    private var depth = 0
    private var shallow: UInt64 = 0
    private var deep: [Bool] = []
    /// A key was just written: the next value follows it on the same line, with no comma.
    private var afterKey = false

    /// What a writer created with no capacity points at: it allocates on its first write, so
    /// one that is never written to (an audit trail not asked for) costs no allocation.
    private nonisolated(unsafe) static let noStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    public init(pretty: Bool, reservingCapacity: Int = 4096) {
        self.pretty = pretty
        capacity = max(0, reservingCapacity)
        base = capacity > 0 ? .allocate(capacity: capacity) : Self.noStorage
    }

    deinit {
        if capacity > 0 { base.deallocate() }
    }

    /// The JSON written so far (a copy; see `withBytes` for the bytes in place).
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Calls `body` with the JSON written so far, without copying it.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Calls `body` with the bytes written from offset `start` to `end` (each at most `count`).
    func withBytes<Result>(from start: Int, to end: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        precondition(0 <= start && start <= end && end <= count, "bytes \(start)..<\(end) of \(count) written")
        return try body(UnsafeBufferPointer(start: base + start, count: end - start))
    }

    /// Clears the output (keeping its capacity) to write the next document.
    public mutating func reset() {
        count = 0
        startDocument()
    }

    /// Starts another document after what is written, which stays: for a buffer of several
    /// documents, one per line (`serve`'s answers, written where they are sent from).
    mutating func startDocument() {
        depth = 0
        shallow = 0
        deep.removeAll(keepingCapacity: true)
        hasElements = false
        afterKey = false
    }

    /// Appends bytes as they are (a line break between documents, bytes already encoded).
    mutating func appendRaw(_ bytes: UnsafeRawBufferPointer) {
        put(UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
    }

    mutating func appendRaw(_ byte: UInt8) {
        put(byte)
    }

    /// Clears the output and lets go of its memory (it allocates again on the next write).
    mutating func releaseStorage() {
        if capacity > 0 { base.deallocate() }
        base = Self.noStorage
        capacity = 0
        reset()
    }

    // MARK: - Buffer

    /// Makes room for exactly `total` bytes in all. Before anything is written (a batch of
    /// answers about to be filled) this copies nothing, where growing a filled buffer copies
    /// what it holds at every doubling.
    mutating func reserveCapacity(_ total: Int) {
        if total > capacity { reallocate(capacity: total) }
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(toHold: count + extra) }
    }

    private mutating func grow(toHold needed: Int) {
        var newCapacity = max(64, capacity * 2)
        while newCapacity < needed { newCapacity *= 2 }
        reallocate(capacity: newCapacity)
    }

    /// Moves what is written into a buffer of `newCapacity` (at least `count`) bytes.
    private mutating func reallocate(capacity newCapacity: Int) {
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        if capacity > 0 { base.deallocate() }
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        Self.copy(source, to: base + count, count: bytes.count)
        count += bytes.count
    }

    /// Copies `count` bytes. Most pieces of an answer are under 32 bytes (names, `true`, short
    /// strings, a trace step's pre-encoded members): those are moved with two overlapping loads
    /// and stores, never reading or writing outside the ranges, which costs a fraction of a
    /// `memcpy` call.
    @inline(__always)
    static func copy(_ from: UnsafeRawPointer, to: UnsafeMutableRawPointer, count: Int) {
        switch count {
        case 17...32:
            let head = from.loadUnaligned(as: SIMD16<UInt8>.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 16, as: SIMD16<UInt8>.self)
            to.storeBytes(of: head, as: SIMD16<UInt8>.self)
            to.storeBytes(of: tail, toByteOffset: count - 16, as: SIMD16<UInt8>.self)
        case 8...16:
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        case 4...7:
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        case 2...3:
            let head = from.loadUnaligned(as: UInt16.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)
            to.storeBytes(of: head, as: UInt16.self)
            to.storeBytes(of: tail, toByteOffset: count - 2, as: UInt16.self)
        case 1:
            to.storeBytes(of: from.load(as: UInt8.self), as: UInt8.self)
        case 0:
            break
        default:
            to.copyMemory(from: from, byteCount: count)
        }
    }

    @inline(__always)
    private mutating func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { put($0) }
    }

    // MARK: - Structure

    // `beginObject`, `field` and `close` are the answer writers' most frequent calls (thousands
    // per audited answer): inlined, a member costs a few stores rather than a call.
    @inline(__always)
    public mutating func beginObject() {
        beforeValue()
        put(UInt8(ascii: "{"))
        open()
    }

    public mutating func endObject() { close(UInt8(ascii: "}")) }

    public mutating func beginArray() {
        beforeValue()
        put(UInt8(ascii: "["))
        open()
    }

    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Starts a member of the current object; its value is whatever is written next.
    public mutating func key(_ name: String) {
        startElement()
        appendString(name)
        put(UInt8(ascii: ":"))
        if pretty { put(UInt8(ascii: " ")) }
        afterKey = true
    }

    /// `key(name)` from the name's compact JSON, `"name":` (see `JSONOutput.key(encoded:name:)`).
    public mutating func key(encoded: EncodedJSON, name: @autoclosure () -> String) {
        guard !pretty else { return key(name()) }
        startElement()
        put(encoded.view.assumingMemoryBound(to: UInt8.self))
        afterKey = true
    }

    /// Starts a member whose name is a literal known not to need escaping (the decision's own
    /// field names): copied straight in, the writer's hot path for decisions.
    @inline(__always)
    public mutating func field(_ name: StaticString) {
        if pretty {
            startElement()
            put(UInt8(ascii: "\""))
            appendASCII(name)
            put(UInt8(ascii: "\"")); put(UInt8(ascii: ":")); put(UInt8(ascii: " "))
        } else {
            // `,"name":` stored straight into the buffer after one capacity check.
            let length = name.utf8CodeUnitCount
            reserve(length + 4)
            var at = base + count
            if hasElements {
                at.pointee = UInt8(ascii: ",")
                at += 1
            }
            hasElements = true
            at.pointee = UInt8(ascii: "\"")
            Self.copy(name.utf8Start, to: at + 1, count: length)
            (at + 1 + length).pointee = UInt8(ascii: "\"")
            (at + 2 + length).pointee = UInt8(ascii: ":")
            count = base.distance(to: at + 3 + length)
        }
        afterKey = true
    }

    /// Appends members already encoded as compact JSON (`"a":1,"b":"x"`, see `encodedMembers`)
    /// to the current object: text that is the same in every answer is escaped once, not per answer.
    public mutating func members(json fragment: EncodedJSON) {
        startElement()
        put(fragment.view.assumingMemoryBound(to: UInt8.self))
    }

    /// Writes a complete value already encoded as compact JSON (such as an audit trail written
    /// while a decision was made); `json` must be one well-formed value (it is not checked).
    /// Pretty output re-indents it, which costs a parse.
    public mutating func value(json: [UInt8]) {
        if pretty, let parsed = try? JSONReader.parse(json) {
            value(parsed)
            return
        }
        beforeValue()
        put(json)
    }

    /// `"name":"value"` pairs encoded once as compact JSON, for `members(json:)`.
    public static func encodedMembers(_ pairs: [(name: String, value: String)]) -> [UInt8] {
        var writer = JSONWriter(pretty: false, reservingCapacity: 128)
        writer.beginObject()
        for pair in pairs {
            writer.key(pair.name)
            writer.string(pair.value)
        }
        writer.endObject()
        return Array(writer.bytes.dropFirst().dropLast())
    }

    // MARK: - Values

    /// Writes an amount of minor units as a JSON string with exactly `fractionDigits` decimals
    /// (`"185.96"`, `"-12.00"`, `"500"`), without building a `String` first.
    public mutating func money(_ minorUnits: Int64, fractionDigits: Int) {
        beforeValue()
        if fractionDigits == 2, minorUnits >= 0 {
            // Most amounts: the units, then the point and the cents as two digits, without the
            // general path's divisions by a power of ten worked out per call.
            let (units, cents) = UInt64(minorUnits).quotientAndRemainder(dividingBy: 100)
            put(UInt8(ascii: "\""))
            appendDigits(of: units)
            reserve(4)
            base[count] = UInt8(ascii: ".")
            Self.storeTwoDigits(cents, at: base + count + 1)
            base[count + 3] = UInt8(ascii: "\"")
            count += 4
            return
        }
        put(UInt8(ascii: "\""))
        if minorUnits < 0 { put(UInt8(ascii: "-")) }
        var factor: UInt64 = 1
        for _ in 0..<fractionDigits { factor &*= 10 }
        let (units, fraction) = minorUnits.magnitude.quotientAndRemainder(dividingBy: factor)
        appendDigits(of: units)
        if fractionDigits > 0 {
            // The fraction's digits, zero-padded, written in place from the last one back.
            reserve(1 + fractionDigits)
            base[count] = UInt8(ascii: ".")
            var rest = fraction
            for position in stride(from: count + fractionDigits, to: count, by: -1) {
                let (quotient, digit) = rest.quotientAndRemainder(dividingBy: 10)
                base[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
                rest = quotient
            }
            count += 1 + fractionDigits
        }
        put(UInt8(ascii: "\""))
    }

    public mutating func string(_ text: String) {
        beforeValue()
        appendString(text)
    }

    /// `string` from the text's bytes, as they are in a `String` (no `String` is made).
    @inline(__always)
    public mutating func string(utf8 bytes: borrowing [UInt8], in range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "text range out of bounds")
        beforeValue()
        bytes.withUnsafeBufferPointer { appendQuoted(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Writes the timestamp's RFC 3339 text straight from the digits (no `String` is made; the
    /// text needs no escaping).
    public mutating func timestamp(_ value: Timestamp) {
        beforeValue()
        put(UInt8(ascii: "\""))
        value.withRFC3339Bytes { put($0) }
        put(UInt8(ascii: "\""))
    }

    /// Writes a string literal known not to need escaping (a name of the engine's vocabulary).
    public mutating func literal(_ text: StaticString) {
        beforeValue()
        put(UInt8(ascii: "\""))
        appendASCII(text)
        put(UInt8(ascii: "\""))
    }

    public mutating func int(_ value: Int) { int64(Int64(value)) }

    public mutating func int64(_ value: Int64) {
        beforeValue()
        if value < 0 { put(UInt8(ascii: "-")) }
        appendDigits(of: value.magnitude)
    }

    public mutating func bool(_ value: Bool) {
        beforeValue()
        appendASCII(value ? "true" : "false")
    }

    public mutating func null() {
        beforeValue()
        appendASCII("null")
    }

    /// Writes a number literal as given. `literal` must already be a valid JSON number (such
    /// as the text of `JSONValue.number`); it is not checked.
    public mutating func number(literal: String) {
        beforeValue()
        var literal = literal
        literal.withUTF8 { put($0) }
    }

    /// Where the writer stands: `rewind(to:)` forgets everything written after it.
    public struct Mark {
        /// Bytes written when the mark was taken.
        public fileprivate(set) var count: Int
        fileprivate var hasElements: Bool
        fileprivate var depth: Int
        fileprivate var shallow: UInt64
        fileprivate var deepCount: Int
        fileprivate var afterKey: Bool
    }

    public func mark() -> Mark {
        Mark(count: count, hasElements: hasElements, depth: depth, shallow: shallow, deepCount: deep.count, afterKey: afterKey)
    }

    /// Drops what was written since `mark`, which must be a mark of this writer at or below the
    /// current size (containers opened since are forgotten with their bytes).
    public mutating func rewind(to mark: Mark) {
        precondition(mark.count <= count, "rewind past the end of what was written")
        count = mark.count
        hasElements = mark.hasElements
        depth = mark.depth
        shallow = mark.shallow
        if deep.count > mark.deepCount { deep.removeLast(deep.count - mark.deepCount) }
        afterKey = mark.afterKey
    }

    // MARK: - Layout

    @inline(__always)
    private mutating func beforeValue() {
        if afterKey {
            afterKey = false
        } else if depth > 0 {
            startElement()
        }
    }

    /// A comma unless this is the container's first element, then (pretty) a line break and indentation.
    @inline(__always)
    private mutating func startElement() {
        if hasElements { put(UInt8(ascii: ",")) }
        hasElements = true
        if pretty { newline(depth: depth) }
    }

    @inline(__always)
    private mutating func open() {
        if depth < 64 {
            if hasElements { shallow |= 1 << UInt64(depth) } else { shallow &= ~(1 << UInt64(depth)) }
        } else {
            deep.append(hasElements)
        }
        depth += 1
        hasElements = false
    }

    @inline(__always)
    private mutating func close(_ bracket: UInt8) {
        let wroteElements = hasElements
        if depth > 64 {
            hasElements = deep.removeLast()
            depth -= 1
        } else if depth > 0 {
            depth -= 1
            hasElements = shallow & (1 << UInt64(depth)) != 0
        } else {
            hasElements = true  // unbalanced close: the writer does not validate
        }
        if pretty, wroteElements { newline(depth: depth) }
        put(bracket)
    }

    private mutating func newline(depth: Int) {
        put(UInt8(ascii: "\n"))
        for _ in 0..<(2 * depth) { put(UInt8(ascii: " ")) }
    }

    // MARK: - Encoding

    @inline(__always)
    private mutating func appendASCII(_ text: StaticString) {
        put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends the decimal digits of `value`.
    ///
    /// Written in place from the last digit back, two digits per division: amounts and counts
    /// are most of an answer's numbers.
    private mutating func appendDigits(of value: UInt64) {
        if value < 10 {
            put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        let length = Self.decimalLength(value)
        reserve(length)
        var end = base + count + length
        var rest = value
        while rest >= 100 {
            let (quotient, remainder) = rest.quotientAndRemainder(dividingBy: 100)
            end -= 2
            Self.storeTwoDigits(remainder, at: end)
            rest = quotient
        }
        if rest >= 10 {
            Self.storeTwoDigits(rest, at: end - 2)
        } else {
            (end - 1).pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest)
        }
        count += length
    }

    /// The number of decimal digits of `value` (1 for 0).
    @inline(__always)
    static func decimalLength(_ value: UInt64) -> Int {
        var length = 1
        var bound: UInt64 = 10
        while value >= bound {
            length += 1
            // 10^19 is the largest power of ten a UInt64 holds: every value below 10^20 is shorter.
            if length == 20 { break }
            bound &*= 10
        }
        return length
    }

    /// Writes `value` (below 100) as two digits at `at`.
    @inline(__always)
    static func storeTwoDigits(_ value: UInt64, at: UnsafeMutablePointer<UInt8>) {
        let (tens, ones) = value.quotientAndRemainder(dividingBy: 10)
        at[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: tens)
        at[1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: ones)
    }

    /// Appends `text` as a quoted JSON string with the minimal escapes.
    mutating func appendString(_ text: String) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendQuoted($0) }
        if done == nil {
            var copy = text
            copy.withUTF8 { appendQuoted($0) }
        }
    }

    /// `utf8` between quotes, escaped. Most strings of an answer (codes, rule ids, line ids,
    /// values, messages, digests) are at most 64 bytes and need no escape: up to four loads
    /// tell, and the quotes and bytes are stored after one capacity check. The general scan
    /// below set up its loops for them at some 150 instructions a string.
    @inline(__always)
    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        if let source = utf8.baseAddress, utf8.count <= 64, Self.needsNoEscape(source, count: utf8.count) {
            let length = utf8.count
            reserve(length + 2)
            let at = base + count
            at.pointee = UInt8(ascii: "\"")
            Self.copy(source, to: at + 1, count: length)
            (at + 1 + length).pointee = UInt8(ascii: "\"")
            count += length + 2
            return
        }
        put(UInt8(ascii: "\""))
        appendEscaped(utf8)
        put(UInt8(ascii: "\""))
    }

    /// Whether none of the `count` (at most 64) bytes at `source` must be escaped, read as
    /// overlapping loads of the widest size that fits (the first and last 32 bytes as two
    /// sixteen-byte loads each past 32): every byte is read, none outside the string, and a byte
    /// read twice changes nothing. Words are tested with `JSONStringEscaping.mustEscape(_:
    /// UInt64)`, which flags nothing when no byte must be escaped (its false alarms are only
    /// above a byte that must).
    @inline(__always)
    static func needsNoEscape(_ source: UnsafePointer<UInt8>, count: Int) -> Bool {
        let raw = UnsafeRawPointer(source)
        switch count {
        case 33...64:
            let head = arbiter_json_escape_mask16(raw) | arbiter_json_escape_mask16(raw + 16)
            let tail = arbiter_json_escape_mask16(raw + (count - 32)) | arbiter_json_escape_mask16(raw + (count - 16))
            return head | tail == 0
        case 16...32:
            return arbiter_json_escape_mask16(raw) | arbiter_json_escape_mask16(raw + (count - 16)) == 0
        case 8..<16:
            let head = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            let tail = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            return JSONStringEscaping.mustEscape(head) | JSONStringEscaping.mustEscape(tail) == 0
        case 4..<8:
            let head = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let tail = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
            return JSONStringEscaping.mustEscape(head | tail << 32) == 0
        case 1..<4:
            // The first, middle and last bytes (all there are), padded with 'a', which needs none.
            let word = 0x6161_6161_6100_0000 | UInt64(source[0]) | UInt64(source[count >> 1]) << 8 | UInt64(source[count - 1]) << 16
            return JSONStringEscaping.mustEscape(word) == 0
        case 0:
            return true
        default:
            return false
        }
    }

    /// Appends `utf8` with `"`, `\` and control characters escaped, copying the runs between
    /// them in one piece (the whole string, usually).
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        guard let source = utf8.baseAddress else { return }
        let count = utf8.count
        var runStart = 0
        var at = 0
        while true {
            // Sixteen bytes at a time (SSE2), then eight, until one needs escaping.
            while at + 16 <= count {
                let flagged = arbiter_json_escape_mask16(source + at)
                if flagged != 0 {
                    at += flagged.trailingZeroBitCount
                    break
                }
                at += 16
            }
            if at < count, at + 16 > count, count >= 16, count - 16 >= runStart {
                // The string's last sixteen bytes, overlapping bytes this run found clean (as
                // the eight-byte tail below does): the lowest flagged byte is exact.
                let last = count - 16
                let flagged = arbiter_json_escape_mask16(source + last)
                at = flagged == 0 ? count : last + flagged.trailingZeroBitCount
            }
            while at + 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(source + at).loadUnaligned(as: UInt64.self))
                let flagged = JSONStringEscaping.mustEscape(word)
                if flagged != 0 {
                    at += flagged.trailingZeroBitCount >> 3
                    break
                }
                at += 8
            }
            if at < count, at + 8 > count, count - 8 >= runStart {
                // The last few bytes as the string's last eight, overlapping bytes this run found
                // clean (never the byte just escaped, which would flag, and could make its
                // neighbours flag falsely): the lowest flagged byte is then exact and in the
                // tail, and a string whose length is not a multiple of eight costs one more
                // word, not a loop per byte.
                let last = count - 8
                let word = UInt64(littleEndian: UnsafeRawPointer(source + last).loadUnaligned(as: UInt64.self))
                let flagged = JSONStringEscaping.mustEscape(word)
                at = flagged == 0 ? count : last + flagged.trailingZeroBitCount >> 3
            }
            while at < count {
                if JSONStringEscaping.mustEscape(source[at]) { break }
                at += 1
            }
            if runStart < at { put(UnsafeBufferPointer(start: source + runStart, count: at - runStart)) }
            guard at < count else { return }
            JSONStringEscaping.escape(source[at]) { put($0) }
            at += 1
            runStart = at
        }
    }
}

extension JSONWriter: JSONOutput {
    public mutating func members(atMost limit: Int, _ body: (inout JSONWriter) -> Void) -> Int? {
        let before = mark()
        body(&self)
        let written = count - before.count
        guard written > limit else { return nil }
        rewind(to: before)
        return written
    }
}
