/// Splits an expression's UTF-8 text into tokens.
///
/// A malformed literal (`1.005` in a two-digit currency, `7days`) is recorded in
/// `literalErrors` and lexing goes on with a placeholder value, so one pass reports every bad
/// literal; anything that makes the token stream itself unreliable (an unterminated string, a
/// stray character) stops with a `syntax_error`.
struct Lexer {
    private let bytes: [UInt8]
    private let currency: Currency
    private var index = 0
    private(set) var literalErrors: [ExpressionError] = []

    init(bytes: [UInt8], currency: Currency) {
        self.bytes = bytes
        self.currency = currency
    }

    /// Every token of the text, ending with `.end`.
    mutating func tokenize() throws(ExpressionError) -> [Token] {
        var tokens: [Token] = []
        while true {
            while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
            guard index < bytes.count else {
                tokens.append(Token(kind: .end, range: index..<index))
                return tokens
            }
            let byte = bytes[index]
            if Self.isDigit(byte) {
                tokens.append(lexNumber())
            } else if Self.isNameStart(byte) {
                tokens.append(try lexName())
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                tokens.append(try lexString(quote: byte))
            } else {
                tokens.append(try lexSymbol())
            }
        }
    }

    // MARK: - Numbers

    /// `7`, `0.00`, `12.5%`, `48h`: the digits decide between int and money, the suffix
    /// between percent and duration.
    private mutating func lexNumber() -> Token {
        let start = index
        skipDigits()
        var hasFraction = false
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."), Self.isDigit(bytes[index + 1]) {
            hasFraction = true
            index += 1
            skipDigits()
        }
        let numberEnd = index
        let number = text(start..<numberEnd)
        if index < bytes.count, bytes[index] == UInt8(ascii: "%") {
            index += 1
            let range = start..<index
            do throws(MoneyError) {
                return Token(kind: .percent(try Money.parseMinorUnits(number, fractionDigits: 2)), range: range)
            } catch {
                let problem = error == .tooLarge(number) ? "is too large" : "has more than 2 fraction digits"
                return badLiteral(.percent(0), range, "\(ExpressionError.quote(text(range))) \(problem)")
            }
        }
        if index < bytes.count, Self.isNameCharacter(bytes[index]) {
            while index < bytes.count, Self.isNameCharacter(bytes[index]) { index += 1 }
            let range = start..<index
            let unit = text(numberEnd..<index)
            guard let secondsPerUnit = Self.durationUnits[unit] else {
                return badLiteral(.duration(0), range,
                                  "\(ExpressionError.quote(text(range))) is not a valid literal (durations are written like '48h', '15d', '30m' or '10s')")
            }
            guard !hasFraction else {
                return badLiteral(.duration(0), range,
                                  "\(ExpressionError.quote(text(range))) is not a valid duration: durations are whole numbers of s, m, h or d")
            }
            guard let count = Int64(number) else {
                return badLiteral(.duration(0), range, "\(ExpressionError.quote(text(range))) is too large")
            }
            let (seconds, overflow) = count.multipliedReportingOverflow(by: secondsPerUnit)
            guard !overflow else { return badLiteral(.duration(0), range, "\(ExpressionError.quote(text(range))) is too large") }
            return Token(kind: .duration(seconds), range: range)
        }
        let range = start..<numberEnd
        if hasFraction {
            do throws(MoneyError) {
                return Token(kind: .money(try Money.parseMinorUnits(number, fractionDigits: currency.fractionDigits)), range: range)
            } catch {
                if case .tooLarge = error { return badLiteral(.money(0), range, "\(ExpressionError.quote(number)) is too large") }
                let digits = currency.fractionDigits
                let allowed = digits == 0 ? "no fraction digits" : "\(digits) fraction digit\(digits == 1 ? "" : "s")"
                return badLiteral(.money(0), range,
                                  "\(ExpressionError.quote(number)) has too many fraction digits: \(currency.code) amounts have \(allowed)")
            }
        }
        guard let value = Int64(number) else {
            return badLiteral(.integer(0), range, "\(ExpressionError.quote(number)) is too large")
        }
        return Token(kind: .integer(value), range: range)
    }

    private static let durationUnits: [String: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]

    private mutating func badLiteral(_ kind: TokenKind, _ range: Range<Int>, _ message: String) -> Token {
        literalErrors.append(ExpressionError(.badLiteral, message, at: range))
        return Token(kind: kind, range: range)
    }

    private mutating func skipDigits() {
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
    }

    // MARK: - Names

    /// `kind`, `order.delivered_at`: one token for the whole dotted name, so that errors
    /// about it cover all of it.
    private mutating func lexName() throws(ExpressionError) -> Token {
        let start = index
        var segments: [String] = []
        while true {
            let segmentStart = index
            while index < bytes.count, Self.isNameCharacter(bytes[index]) { index += 1 }
            segments.append(text(segmentStart..<index))
            guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else { break }
            guard index + 1 < bytes.count, Self.isNameStart(bytes[index + 1]) else {
                throw ExpressionError(.syntaxError, "expected a field name after '.'", at: index..<(index + 1))
            }
            index += 1
        }
        let range = start..<index
        if segments.count == 1 {
            switch segments[0] {
            case "true": return Token(kind: .trueKeyword, range: range)
            case "false": return Token(kind: .falseKeyword, range: range)
            case "null": return Token(kind: .nullKeyword, range: range)
            case "in": return Token(kind: .inKeyword, range: range)
            default: break
            }
        }
        return Token(kind: .name(segments), range: range)
    }

    // MARK: - Strings

    /// `"..."` or `'...'` on one line, with `\n \t \r \0 \\ \" \'` and `\u{…}` escapes.
    private mutating func lexString(quote: UInt8) throws(ExpressionError) -> Token {
        let start = index
        index += 1
        var content: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                index += 1
                return Token(kind: .string(String(decoding: content, as: UTF8.self)), range: start..<index)
            }
            // A string running into the next line is almost always a missing quote.
            if byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: "\\") {
                try lexEscape(into: &content)
                continue
            }
            content.append(byte)
            index += 1
        }
        let quoteText = quote == UInt8(ascii: "\"") ? "\"" : "'"
        throw ExpressionError(.syntaxError, "unterminated string: it must end with \(quoteText) on the same line", at: start..<index)
    }

    private mutating func lexEscape(into content: inout [UInt8]) throws(ExpressionError) {
        let start = index
        guard index + 1 < bytes.count else {
            throw ExpressionError(.syntaxError, "unterminated string", at: start..<bytes.count)
        }
        let escaped = bytes[index + 1]
        index += 2
        switch escaped {
        case UInt8(ascii: "n"): content.append(0x0A)
        case UInt8(ascii: "t"): content.append(0x09)
        case UInt8(ascii: "r"): content.append(0x0D)
        case UInt8(ascii: "0"): content.append(0x00)
        case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): content.append(escaped)
        case UInt8(ascii: "u"):
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else {
                throw ExpressionError(.syntaxError, "a unicode escape is written '\\u{XXXX}'", at: start..<index)
            }
            index += 1
            var value: UInt32 = 0
            var digits = 0
            while index < bytes.count, let digit = Self.hexValue(bytes[index]), digits < 6 {
                value = value * 16 + digit
                digits += 1
                index += 1
            }
            guard digits > 0, index < bytes.count, bytes[index] == UInt8(ascii: "}"), let scalar = Unicode.Scalar(value) else {
                throw ExpressionError(.syntaxError, "a unicode escape is written '\\u{XXXX}' with a valid code point", at: start..<min(index + 1, bytes.count))
            }
            index += 1
            content.append(contentsOf: String(Character(scalar)).utf8)
        default:
            throw ExpressionError(.syntaxError, "unknown escape \(ExpressionError.quote(text(start..<index))) in a string",
                                  at: start..<index)
        }
    }

    // MARK: - Operators

    private mutating func lexSymbol() throws(ExpressionError) -> Token {
        let start = index
        let byte = bytes[index]
        let next = index + 1 < bytes.count ? bytes[index + 1] : 0
        func token(_ symbol: Symbol, _ length: Int, at index: inout Int) -> Token {
            index += length
            return Token(kind: .symbol(symbol), range: start..<index)
        }
        switch byte {
        case UInt8(ascii: "("): return token(.leftParen, 1, at: &index)
        case UInt8(ascii: ")"): return token(.rightParen, 1, at: &index)
        case UInt8(ascii: "["): return token(.leftBracket, 1, at: &index)
        case UInt8(ascii: "]"): return token(.rightBracket, 1, at: &index)
        case UInt8(ascii: ","): return token(.comma, 1, at: &index)
        case UInt8(ascii: ":"): return token(.colon, 1, at: &index)
        case UInt8(ascii: "+"): return token(.plus, 1, at: &index)
        case UInt8(ascii: "-"): return token(.minus, 1, at: &index)
        case UInt8(ascii: "*"): return token(.star, 1, at: &index)
        case UInt8(ascii: "?"): return next == UInt8(ascii: "?") ? token(.coalesce, 2, at: &index) : token(.question, 1, at: &index)
        case UInt8(ascii: "!"): return next == UInt8(ascii: "=") ? token(.notEqual, 2, at: &index) : token(.bang, 1, at: &index)
        case UInt8(ascii: "<"): return next == UInt8(ascii: "=") ? token(.lessEqual, 2, at: &index) : token(.less, 1, at: &index)
        case UInt8(ascii: ">"): return next == UInt8(ascii: "=") ? token(.greaterEqual, 2, at: &index) : token(.greater, 1, at: &index)
        case UInt8(ascii: "="):
            if next == UInt8(ascii: "=") { return token(.equal, 2, at: &index) }
            throw ExpressionError(.syntaxError, "'=' is not an operator (write '==' to compare)", at: start..<(start + 1))
        case UInt8(ascii: "&"):
            if next == UInt8(ascii: "&") { return token(.and, 2, at: &index) }
            throw ExpressionError(.syntaxError, "'&' is not an operator (write '&&')", at: start..<(start + 1))
        case UInt8(ascii: "|"):
            if next == UInt8(ascii: "|") { return token(.or, 2, at: &index) }
            throw ExpressionError(.syntaxError, "'|' is not an operator (write '||')", at: start..<(start + 1))
        default:
            let length = Self.scalarLength(leadByte: byte)
            let range = start..<min(start + length, bytes.count)
            let scalar = String(decoding: bytes[range], as: UTF8.self).unicodeScalars.first
            if let scalar, scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                throw ExpressionError(.syntaxError, "unexpected control character U+\(String(repeating: "0", count: 4 - hex.count))\(hex)", at: range)
            }
            var message = "unexpected character \(ExpressionError.quote(text(range)))"
            if byte == UInt8(ascii: "/") { message += " (expressions have no division)" }
            if let scalar { message += Self.lookalikeHint(scalar) }
            throw ExpressionError(.syntaxError, message, at: range)
        }
    }

    /// Chinese input methods type full-width punctuation, curly quotes and ideographic spaces
    /// that look like the ASCII ones; name the one that was meant.
    private static func lookalikeHint(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0xFF01...0xFF5E:
            guard let ascii = Unicode.Scalar(scalar.value - 0xFEE0) else { return "" }
            return " (a full-width character: write '\(Character(ascii))')"
        case 0x201C, 0x201D: return " (a curly quote: write '\"')"
        case 0x2018, 0x2019: return " (a curly quote: write \"'\")"
        case 0x00A0, 0x2000...0x200B, 0x3000, 0xFEFF: return " (an invisible space: write a plain space)"
        default: return ""
        }
    }

    // MARK: - Bytes

    private func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    private static func isNameCharacter(_ byte: UInt8) -> Bool {
        isNameStart(byte) || isDigit(byte)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// Bytes in the UTF-8 sequence a lead byte starts, so a message can quote a whole character.
    private static func scalarLength(leadByte: UInt8) -> Int {
        switch leadByte {
        case 0xF0...: return 4
        case 0xE0...: return 3
        case 0xC0...: return 2
        default: return 1
        }
    }
}
