/// One lexical unit of an expression and the UTF-8 byte range it covers in the source.
struct Token: Sendable {
    var kind: TokenKind
    /// Byte offsets into the expression's UTF-8 text.
    var range: Range<Int>
}

/// What a token is. Literal values are already decoded (money in minor units, durations in seconds).
enum TokenKind: Equatable, Sendable {
    case integer(Int64)
    /// A decimal literal such as `0.00`, in minor units of the policy's currency.
    case money(Int64)
    /// A percentage such as `12.5%`, in basis points.
    case percent(Int64)
    /// A duration such as `48h`, in seconds.
    case duration(Int64)
    /// A string literal with its escapes resolved.
    case string(String)
    /// A possibly dotted name: `order.delivered_at` is `["order", "delivered_at"]`.
    case name([String])
    case trueKeyword
    case falseKeyword
    case nullKeyword
    case inKeyword
    case symbol(Symbol)
    case end
}

/// Operators and punctuation.
enum Symbol: String, Sendable {
    case leftParen = "("
    case rightParen = ")"
    case leftBracket = "["
    case rightBracket = "]"
    case comma = ","
    case question = "?"
    case colon = ":"
    case coalesce = "??"
    case or = "||"
    case and = "&&"
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case plus = "+"
    case minus = "-"
    case star = "*"
    case bang = "!"
}
