import CArbiterBytes

/// Building a `JSONTape`: the one JSON scanner. `JSONReader.parse` reads into a tape too and
/// makes its `JSONValue` from the tokens, so the tape and the reader accept, reject and report
/// errors identically by construction.
///
/// The scanner is an extension of `JSONParser`, whose shared steps live in `JSONReader.swift`
/// and `JSONReader+Strings.swift`: whitespace, literals, container entry and the depth limit,
/// the trailing-comma and unclosed checks, UTF-8 validation, escape decoding and every error
/// message.
extension JSONTape {
    /// Reads one JSON text into this tape (replacing the previous document) and returns the
    /// view to read it with, or throws the error `JSONReader.parse` throws for the same bytes.
    @discardableResult
    func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> View {
        // The scanner works on a copy of the storage, written back even on error: the token
        // buffer may have been reallocated.
        var building = storage
        defer { storage = building }
        building.reset(for: bytes)
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw JSONParseError("unexpected end of input", offset: 0)
        }
        // Offsets are 32-bit: a larger document is refused like any unreadable input, never a trap.
        guard bytes.count <= Self.maximumInputBytes else {
            throw JSONParseError("document larger than \(Self.maximumInputBytes) bytes", offset: Self.maximumInputBytes)
        }
        // The open containers' stack, kept with the tape so that parsing allocates nothing.
        var frames = ScratchStack<JSONParser.Frame>(capacity: 0)
        swap(&frames, &frameScratch)
        var parser = JSONParser(base: base, count: bytes.count, frames: frames)
        defer { swap(&parser.frames, &frameScratch) }
        // The unescaping buffer, kept with the tape so its capacity is reused.
        swap(&parser.unescaped, &unescapeScratch)
        defer { swap(&parser.unescaped, &unescapeScratch) }
        do {
            try parser.scanDocument(into: &building)
        } catch {
            building.count = 0  // no half-read document is left to look at
            throw error
        }
        return View(building)
    }
}

extension JSONParser {
    /// Scans one JSON text (a value with optional whitespace around it) into `tape`.
    mutating func scanDocument(into tape: inout JSONTape.Storage) throws(JSONParseError) {
        skipWhitespace()
        guard index < count else { throw JSONParseError("unexpected end of input", offset: index) }
        try scanValue(into: &tape)
        skipWhitespace()
        if index < count { throw unexpected("after the JSON value", at: index) }
    }

    /// Scans the value starting at `index` (in bounds, not whitespace), appending tokens to
    /// `tape`, without recursion. A frame's `first` is its container's token.
    mutating func scanValue(into tape: inout JSONTape.Storage) throws(JSONParseError) {
        while true {
            switch byte(index) {
            case UInt8(ascii: "["):
                let open = index
                try enterContainer(at: open)
                let token = tape.append(.array, start: open)
                if byte(index) == UInt8(ascii: "]") {
                    index += 1
                    tape.close(token, empty: true)
                } else {
                    frames.push(Frame(isObject: false, open: open, first: token))
                    continue
                }
            case UInt8(ascii: "{"):
                let open = index
                try enterContainer(at: open)
                let token = tape.append(.object, start: open)
                if byte(index) == UInt8(ascii: "}") {
                    index += 1
                    tape.close(token, empty: true)
                } else {
                    frames.push(Frame(isObject: true, open: open, first: token))
                    try scanMemberKey(of: open, into: &tape)
                    continue
                }
            case UInt8(ascii: "\""):
                // A short plain string (most values) in one sixteen-byte test, as keys are;
                // any other goes the general way from the same `index`.
                let start = index + 1
                if let quote = shortPlainStringEnd(from: start) {
                    tape.append(.string, start: start, length: quote - start)
                    index = quote + 1
                    break
                }
                try scanScalar(into: &tape)
            default:
                try scanScalar(into: &tape)
            }
            // After a complete value: a comma, or the end of the innermost container.
            while true {
                guard frames.count > 0 else { return }
                let frame = frames.last
                skipWhitespace()
                guard index < count else { throw Self.unclosed(frame) }
                let separator = byte(index)
                if separator == UInt8(ascii: ",") {
                    try nextElement(of: frame)
                    tape.countElement(of: frame.first)
                    if frame.isObject { try scanMemberKey(of: frame.open, into: &tape) }
                    break
                }
                if frame.isObject {
                    guard separator == UInt8(ascii: "}") else { throw unexpected("expected ',' or '}'", at: index) }
                } else {
                    guard separator == UInt8(ascii: "]") else { throw unexpected("expected ',' or ']'", at: index) }
                }
                index += 1
                frames.removeLast()
                tape.close(frame.first, empty: false)
            }
        }
    }

    /// Scans `"key" :` at `index` into a string token; leaves `index` at the start of the value.
    ///
    /// Most keys are short and plain, followed at once by the colon (`"quantity":`): one or
    /// two sixteen-byte tests find the closing quote (`shortPlainStringEnd`), and anything else (an escape, a non-ASCII
    /// byte, a longer key, whitespace before the colon, an error) goes the general way, which
    /// starts again from the same `index`, so both give the same token or the same error.
    @inline(__always)
    mutating func scanMemberKey(of open: Int, into tape: inout JSONTape.Storage) throws(JSONParseError) {
        let start = index + 1
        if byte(index) == UInt8(ascii: "\""), let quote = shortPlainStringEnd(from: start), quote + 1 < count,
           byte(quote + 1) == UInt8(ascii: ":") {
            tape.append(.string, start: start, length: quote - start)
            index = quote + 2
            skipWhitespace()
            guard index < count else { throw JSONParseError("input ends inside the object opened", offset: open) }
            return
        }
        try scanMemberKeyInGeneral(of: open, into: &tape)
    }

