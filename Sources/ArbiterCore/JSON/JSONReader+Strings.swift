import CArbiterBytes

/// String scanning helpers for `JSONParser` (used by `scanString` in `JSONTape+Scanner.swift`):
/// eight bytes at a time while nothing needs attention, UTF-8 validated in the same pass, and
/// escapes decoded into `unescaped`.
extension JSONParser {
    /// The first offset from `at` holding a quote, a backslash, a control character or a
    /// non-ASCII byte (or `count`).
    @inline(__always)
    func skipPlainBytes(from start: Int) -> Int {
        var at = start
        // Sixteen bytes at a time (SSE2) while they last: most keys and values end in the first.
        while at + 16 <= count {
            let special = arbiter_json_special_mask16(base + at)
            if special != 0 { return at + special.trailingZeroBitCount }
            at += 16
        }
        while at + 8 <= count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            let special = Self.specialBytes(word)
            if special != 0 { return at + special.trailingZeroBitCount >> 3 }
            at += 8
        }
        while at < count {
            let b = byte(at)
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { return at }
            at += 1
        }
        return at
    }

    /// High bit set in each byte of `word` that is `"`, `\`, below 0x20 or at least 0x80. The
    /// lowest flagged byte is always a real one (borrows only carry upwards), which is all the
    /// caller uses.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        JSONStringEscaping.mustEscape(word) | (word & 0x8080_8080_8080_8080)
    }

    /// The length of the well-formed UTF-8 sequence at `at` (whose first byte is ≥ 0x80), or
    /// an "invalid UTF-8" error pointing at its first byte.
    @inline(__always)
    func utf8Length(at offset: Int) throws(JSONParseError) -> Int {
        let length = wellFormedLength(at: offset)
        if length == 0 { throw JSONParseError("invalid UTF-8", offset: offset) }
        return length
    }

    /// The length of the well-formed UTF-8 sequence starting at `offset` (Unicode table 3-7),
    /// or 0 if it is ill-formed or truncated.
    func wellFormedLength(at offset: Int) -> Int {
        let lead = byte(offset)
        if lead < 0x80 { return 1 }
        var length = 0
        var low: UInt8 = 0x80  // bounds of the second byte
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F  // no encoded surrogates
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F  // nothing above U+10FFFF
        default: return 0  // continuation bytes, overlong leads C0/C1, F5...FF
        }
        guard offset + length <= count else { return 0 }
        let second = byte(offset + 1)
        guard second >= low, second <= high else { return 0 }
        for at in offset + 2..<offset + length where byte(at) & 0xC0 != 0x80 { return 0 }
        return length
    }

    @inline(__always)
    mutating func appendInput(from start: Int, to end: Int) {
        unescaped.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: end - start))
    }

    /// Decodes the escape whose backslash is at `at` into `unescaped`; returns the offset after it.
    mutating func appendEscape(at: Int, open: Int) throws(JSONParseError) -> Int {
        guard at + 1 < count else { throw JSONParseError("input ends inside the string opened", offset: open) }
        let decoded: UInt8
        switch byte(at + 1) {
        case UInt8(ascii: "\""): decoded = 0x22
        case UInt8(ascii: "\\"): decoded = 0x5C
        case UInt8(ascii: "/"): decoded = 0x2F
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"): return try appendUnicodeEscape(at: at, open: open)
        default:
            guard let scalar = scalar(at: at + 1) else { throw JSONParseError("invalid UTF-8", offset: at + 1) }
            let shown = Self.describe(scalar)
            if shown.hasPrefix("'") { throw JSONParseError("invalid escape '\\\(shown.dropFirst())", offset: at) }
            throw JSONParseError("invalid escape: '\\' followed by \(shown)", offset: at)
        }
        unescaped.append(decoded)
        return at + 2
    }

    /// Decodes `\uXXXX` at `at`, or a `\uD8xx\uDCxx` surrogate pair, as UTF-8.
    mutating func appendUnicodeEscape(at: Int, open: Int) throws(JSONParseError) -> Int {
        let unit = try hexQuad(at: at, open: open)
        var scalarValue = UInt32(unit)
        var end = at + 6
        if unit >= 0xD800, unit <= 0xDFFF {
            guard unit <= 0xDBFF, end + 1 < count, byte(end) == UInt8(ascii: "\\"), byte(end + 1) == UInt8(ascii: "u") else {
                throw unpairedSurrogate(at: at)
            }
            let low = try hexQuad(at: end, open: open)
            guard low >= 0xDC00, low <= 0xDFFF else { throw unpairedSurrogate(at: at) }
            scalarValue = 0x10000 + (UInt32(unit - 0xD800) << 10 | UInt32(low - 0xDC00))
            end += 6
        }
        switch scalarValue {
        case 0..<0x80:
            unescaped.append(UInt8(scalarValue))
        case 0x80..<0x800:
            unescaped.append(UInt8(0xC0 | scalarValue >> 6))
            unescaped.append(UInt8(0x80 | scalarValue & 0x3F))
        case 0x800..<0x10000:
            unescaped.append(UInt8(0xE0 | scalarValue >> 12))
            unescaped.append(UInt8(0x80 | scalarValue >> 6 & 0x3F))
            unescaped.append(UInt8(0x80 | scalarValue & 0x3F))
        default:
            unescaped.append(UInt8(0xF0 | scalarValue >> 18))
            unescaped.append(UInt8(0x80 | scalarValue >> 12 & 0x3F))
            unescaped.append(UInt8(0x80 | scalarValue >> 6 & 0x3F))
            unescaped.append(UInt8(0x80 | scalarValue & 0x3F))
        }
        return end
    }

    /// The four hex digits of the `\u` escape whose backslash is at `at`.
    func hexQuad(at: Int, open: Int) throws(JSONParseError) -> UInt16 {
        var unit: UInt16 = 0
        for offset in at + 2..<at + 6 {
            guard offset < count else { throw JSONParseError("input ends inside the string opened", offset: open) }
            let b = byte(offset)
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw JSONParseError("invalid unicode escape (expected four hex digits after '\\u')", offset: at)
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// A surrogate escape without its partner, quoted as written (six ASCII bytes, already checked).
    @inline(never)
    func unpairedSurrogate(at offset: Int) -> JSONParseError {
        let written = String(decoding: UnsafeRawBufferPointer(start: base + offset, count: 6), as: UTF8.self)
        return JSONParseError("unpaired surrogate '\(written)' (surrogate escapes must come in high-low pairs)", offset: offset)
    }

    @inline(never)
    static func controlCharacter(_ b: UInt8, at offset: Int) -> JSONParseError {
        let name: String
        switch b {
        case 0x0A: name = "line feed; write it as '\\n'"
        case 0x0D: name = "carriage return; write it as '\\r'"
        case 0x09: name = "tab; write it as '\\t'"
        default: name = "U+00\(b < 0x10 ? "0" : "")\(String(b, radix: 16, uppercase: true))"
        }
        return JSONParseError("unescaped control character in string: \(name)", offset: offset)
    }
}
