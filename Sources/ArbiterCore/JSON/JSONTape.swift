/// One JSON text read into a flat array of tokens that point back into the input bytes
/// (simdjson's "tape"): no `String`, no nested arrays, no allocation per value, and one
/// tape's storage is reused line after line.
///
/// - Tokens are in document order. A container's token is followed by its elements (an
///   object's by key and value tokens, alternating) and records the index just past its last
///   descendant, so a value can be skipped in one step.
/// - A string token spans the bytes between its quotes when the string has no escape; an
///   escaped string's decoded bytes are copied to the tape's own arena.
/// - Numbers span their literal text, exactly as written.
///
/// `parse` accepts and rejects exactly what `JSONReader.parse` does, with the same
/// `JSONParseError` (the reader parses into a tape; see `JSONTape+Scanner.swift`), and
/// returns a `View` to read the document with. The tape refers to the input it was built
/// from: the input must stay alive and unchanged while the view is used, and the view is
/// valid until the tape parses again. A tape is meant for one thread at a time.
final class JSONTape {
    /// What a token is.
    enum Kind: UInt8, Sendable {
        case null, `false`, `true`, number, string, array, object
    }

    /// One value (or object key) of the document.
    struct Token {
        /// Strings: where the decoded bytes start (in the input, or in the arena when
        /// `decoded`); numbers: the literal's first byte; containers: the opening bracket.
        var start: UInt32
        /// Strings and numbers: their length in bytes; containers: their element (or member) count.
        var length: UInt32
        /// Containers: the index of the first token after the container.
        var end: UInt32
        var kind: Kind
        var flags: Flags
    }

    /// Facts about a string token that decide how it may be read.
    struct Flags: OptionSet {
        var rawValue: UInt8
        /// The string had escapes: its decoded bytes are in the arena, not the input.
        static let decoded = Flags(rawValue: 1)
        /// The string has bytes of 0x80 or more in the input (non-ASCII text).
        static let nonASCII = Flags(rawValue: 2)
        /// The string was read from a tree (`load`), not text: its bytes are in the arena and
        /// are all ASCII, so comparing them compares the text.
        static let treeASCII = Flags(rawValue: 4)
    }

    /// Inputs longer than this are not read (offsets are 32-bit); `JSONReader` has the same limit.
    static let maximumInputBytes = Int(UInt32.max) - 1

    /// The buffers and the current document. Kept in one value that the scanner and the
    /// readers copy out, so that the hot loops touch no class property (no exclusivity checks,
    /// no reference counting).
    var storage = Storage()
    /// The scanner's buffer for unescaping, kept between documents.
    var unescapeScratch: [UInt8] = []
    /// The scanner's stack of open containers, reused likewise.
    var frameScratch = ScratchStack<JSONParser.Frame>(capacity: 16)

    init() {}

    deinit { storage.deallocate() }

    /// The document read last (empty before the first successful `parse`).
    var view: View { View(storage) }

    /// Manually managed token and arena buffers, and the current document's extent.
    struct Storage {
        var tokens: UnsafeMutablePointer<Token>
        var tokenCapacity = 256
        /// Number of tokens of the current document.
        var count = 0
        /// Decoded bytes of escaped strings; never holds more bytes than the input has.
        var arena: UnsafeMutablePointer<UInt8>
        var arenaCapacity = 256
        var arenaCount = 0
        /// The input of the current document, and its length.
        var input: UnsafeRawPointer?
        var inputCount = 0

        init() {
            tokens = .allocate(capacity: tokenCapacity)
            arena = .allocate(capacity: arenaCapacity)
        }

        func deallocate() {
            tokens.deallocate()
            arena.deallocate()
        }

        /// Buffers larger than these (a megabyte each) are not kept after an unusually large
        /// document, so that one huge line does not stay in memory for good.
        static let retainedTokens = 1 << 16
        static let retainedArenaBytes = 1 << 20

        /// Forgets the previous document and prepares for `bytes`.
        mutating func reset(for bytes: UnsafeRawBufferPointer) {
            forgetDocument(input: bytes.baseAddress, count: bytes.count)
            // Decoding only ever shrinks a string, so the arena never needs more than the input.
            if arenaCapacity < bytes.count || arenaCapacity > Self.retainedArenaBytes {
                arena.deallocate()
                // Room for this input, with slack for longer lines to come (up to what is kept).
                arenaCapacity = max(bytes.count, min(arenaCapacity * 2, Self.retainedArenaBytes))
                arena = .allocate(capacity: arenaCapacity)
            }
        }

        /// Forgets the previous document (letting go of a token buffer grown past what is kept).
        mutating func forgetDocument(input: UnsafeRawPointer?, count inputCount: Int = 0) {
            count = 0
            arenaCount = 0
            self.input = input
            self.inputCount = inputCount
            if tokenCapacity > Self.retainedTokens {
                tokens.deallocate()
                tokenCapacity = 256
                tokens = .allocate(capacity: tokenCapacity)
            }
        }

        /// Appends a token and returns its index.
        @inline(__always)
        @discardableResult
        mutating func append(_ kind: Kind, start: Int, length: Int = 0, flags: Flags = []) -> Int {
            if count == tokenCapacity { growTokens() }
            (tokens + count).initialize(to: Token(
                start: UInt32(truncatingIfNeeded: start), length: UInt32(truncatingIfNeeded: length), end: 0, kind: kind, flags: flags))
            count += 1
            return count - 1
        }

        /// Appends a string token for decoded bytes, copying them to the arena.
        mutating func appendDecodedString(_ decoded: UnsafeBufferPointer<UInt8>, flags: Flags) {
            let start = arenaCount
            if let source = decoded.baseAddress, decoded.count > 0 {
                (arena + start).update(from: source, count: decoded.count)
            }
            arenaCount += decoded.count
            append(.string, start: start, length: decoded.count, flags: flags.union(.decoded))
        }

        /// Counts one more element of the open container at `index`.
        @inline(__always)
        func countElement(of index: Int) {
            tokens[index].length &+= 1
        }

        /// Records that the container whose token is at `index` ends here, after the last of
        /// its elements (the one no comma counted, if any).
        @inline(__always)
        func close(_ index: Int, empty: Bool) {
            tokens[index].end = UInt32(truncatingIfNeeded: count)
            if !empty { tokens[index].length &+= 1 }
        }

        @inline(never)
        private mutating func growTokens() {
            let larger = UnsafeMutablePointer<Token>.allocate(capacity: tokenCapacity * 2)
            larger.moveInitialize(from: tokens, count: count)
            tokens.deallocate()
            tokens = larger
            tokenCapacity *= 2
        }
    }
}
