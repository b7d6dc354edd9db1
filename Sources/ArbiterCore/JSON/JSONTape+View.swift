#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension JSONTape {
    /// Reading a document on a tape: values are token indices, the top-level value is `root`.
    ///
    /// A view is a few pointers (copying it costs nothing, reading through it takes no locks,
    /// no reference counting and makes no `String`s unless asked). It is valid while the tape
    /// has not parsed again and the input is alive.
    struct View {
        let tokens: UnsafePointer<Token>
        let arena: UnsafePointer<UInt8>
        let input: UnsafeRawPointer?
        /// The length of `input`.
        let inputCount: Int
        /// The number of tokens (0 when the tape holds no document).
        let count: Int

        init(_ storage: Storage) {
            tokens = UnsafePointer(storage.tokens)
            arena = UnsafePointer(storage.arena)
            input = storage.input
            inputCount = storage.inputCount
            count = storage.count
        }

        /// The index of the document's top-level value.
        var root: Int { 0 }

        @inline(__always)
        func kind(_ index: Int) -> Kind { tokens[index].kind }

        /// The index of the value after the one at `index` (skipping a container's contents).
        @inline(__always)
        func next(after index: Int) -> Int {
            let token = tokens[index]
            return token.kind.rawValue >= Kind.array.rawValue ? Int(token.end) : index + 1
        }

        /// The number of elements of an array, or of members of an object, at `index`.
        @inline(__always)
        func elementCount(_ index: Int) -> Int { Int(tokens[index].length) }

        /// The byte offset in the input where the container or number at `index` starts.
        func offset(_ index: Int) -> Int { Int(tokens[index].start) }

        /// The decoded UTF-8 bytes of the string at `index`, or the text of the number there.
        @inline(__always)
        func bytes(_ index: Int) -> UnsafeRawBufferPointer {
            let token = tokens[index]
            let start = Int(token.start)
            if token.flags.contains(.decoded) {
                return UnsafeRawBufferPointer(start: arena + start, count: Int(token.length))
            }
            return UnsafeRawBufferPointer(start: input.map { $0 + start }, count: Int(token.length))
        }

        /// The string at `index` as written in the input, quotes included, when it has no
        /// escapes (it is then also its canonical form: nothing in it needs escaping).
        @inline(__always)
        func quotedInputBytes(_ index: Int) -> UnsafeRawBufferPointer {
            let token = tokens[index]
            return UnsafeRawBufferPointer(start: input.map { $0 + Int(token.start) - 1 }, count: Int(token.length) + 2)
        }

        /// The member whose key is at `key` exactly as the input writes it, `"key":value`, when
        /// its key and its scalar value (a number, a literal, a string) have no escape and
        /// nothing stands between them but the colon: those bytes are then the member's
        /// canonical form, to be copied in one move. Nil for any other member (whitespace, an
        /// escape, a container value, a tape loaded from a tree, whose strings have no input).
        @inline(__always)
        func compactScalarMember(_ key: Int) -> UnsafeRawBufferPointer? {
            let keyToken = tokens[key]
            guard !keyToken.flags.contains(.decoded), let input else { return nil }
            let valueToken = tokens[key + 1]
            var valueStart = Int(valueToken.start)
            let valueEnd: Int
            switch valueToken.kind {
            case .string:
                guard !valueToken.flags.contains(.decoded) else { return nil }
                valueStart -= 1  // its opening quote
                valueEnd = Int(valueToken.start) + Int(valueToken.length) + 1
            case .number: valueEnd = valueStart + Int(valueToken.length)
            case .true, .null: valueEnd = valueStart + 4
            case .false: valueEnd = valueStart + 5
            case .array, .object: return nil
            }
            // The key's closing quote is at `start + length`; one byte (the colon: the scanner
            // allows only it and whitespace there) before the value means the member is compact.
            let keyOpen = Int(keyToken.start) - 1
            guard valueStart == Int(keyToken.start) + Int(keyToken.length) + 2 else { return nil }
            return UnsafeRawBufferPointer(start: input + keyOpen, count: valueEnd - keyOpen)
        }

        /// The first `min(8, length)` bytes of the string at `index`, little-endian and
        /// zero-padded, read with one load when eight bytes from its start lie in the input (a
        /// key or value is followed by at least its closing quote and the document's rest);
        /// nil otherwise (decoded strings, the end of the input).
        @inline(__always)
        func leadingWord(_ index: Int) -> UInt64? {
            let token = tokens[index]
            let start = Int(token.start)
            guard !token.flags.contains(.decoded), start + 8 <= inputCount, let input else { return nil }
            let word = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            let length = Int(token.length)
            return length >= 8 ? word : word & ((1 << UInt64(8 * length)) &- 1)
        }

        /// Whether the string at `index` had escapes (its bytes are decoded, not the input's).
        @inline(__always)
        func isDecoded(_ index: Int) -> Bool { tokens[index].flags.contains(.decoded) }

        /// Whether the string at `index` is ASCII written without escapes (or an ASCII string of a
        /// tree, `JSONTape.load`): comparing its bytes compares its text (for ASCII, byte equality is `String` equality; anything else
        /// must be compared as a `String`, which follows canonical equivalence).
        @inline(__always)
        func isPlainASCII(_ index: Int) -> Bool {
            let flags = tokens[index].flags
            return flags.isEmpty || flags == [.decoded, .treeASCII]
        }

        /// The string at `index` (or the text of the number there) as a `String`.
        func string(_ index: Int) -> String {
            let span = bytes(index)
            // Most of a request's strings (ids, line ids, categories) fit a small string, which
            // this initialiser makes in place and, when all its bytes are ASCII, without the
            // validation `String(decoding:as:)` runs (~40 instead of ~170 instructions).
            if span.count <= 15, let base = span.baseAddress {
                return String(unsafeUninitializedCapacity: span.count) { buffer in
                    // Two overlapping word moves, not a `memcpy` call, for these few bytes.
                    if let target = buffer.baseAddress { JSONWriter.copy(base, to: target, count: span.count) }
                    return span.count
                }
            }
            return String(decoding: span, as: UTF8.self)
        }

        /// Whether the string at `index` equals `text` by `String` equality, the comparison the
        /// tree path makes: by bytes for plain ASCII, as a `String` otherwise. A plain string of
        /// another length is told apart by its length alone, before its bytes are looked at:
        /// finding a member among a request's dozen (`lastMember`) costs a few instructions per
        /// member.
        @inline(__always)
        func string(_ index: Int, equals text: StaticString) -> Bool {
            guard isPlainASCII(index) else { return string(index) == text.description }
            return plainString(index, equals: text)
        }

        /// The byte length of the string at `index` (its decoded bytes, when it had escapes).
        @inline(__always)
        func plainByteCount(_ index: Int) -> Int { Int(tokens[index].length) }

        /// `string(index, equals: text)` for a string known to be plain ASCII (`isPlainASCII`)
        /// and of `text`'s length: its bytes against the text's, up to eight at a time.
        @inline(__always)
        func plainString(_ index: Int, equals text: StaticString) -> Bool {
            let span = bytes(index)
            let count = text.utf8CodeUnitCount
            guard span.count == count, let start = span.baseAddress else { return span.count == count }
            let name = UnsafeRawPointer(text.utf8Start)
            // Overlapping loads cover every byte without reading past either end.
            func same<Word: FixedWidthInteger>(_: Word.Type, at offset: Int) -> Bool {
                start.loadUnaligned(fromByteOffset: offset, as: Word.self) == name.loadUnaligned(fromByteOffset: offset, as: Word.self)
            }
            switch count {
            case 8...16: return same(UInt64.self, at: 0) && same(UInt64.self, at: count - 8)
            case 4..<8: return same(UInt32.self, at: 0) && same(UInt32.self, at: count - 4)
            case 2..<4: return same(UInt16.self, at: 0) && same(UInt16.self, at: count - 2)
            case 1: return same(UInt8.self, at: 0)
            case 0: return true
            default: return memcmp(start, name, count) == 0
            }
        }

        /// The members of the object at `index`, as (key, value) token indices in input order.
        @inline(__always)
        func members(of index: Int) -> Members {
            Members(view: self, position: index + 1, end: Int(tokens[index].end))
        }

        /// The members of the object at `index` whose key tokens lie in `keys` (a stretch of
        /// the object's members: from a member's key to just after a later member's value).
        @inline(__always)
        func members(of index: Int, in keys: Range<Int>) -> Members {
            let end = Int(tokens[index].end)
            return Members(view: self, position: max(index + 1, keys.lowerBound), end: min(end, keys.upperBound))
        }

        /// The elements of the array at `index`, as token indices in input order.
        @inline(__always)
        func elements(of index: Int) -> Elements {
            Elements(view: self, position: index + 1, end: Int(tokens[index].end))
        }

        /// The value of the last member of the object at `index` whose key equals `key` (the
        /// member the `JSONValue` subscript finds), or nil.
        @inline(__always)
        func lastMember(of index: Int, named key: StaticString) -> Int? {
            var found: Int?
            for (name, value) in members(of: index) where string(name, equals: key) { found = value }
            return found
        }
    }

    /// An object's members in input order.
    struct Members: Sequence, IteratorProtocol {
        let view: View
        var position: Int
        let end: Int

        @inline(__always)
        public mutating func next() -> (key: Int, value: Int)? {
            guard position < end else { return nil }
            let key = position
            position = view.next(after: key + 1)
            return (key, key + 1)
        }
    }

    /// An array's elements in input order.
    struct Elements: Sequence, IteratorProtocol {
        let view: View
        var position: Int
        let end: Int

        @inline(__always)
        public mutating func next() -> Int? {
            guard position < end else { return nil }
            let element = position
            position = view.next(after: element)
            return element
        }
    }
}
