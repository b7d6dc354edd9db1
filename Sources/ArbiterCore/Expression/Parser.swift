/// Builds the syntax tree of one expression by recursive descent, stopping at the first syntax error.
///
/// Precedence, lowest first: `c ? a : b`, `??`, `||`, `&&`, `==` `!=`, `<` `<=` `>` `>=` `in`,
/// `+` `-`, `*`, prefix `!` `-`, then calls, literals, names, lists and parentheses.
/// Binary operators are left-associative; `?:` is right-associative; comparisons do not chain.
struct Parser {
    /// Parentheses, brackets, call arguments and `?:` branches open at once. Real conditions
    /// use a handful; the bound keeps pathological input (10,000 `(`) off the stack's end.
    static let maximumNesting = 32
    /// The tallest tree the checker and evaluator will walk recursively.
    static let maximumHeight = 100

    private let tokens: [Token]
    private let source: [UInt8]
    private var position = 0
    private var nesting = 0

    /// Parses the whole token stream as one expression.
    static func parse(_ tokens: [Token], source: [UInt8]) throws(ExpressionError) -> Syntax {
        var parser = Parser(tokens: tokens, source: source)
        if case .end = parser.current.kind {
            throw ExpressionError(.syntaxError, "empty expression", at: parser.current.range)
        }
        let syntax = try parser.parseExpression()
        guard case .end = parser.current.kind else {
            throw parser.unexpected(after: true)
        }
        return syntax
    }

    private init(tokens: [Token], source: [UInt8]) {
        self.tokens = tokens
        self.source = source
    }

    // MARK: - Precedence levels

    private mutating func parseExpression() throws(ExpressionError) -> Syntax {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maximumNesting else { throw tooDeep(current.range) }
        return try parseConditional()
    }

    private mutating func parseConditional() throws(ExpressionError) -> Syntax {
        let condition = try parseCoalesce()
        guard accept(.question) != nil else { return condition }
        let then = try parseExpression()
        guard accept(.colon) != nil else {
            throw ExpressionError(.syntaxError, "expected ':' to give the other branch of '?'" + found(), at: current.range)
        }
        let otherwise = try parseExpression()
        return try make(.conditional(condition, then: then, otherwise: otherwise),
                        condition.range.lowerBound..<otherwise.range.upperBound, condition, then, otherwise)
    }

    /// `a ?? b ?? c` groups to the left; the value is the same as grouping to the right.
    private mutating func parseCoalesce() throws(ExpressionError) -> Syntax {
        var left = try parseOr()
        while let operatorRange = accept(.coalesce) {
            let right = try parseOr()
            left = try binary(.coalesce, left, right, operatorRange)
        }
        return left
    }

    private mutating func parseOr() throws(ExpressionError) -> Syntax {
        let first = try parseAnd()
        guard case .symbol(.or) = current.kind else { return first }
        var operands = [first]
        while accept(.or) != nil { operands.append(try parseAnd()) }
        return try logical(.or, operands)
    }

    private mutating func parseAnd() throws(ExpressionError) -> Syntax {
        let first = try parseEquality()
        guard case .symbol(.and) = current.kind else { return first }
        var operands = [first]
        while accept(.and) != nil { operands.append(try parseEquality()) }
        return try logical(.and, operands)
    }

    private mutating func parseEquality() throws(ExpressionError) -> Syntax {
        var left = try parseComparison()
        while true {
            let symbol: BinaryOperator
            switch current.kind {
            case .symbol(.equal): symbol = .equal
            case .symbol(.notEqual): symbol = .notEqual
            default: return left
            }
            let operatorRange = advance().range
            let right = try parseComparison()
            left = try binary(symbol, left, right, operatorRange)
        }
    }

    private mutating func parseComparison() throws(ExpressionError) -> Syntax {
        let left = try parseAdditive()
        guard let symbol = comparisonOperator() else { return left }
        let operatorRange = advance().range
        let right = try parseAdditive()
        let comparison = try binary(symbol, left, right, operatorRange)
        if comparisonOperator() != nil {
            // `a < b < c` reads naturally but would compare a bool with c.
            throw ExpressionError(.syntaxError, "comparisons cannot be chained (write 'a < b && b < c')", at: current.range)
        }
        return comparison
    }

    private func comparisonOperator() -> BinaryOperator? {
        switch current.kind {
        case .symbol(.less): return .less
        case .symbol(.lessEqual): return .lessEqual
        case .symbol(.greater): return .greater
        case .symbol(.greaterEqual): return .greaterEqual
        case .inKeyword: return .isIn
        default: return nil
        }
    }

    private mutating func parseAdditive() throws(ExpressionError) -> Syntax {
        var left = try parseMultiplicative()
        while true {
            let symbol: BinaryOperator
            switch current.kind {
            case .symbol(.plus): symbol = .add
            case .symbol(.minus): symbol = .subtract
            default: return left
            }
            let operatorRange = advance().range
            let right = try parseMultiplicative()
            left = try binary(symbol, left, right, operatorRange)
        }
    }

    private mutating func parseMultiplicative() throws(ExpressionError) -> Syntax {
        var left = try parsePrefix()
        while let operatorRange = accept(.star) {
            let right = try parsePrefix()
            left = try binary(.multiply, left, right, operatorRange)
        }
        return left
    }

