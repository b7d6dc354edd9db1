/// The bytes a JSON string must escape, and how: shared by the writer, the canonical form
/// (whose bytes must match the writer's) and the reader's scanner.
///
/// Minimal escapes: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other control characters as
/// `\u00xx` (lowercase hex). Everything else, non-ASCII included, is written as is.
enum JSONStringEscaping {
    /// Whether `byte` must be escaped inside a JSON string.
    @inline(__always)
    static func mustEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// High bit set in the bytes of `word` (eight bytes, little-endian) that must be escaped.
    /// The lowest flagged byte is exact (borrows only carry upwards); higher ones may be false
    /// alarms, so callers use the lowest and check the rest byte by byte.
    @inline(__always)
    static func mustEscape(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let isQuote = (quote &- ones) & ~quote
        let isBackslash = (backslash &- ones) & ~backslash
        let isControl = (word &- ones &* 0x20) & ~word
        return (isQuote | isBackslash | isControl) & 0x8080_8080_8080_8080
    }

    /// Emits the escape sequence of a byte for which `mustEscape` is true, byte by byte.
    @inline(__always)
    static func escape(_ byte: UInt8, _ emit: (UInt8) -> Void) {
        emit(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): emit(byte)
        case 0x08: emit(UInt8(ascii: "b"))
        case 0x0C: emit(UInt8(ascii: "f"))
        case 0x0A: emit(UInt8(ascii: "n"))
        case 0x0D: emit(UInt8(ascii: "r"))
        case 0x09: emit(UInt8(ascii: "t"))
        default:
            let hexDigits: StaticString = "0123456789abcdef"
            emit(UInt8(ascii: "u"))
            emit(UInt8(ascii: "0"))
            emit(UInt8(ascii: "0"))
            emit(hexDigits.utf8Start[Int(byte >> 4)])
            emit(hexDigits.utf8Start[Int(byte & 0xF)])
        }
    }
}
