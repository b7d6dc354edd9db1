/// A parsed expression node and the UTF-8 byte range of the source it came from.
///
/// The range of a parenthesised expression includes its parentheses, so that an operand's
/// text in the audit trail reads exactly as the author wrote it; `coreRange` leaves them out.
struct Syntax: Sendable {
    indirect enum Kind: Sendable {
        case integer(Int64)
        case money(Int64)
        case percent(Int64)
        case duration(Int64)
        case string(String)
        case bool(Bool)
        case null
        case name([String])
        case list([Syntax])
        case prefix(PrefixOperator, Syntax)
        case binary(BinaryOperator, Syntax, Syntax, operatorRange: Range<Int>)
        /// A whole `a && b && c` chain as one node: operands are traced one by one, and
        /// long chains do not nest deeply.
        case logical(LogicalOperator, [Syntax])
        case conditional(Syntax, then: Syntax, otherwise: Syntax)
        case call(String, nameRange: Range<Int>, arguments: [Syntax])
    }

    var kind: Kind
    /// The source of the node, with its parentheses if it has any.
    var range: Range<Int>
    /// The source of the node without surrounding parentheses: the text a comparison records.
    var coreRange: Range<Int>
    /// Nodes on the longest path down from here (a leaf is 1); bounded by the parser so that
    /// the recursive checker and evaluator cannot exhaust the stack.
    var height: Int

    init(kind: Kind, range: Range<Int>, height: Int) {
        self.kind = kind
        self.range = range
        self.coreRange = range
        self.height = height
    }
}

enum PrefixOperator: String, Sendable {
    case not = "!"
    case negate = "-"
}

enum BinaryOperator: String, Sendable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case isIn = "in"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case coalesce = "??"
}

enum LogicalOperator: String, Sendable {
    case and = "&&"
    case or = "||"
}
