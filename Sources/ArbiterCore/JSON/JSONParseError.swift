/// Why `JSONReader` rejected its input: a one-line lowercase message and the 0-based byte
/// offset of the problem (callers print `at byte \(offset + 1)`).
///
/// Where the offset points:
/// - a bad byte or token (an unexpected character, an invalid escape, a bad number): its first byte;
/// - invalid UTF-8: the first byte of the ill-formed sequence;
/// - input that ends inside a string, array or object: the opening `"`, `[` or `{`
///   ("input ends inside the string opened", "… the array opened", "… the object opened", each followed by the position of its opening character);
/// - a trailing comma: the comma; too deep nesting: the first bracket past the limit.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int

    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) at byte \(offset + 1)" }
}