    /// Prefix operators are collected in a loop, not by recursion, so `!!!!…x` costs no stack.
    private mutating func parsePrefix() throws(ExpressionError) -> Syntax {
        var operators: [(PrefixOperator, Int)] = []
        while true {
            switch current.kind {
            case .symbol(.bang): operators.append((.not, advance().range.lowerBound))
            case .symbol(.minus): operators.append((.negate, advance().range.lowerBound))
            default:
                var operand = try parsePrimary()
                for (symbol, start) in operators.reversed() {
                    operand = try make(.prefix(symbol, operand), start..<operand.range.upperBound, operand)
                }
                return operand
            }
        }
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Syntax {
        let token = current
        switch token.kind {
        case .integer(let value): return leaf(.integer(value))
        case .money(let value): return leaf(.money(value))
        case .percent(let value): return leaf(.percent(value))
        case .duration(let value): return leaf(.duration(value))
        case .string(let value): return leaf(.string(value))
        case .trueKeyword: return leaf(.bool(true))
        case .falseKeyword: return leaf(.bool(false))
        case .nullKeyword: return leaf(.null)
        case .name(let path):
            advance()
            if path == ["not"], startsOperand(current.kind) {
                throw ExpressionError(.syntaxError, "'not' is not an operator (write '!')", at: token.range)
            }
            guard case .symbol(.leftParen) = current.kind else {
                return Syntax(kind: .name(path), range: token.range, height: 1)
            }
            return try parseCall(path.joined(separator: "."), nameRange: token.range)
        case .symbol(.leftParen):
            advance()
            var inner = try parseExpression()
            guard let close = accept(.rightParen) else {
                throw ExpressionError(.syntaxError, "expected ')' to close '('" + found(), at: current.range)
            }
            inner.range = token.range.lowerBound..<close.upperBound
            return inner
        case .symbol(.leftBracket):
            advance()
            let elements = try parseList(closing: .rightBracket, what: "list")
            let end = tokens[position - 1].range.upperBound
            return try make(.list(elements), token.range.lowerBound..<end, elements)
        default:
            throw unexpected(after: false)
        }
    }

    private mutating func parseCall(_ name: String, nameRange: Range<Int>) throws(ExpressionError) -> Syntax {
        advance()
        let arguments = try parseList(closing: .rightParen, what: "arguments of '\(name)'")
        let end = tokens[position - 1].range.upperBound
        return try make(.call(name, nameRange: nameRange, arguments: arguments), nameRange.lowerBound..<end, arguments)
    }

    /// Comma-separated expressions up to `closing` (a trailing comma is allowed); consumes `closing`.
    private mutating func parseList(closing: Symbol, what: String) throws(ExpressionError) -> [Syntax] {
        var elements: [Syntax] = []
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maximumNesting else { throw tooDeep(current.range) }
        while true {
            if accept(closing) != nil { return elements }
            elements.append(try parseExpression())
            if accept(closing) != nil { return elements }
            guard accept(.comma) != nil else {
                throw ExpressionError(.syntaxError, "expected ',' or '\(closing.rawValue)' in the \(what)" + found(), at: current.range)
            }
        }
    }

    private func startsOperand(_ kind: TokenKind) -> Bool {
        switch kind {
        case .name, .integer, .money, .percent, .duration, .string, .trueKeyword, .falseKeyword, .nullKeyword: return true
        case .symbol(let symbol): return symbol == .leftParen || symbol == .bang
        case .inKeyword, .end: return false
        }
    }

    // MARK: - Building nodes

    private mutating func leaf(_ kind: Syntax.Kind) -> Syntax {
        Syntax(kind: kind, range: advance().range, height: 1)
    }

    private func binary(_ symbol: BinaryOperator, _ left: Syntax, _ right: Syntax, _ operatorRange: Range<Int>) throws(ExpressionError) -> Syntax {
        try make(.binary(symbol, left, right, operatorRange: operatorRange), left.range.lowerBound..<right.range.upperBound, left, right)
    }

    private func logical(_ symbol: LogicalOperator, _ operands: [Syntax]) throws(ExpressionError) -> Syntax {
        let start = operands.first?.range.lowerBound ?? 0
        let end = operands.last?.range.upperBound ?? start
        return try make(.logical(symbol, operands), start..<end, operands)
    }

    private func make(_ kind: Syntax.Kind, _ range: Range<Int>, _ children: Syntax...) throws(ExpressionError) -> Syntax {
        try make(kind, range, children)
    }

    private func make(_ kind: Syntax.Kind, _ range: Range<Int>, _ children: [Syntax]) throws(ExpressionError) -> Syntax {
        let height = 1 + children.reduce(0) { max($0, $1.height) }
        guard height <= Self.maximumHeight else { throw tooDeep(range) }
        return Syntax(kind: kind, range: range, height: height)
    }

    // MARK: - Tokens

    private var current: Token { tokens[min(position, tokens.count - 1)] }

    @discardableResult
    private mutating func advance() -> Token {
        let token = current
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    /// Consumes the current token if it is `symbol`, returning its range.
    private mutating func accept(_ symbol: Symbol) -> Range<Int>? {
        guard case .symbol(let actual) = current.kind, actual == symbol else { return nil }
        return advance().range
    }

    // MARK: - Errors

    private func tooDeep(_ range: Range<Int>) -> ExpressionError {
        ExpressionError(.syntaxError, "expression nested too deeply", at: range)
    }

    /// ", found 'x'" for messages about what was expected.
    private func found() -> String {
        if case .end = current.kind { return ", found the end of the expression" }
        return ", found " + ExpressionError.quote(text(current.range))
    }

    private func unexpected(after complete: Bool) -> ExpressionError {
        let token = current
        if case .end = token.kind {
            return ExpressionError(.syntaxError, "unexpected end of expression", at: token.range)
        }
        let spelled = text(token.range)
        var message = "unexpected " + ExpressionError.quote(spelled)
        switch spelled {
        case "and": message += " (write '&&')"
        case "or": message += " (write '||')"
        case "not": message += " (write '!')"
        default: if complete { message += " after a complete expression" }
        }
        return ExpressionError(.syntaxError, message, at: token.range)
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: source[range], as: UTF8.self)
    }
}
