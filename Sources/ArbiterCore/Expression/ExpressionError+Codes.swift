/// The stable codes of expression errors, as machine-readable diagnostics show them.
enum ExpressionErrorCode: String, Sendable {
    case syntaxError = "syntax_error"
    case badLiteral = "bad_literal"
    case unknownName = "unknown_name"
    case unknownFunction = "unknown_function"
    case typeMismatch = "type_mismatch"
    case unknownEnumValue = "unknown_enum_value"
    case optionalNotChecked = "optional_not_checked"
    case wrongArgumentCount = "wrong_argument_count"
    /// Constant operands whose result does not fit 64 bits (`9223372036854775807 + 1`).
    case constantOverflow = "constant_overflow"
    /// Constant operands outside what the operation accepts (`clamp(5, 10, 1)`).
    case constantOutOfRange = "constant_out_of_range"
}

extension ExpressionError {
    /// An error with a known code, located by a UTF-8 byte range of the expression.
    init(_ code: ExpressionErrorCode, _ message: String, at range: Range<Int>, notes: [String] = []) {
        self.init(code: code.rawValue, message: message, utf8Offset: range.lowerBound, length: range.count, notes: notes)
    }

    /// User text in single quotes, shortened so that a message stays one readable line.
    static func quote(_ text: String) -> String {
        var flat = ""
        var lastWasSpace = false
        // Multi-line operands (block scalars) are shown on one line.
        for character in text {
            let isSpace = character == "\n" || character == "\r" || character == "\t" || character == " "
            if isSpace {
                if !lastWasSpace { flat.append(" ") }
            } else {
                flat.append(character)
            }
            lastWasSpace = isSpace
        }
        if flat.count > 60 { flat = String(flat.prefix(57)) + "..." }
        return "'" + flat + "'"
    }
}

/// The codes of evaluation errors.
enum EvaluationErrorCode: String, Sendable {
    /// A value that the type checker proved non-null was null (a host slot without a value).
    case unexpectedNull = "unexpected_null"
    /// A value of the wrong type reached an operator (a host returned a value that does not match its declared type).
    case typeError = "type_error"
    case overflow = "overflow"
    /// A result outside what the domain can represent (a timestamp beyond year 9999, `clamp` with lo > hi).
    case outOfRange = "out_of_range"
}

extension EvaluationError {
    init(_ code: EvaluationErrorCode, _ message: String) {
        self.init(code: code.rawValue, message: message)
    }
}