    /// The closing quote of a string whose bytes from `start` are plain (printable ASCII, no
    /// escape) and end within 32 bytes, found sixteen bytes at a time; nil for any other string
    /// (or too near the end of the input to test), which the general scan then reads.
    @inline(__always)
    func shortPlainStringEnd(from start: Int) -> Int? {
        guard start + 16 <= count else { return nil }
        var special = arbiter_json_special_mask16(base + start)
        var block = start
        if special == 0 {
            block += 16
            guard block + 16 <= count else { return nil }
            special = arbiter_json_special_mask16(base + block)
            if special == 0 { return nil }
        }
        let end = block + special.trailingZeroBitCount
        return byte(end) == UInt8(ascii: "\"") ? end : nil
    }

    /// `scanMemberKey` for any key.
    @inline(never)
    mutating func scanMemberKeyInGeneral(of open: Int, into tape: inout JSONTape.Storage) throws(JSONParseError) {
        guard byte(index) == UInt8(ascii: "\"") else { throw unexpected("expected a string key", at: index) }
        try scanString(into: &tape)
        skipWhitespace()
        guard index < count else { throw JSONParseError("input ends inside the object opened", offset: open) }
        guard byte(index) == UInt8(ascii: ":") else { throw unexpected("expected ':' after the key", at: index) }
        index += 1
        skipWhitespace()
        guard index < count else { throw JSONParseError("input ends inside the object opened", offset: open) }
    }

    /// Scans the string, number or literal at `index`, appending a token.
    @inline(__always)
    mutating func scanScalar(into tape: inout JSONTape.Storage) throws(JSONParseError) {
        switch byte(index) {
        case UInt8(ascii: "\""):
            try scanString(into: &tape)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = index
            try scanNumber()
            tape.append(.number, start: start, length: index - start)
        case UInt8(ascii: "t"):
            try parseLiteral(0x6575_7274, length: 4)  // "true", little-endian
            tape.append(.true, start: index - 4)
        case UInt8(ascii: "f"):
            try parseLiteral(0x65_736C_6166, length: 5)  // "false"
            tape.append(.false, start: index - 5)
        case UInt8(ascii: "n"):
            try parseLiteral(0x6C6C_756E, length: 4)  // "null"
            tape.append(.null, start: index - 4)
        default:
            throw unexpectedValue(at: index)
        }
    }

    /// Checks the number at `index` per RFC 8259
    /// (`-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`) and moves past it.
    mutating func scanNumber() throws(JSONParseError) {
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
    }

    /// Scans the string whose opening quote is at `index` into a token spanning its bytes, and
    /// moves past its closing quote. Inlined into its two callers (keys and values): most of a
    /// request's tokens are short strings, for which a call costs as much as the scan.
    @inline(__always)
    mutating func scanString(into tape: inout JSONTape.Storage) throws(JSONParseError) {
        let open = index
        let start = open + 1
        var at = start
        var flags: JSONTape.Flags = []
        while true {
            at = skipPlainBytes(from: at)
            guard at < count else { throw JSONParseError("input ends inside the string opened", offset: open) }
            let b = byte(at)
            if b == UInt8(ascii: "\"") {
                index = at + 1
                tape.append(.string, start: start, length: at - start, flags: flags)
                return
            } else if b == UInt8(ascii: "\\") {
                return try scanEscapedString(open: open, plainUpTo: at, flags: flags, into: &tape)
            } else if b < 0x20 {
                throw Self.controlCharacter(b, at: at)
            } else {
                flags.insert(.nonASCII)
                at += try utf8Length(at: at)
            }
        }
    }

    /// The rest of a string that has an escape at `escape` (the bytes before it are already
    /// known to be plain and valid), keeping the decoded bytes in the tape's arena.
    mutating func scanEscapedString(open: Int, plainUpTo escape: Int, flags: JSONTape.Flags, into tape: inout JSONTape.Storage) throws(JSONParseError) {
        var flags = flags
        unescaped.removeAll(keepingCapacity: true)
        appendInput(from: open + 1, to: escape)
        var at = escape
        while true {
            guard at < count else { throw JSONParseError("input ends inside the string opened", offset: open) }
            let b = byte(at)
            if b == UInt8(ascii: "\"") {
                index = at + 1
                unescaped.withUnsafeBufferPointer { tape.appendDecodedString($0, flags: flags) }
                return
            } else if b == UInt8(ascii: "\\") {
                at = try appendEscape(at: at, open: open)
            } else if b < 0x20 {
                throw Self.controlCharacter(b, at: at)
            } else if b >= 0x80 {
                flags.insert(.nonASCII)
                let length = try utf8Length(at: at)
                appendInput(from: at, to: at + length)
                at += length
            } else {
                let end = skipPlainBytes(from: at)
                appendInput(from: at, to: end)
                at = end
            }
        }
    }
}
