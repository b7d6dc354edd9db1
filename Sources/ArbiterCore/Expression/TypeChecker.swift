/// Checks a syntax tree against the environment's names and functions and turns it into an
/// evaluable `Node`, collecting every type error it can find.
///
/// A sub-expression with an error yields nil; its parent then stays quiet about it, so one
/// mistake gives one message, while independent mistakes elsewhere are all reported.
struct TypeChecker<Environment: ExpressionEnvironment> {
    /// A checked sub-expression.
    struct Typed {
        var node: Node
        var type: ValueType
    }

    let environment: Environment
    let source: [UInt8]
    let currency: Currency
    private(set) var errors: [ExpressionError] = []
    /// Source texts of the sub-expressions the audit trail records; nodes refer to them by index.
    private(set) var texts: [String] = []
    /// Host functions called so far, offered as "did you mean" for a misspelt one.
    private var hostFunctionNames: Set<String> = []
    /// Names offered as "did you mean" for an unknown one: taken as checked for null from then
    /// on, so that `order.delivred_at != null && days_since(order.delivered_at) …` is one error,
    /// the misspelling, not also "may be null" at every later use of the name meant.
    private var suggestedNames: Set<String> = []

    init(environment: Environment, source: [UInt8], currency: Currency) {
        self.environment = environment
        self.source = source
        self.currency = currency
    }

    /// Checks `syntax` where the names in `narrowed` are known not to be null.
    mutating func check(_ syntax: Syntax, narrowed: Set<String>) -> Typed? {
        switch syntax.kind {
        case .integer(let value): return Typed(node: .constant(.int(value)), type: .int)
        case .money(let value): return Typed(node: .constant(.money(value)), type: .money)
        case .percent(let value): return Typed(node: .constant(.percent(value)), type: .percent)
        case .duration(let value): return Typed(node: .constant(.duration(value)), type: .duration)
        case .string(let value): return Typed(node: .constant(.string(value)), type: .string)
        case .bool(let value): return Typed(node: .constant(.bool(value)), type: .bool)
        case .null: return Typed(node: .constant(.null), type: .null)
        case .name(let path): return checkName(path, syntax, narrowed: narrowed)
        case .list(let elements): return checkList(elements, narrowed: narrowed)
        case .prefix(let symbol, let operand): return checkPrefix(symbol, operand, syntax.range, narrowed: narrowed)
        case .binary(let symbol, let left, let right, let operatorRange):
            switch symbol {
            case .equal, .notEqual:
                return checkEquality(negated: symbol == .notEqual, left, right, syntax, operatorRange, narrowed: narrowed)
            case .less: return checkOrdering(.less, left, right, syntax, operatorRange, narrowed: narrowed)
            case .lessEqual: return checkOrdering(.lessEqual, left, right, syntax, operatorRange, narrowed: narrowed)
            case .greater: return checkOrdering(.greater, left, right, syntax, operatorRange, narrowed: narrowed)
            case .greaterEqual: return checkOrdering(.greaterEqual, left, right, syntax, operatorRange, narrowed: narrowed)
            case .isIn: return checkMembership(left, right, syntax, operatorRange, narrowed: narrowed)
            case .add: return checkArithmetic(.add, left, right, operatorRange, narrowed: narrowed)
            case .subtract: return checkArithmetic(.subtract, left, right, operatorRange, narrowed: narrowed)
            case .multiply: return checkArithmetic(.multiply, left, right, operatorRange, narrowed: narrowed)
            case .coalesce: return checkCoalesce(left, right, operatorRange, narrowed: narrowed)
            }
        case .logical(let symbol, let operands): return checkLogical(symbol, operands, narrowed: narrowed)
        case .conditional(let condition, let then, let otherwise):
            return checkConditional(condition, then, otherwise, narrowed: narrowed)
        case .call(let name, let nameRange, let arguments):
            return checkCall(name, nameRange, arguments, syntax, narrowed: narrowed)
        }
    }

    /// Reports a result that does not fit the type the host expects, pointing at the whole expression.
    mutating func checkResult(_ typed: Typed, _ syntax: Syntax, expecting expected: ValueType) {
        checkLiterals(syntax, against: expected)
        guard !fits(typed, syntax, expected) else { return }
        if case .optional(let wrapped) = typed.type, Self.isAssignable(wrapped, to: expected) {
            error(.optionalNotChecked, "expected \(expected), found \(typed.type): " + mayBeNull(syntax), syntax.range)
        } else {
            error(.typeMismatch, "expected \(expected), found \(typed.type)", syntax.range, notes: hint(syntax, expected))
        }
    }

    // MARK: - Names and literals

    private mutating func checkName(_ path: [String], _ syntax: Syntax, narrowed: Set<String>) -> Typed? {
        let name = path.joined(separator: ".")
        func narrow(_ type: ValueType) -> ValueType {
            if case .optional(let wrapped) = type, narrowed.contains(name) || suggestedNames.contains(name) { return wrapped }
            return type
        }
        switch environment.resolve(path) {
        case .slot(let slot, let type):
            return Typed(node: .slot(slot, name: name), type: narrow(type))
        case .constant(let value, let type):
            return Typed(node: .constant(value), type: narrow(type))
        case .unknown(let suggestion):
            var message = "unknown \(path.count > 1 ? "field" : "name") '\(name)'"
            if let suggestion {
                message += " (did you mean '\(suggestion)'?)"
                suggestedNames.insert(suggestion)
            }
            error(.unknownName, message, syntax.range)
            return nil
        }
    }

    private mutating func checkList(_ elements: [Syntax], narrowed: Set<String>) -> Typed? {
        var nodes: [Node] = []
        var values: [Value] = []
        var elementType: ValueType?
        var failed = false
        for element in elements {
            guard let typed = check(element, narrowed: narrowed), let type = valueType(typed, element, "a list element") else {
                failed = true
                continue
            }
            if let known = elementType {
                guard let unified = Self.unify(known, type) else {
                    error(.typeMismatch, "list elements must all have one type: found \(known) and \(type)", element.range)
                    failed = true
                    continue
                }
                elementType = unified
            } else {
                elementType = type
            }
            nodes.append(typed.node)
            if let value = typed.node.constantValue { values.append(value) }
        }
        guard !failed else { return nil }
        // An empty list has no element type; `.null` marks it so that it fits any list.
        let type = ValueType.list(elementType ?? .null)
        if values.count == nodes.count { return Typed(node: .constant(.list(values)), type: type) }
        return Typed(node: .list(nodes), type: type)
    }

    /// A string literal that flows into an enumeration must be one of its cases; so must the
    /// literals of a list literal flowing into a list of an enumeration.
    mutating func checkLiterals(_ syntax: Syntax, against type: ValueType) {
        switch (type, syntax.kind) {
        case (.enumeration(let domain), .string(let value)):
            guard !domain.cases.contains(value) else { return }
            var message = "unknown \(domain.name) '\(value)'"
            if let suggestion = Suggestion.closest(to: value, in: domain.cases) {
                message += " (did you mean '\(suggestion)'?)"
            } else {
                message += " (expected one of: " + domain.cases.joined(separator: ", ") + ")"
            }
            error(.unknownEnumValue, message, syntax.range)
        case (.enumeration, .conditional(_, let then, let otherwise)):
            checkLiterals(then, against: type)
            checkLiterals(otherwise, against: type)
        case (.optional(let wrapped), _):
            checkLiterals(syntax, against: wrapped)
        case (.list(let element), .list(let elements)):
            for item in elements { checkLiterals(item, against: element) }
        default:
            break
        }
    }

    // MARK: - Operators

    private mutating func checkPrefix(_ symbol: PrefixOperator, _ operand: Syntax, _ range: Range<Int>, narrowed: Set<String>) -> Typed? {
        guard let typed = check(operand, narrowed: narrowed), let type = valueType(typed, operand, "'\(symbol.rawValue)'") else { return nil }
        switch symbol {
        case .not:
            guard type == .bool else {
                error(.typeMismatch, "'!' needs a bool, found \(type)", operand.range)
                return nil
            }
            return Typed(node: fold(.not(typed.node), at: range), type: .bool)
        case .negate:
            guard [.int, .money, .percent, .duration].contains(type) else {
                error(.typeMismatch, "cannot negate \(type)", operand.range)
                return nil
            }
            return Typed(node: fold(.negate(typed.node), at: range), type: type)
        }
    }

    private mutating func checkLogical(_ symbol: LogicalOperator, _ operands: [Syntax], narrowed: Set<String>) -> Typed? {
        var checked: [Operand] = []
        var failed = false
        // Later operands run only when the earlier ones were true (`&&`) or false (`||`).
        var known = narrowed
        for operand in operands {
            if let typed = check(operand, narrowed: known), requireBool(typed, operand, "'\(symbol.rawValue)'") {
                checked.append(Operand(node: typed.node, text: recordText(operand.range)))
            } else {
                failed = true
            }
            let narrowing = Narrowing.of(operand)
            known.formUnion(symbol == .and ? narrowing.whenTrue : narrowing.whenFalse)
        }
        guard !failed else { return nil }
        return Typed(node: symbol == .and ? .and(checked) : .or(checked), type: .bool)
    }

    private mutating func checkConditional(_ condition: Syntax, _ then: Syntax, _ otherwise: Syntax, narrowed: Set<String>) -> Typed? {
        let checkedCondition = check(condition, narrowed: narrowed)
        let conditionIsBool = checkedCondition.map { requireBool($0, condition, "the condition of '?:'") } ?? false
        let narrowing = Narrowing.of(condition)
        let checkedThen = check(then, narrowed: narrowed.union(narrowing.whenTrue))
        let checkedOtherwise = check(otherwise, narrowed: narrowed.union(narrowing.whenFalse))
        guard let checkedCondition, conditionIsBool, let checkedThen, let checkedOtherwise else { return nil }
        checkLiterals(then, against: checkedOtherwise.type)
        checkLiterals(otherwise, against: checkedThen.type)
        guard let type = Self.unify(checkedThen.type, checkedOtherwise.type) else {
            error(.typeMismatch, "the branches of '?:' have different types: \(checkedThen.type) and \(checkedOtherwise.type)",
                  otherwise.range, notes: mismatchHint(then, checkedThen.type, otherwise, checkedOtherwise.type))
            return nil
        }
        let operand = Operand(node: checkedCondition.node, text: recordText(condition.range))
        return Typed(node: .conditional(operand, then: checkedThen.node, otherwise: checkedOtherwise.node), type: type)
    }

    private mutating func checkEquality(
        negated: Bool, _ left: Syntax, _ right: Syntax, _ syntax: Syntax, _ operatorRange: Range<Int>, narrowed: Set<String>
    ) -> Typed? {
        let checkedLeft = check(left, narrowed: narrowed)
        let checkedRight = check(right, narrowed: narrowed)
        guard let checkedLeft, let checkedRight else { return nil }
        let comparisonText = recordText(syntax.coreRange)
        // Testing for null is how an optional is guarded; any value may be tested.
        if checkedRight.type == .null {
            return Typed(node: .isNull(checkedLeft.node, negated: negated, text: comparisonText), type: .bool)
        }
        if checkedLeft.type == .null {
            return Typed(node: .isNull(checkedRight.node, negated: negated, text: comparisonText), type: .bool)
        }
        let symbol = negated ? "'!='" : "'=='"
        let leftType = valueType(checkedLeft, left, symbol)
        let rightType = valueType(checkedRight, right, symbol)
        guard let leftType, let rightType else { return nil }
        checkLiterals(right, against: leftType)
        checkLiterals(left, against: rightType)
        guard Self.isComparable(leftType, rightType) else {
            error(.typeMismatch, "cannot compare \(leftType) with \(rightType)", operatorRange, notes: mismatchHint(left, leftType, right, rightType))
            return nil
        }
        return Typed(node: .equal(checkedLeft.node, checkedRight.node, negated: negated, text: comparisonText), type: .bool)
    }

    static var orderedTypes: [ValueType] { [.int, .money, .percent, .duration, .timestamp] }

    private mutating func checkOrdering(
        _ comparison: Comparison, _ left: Syntax, _ right: Syntax, _ syntax: Syntax, _ operatorRange: Range<Int>, narrowed: Set<String>
    ) -> Typed? {
        let checkedLeft = check(left, narrowed: narrowed)
        let checkedRight = check(right, narrowed: narrowed)
        guard let checkedLeft, let checkedRight else { return nil }
        let symbol = "'\(comparison.rawValue)'"
        let leftType = valueType(checkedLeft, left, symbol)
        let rightType = valueType(checkedRight, right, symbol)
        guard let leftType, let rightType else { return nil }
        guard leftType == rightType else {
            error(.typeMismatch, "cannot compare \(leftType) with \(rightType)", operatorRange, notes: mismatchHint(left, leftType, right, rightType))
            return nil
        }
        guard Self.orderedTypes.contains(leftType) else {
            error(.typeMismatch, "\(symbol) needs int, money, percent, duration or timestamp values, found \(leftType)", operatorRange)
            return nil
        }
        return Typed(node: .compare(comparison, checkedLeft.node, checkedRight.node, text: recordText(syntax.coreRange)), type: .bool)
    }

    private mutating func checkMembership(
        _ left: Syntax, _ right: Syntax, _ syntax: Syntax, _ operatorRange: Range<Int>, narrowed: Set<String>
    ) -> Typed? {
        let checkedLeft = check(left, narrowed: narrowed)
        let checkedRight = check(right, narrowed: narrowed)
        guard let checkedLeft, let checkedRight else { return nil }
        let leftType = valueType(checkedLeft, left, "'in'")
        let rightType = valueType(checkedRight, right, "'in'")
        guard let leftType, let rightType else { return nil }
        guard case .list(let elementType) = rightType else {
            error(.typeMismatch, "'in' needs a list on its right, found \(rightType)", right.range)
            return nil
        }
        checkLiterals(right, against: .list(leftType))
        guard elementType == .null || Self.isComparable(leftType, elementType) else {
            error(.typeMismatch, "cannot look for \(leftType) in \(rightType)", operatorRange)
            return nil
        }
        return Typed(node: .contains(checkedLeft.node, checkedRight.node, text: recordText(syntax.coreRange)), type: .bool)
    }

    private mutating func checkArithmetic(
        _ operation: Arithmetic, _ left: Syntax, _ right: Syntax, _ operatorRange: Range<Int>, narrowed: Set<String>
    ) -> Typed? {
        let checkedLeft = check(left, narrowed: narrowed)
        let checkedRight = check(right, narrowed: narrowed)
        guard let checkedLeft, let checkedRight else { return nil }
        let symbol = "'\(operation.rawValue)'"
        let leftType = valueType(checkedLeft, left, symbol)
        let rightType = valueType(checkedRight, right, symbol)
        guard let leftType, let rightType else { return nil }
        guard let type = Self.arithmeticType(operation, leftType, rightType) else {
            // Next to a timestamp, an int literal was meant as a duration.
            // Otherwise a literal is rewritten only as a type the operator takes (no `"5"` for
            // `tier + 5`: there is no `+` on strings either).
            let hint = leftType == .timestamp || rightType == .timestamp
                ? mismatchHint(left, .duration, right, .duration)
                : mismatchHint(left, Self.arithmeticType(operation, leftType, leftType) == nil ? nil : leftType,
                               right, Self.arithmeticType(operation, rightType, rightType) == nil ? nil : rightType)
            error(.typeMismatch, "cannot apply \(symbol) to \(leftType) and \(rightType)", operatorRange, notes: hint)
            return nil
        }
        return Typed(node: fold(.arithmetic(operation, checkedLeft.node, checkedRight.node), at: left.range.lowerBound..<right.range.upperBound), type: type)
    }

    /// int±int, int*int; money±money, money*int, money*percent (rounded half-up); percent±percent;
    /// duration±duration, duration*int; timestamp±duration; timestamp−timestamp → duration.
    static func arithmeticType(_ operation: Arithmetic, _ left: ValueType, _ right: ValueType) -> ValueType? {
        switch (operation, left, right) {
        case (.add, .int, .int), (.subtract, .int, .int), (.multiply, .int, .int): return .int
        case (.add, .money, .money), (.subtract, .money, .money): return .money
        case (.multiply, .money, .int), (.multiply, .int, .money): return .money
        case (.multiply, .money, .percent), (.multiply, .percent, .money): return .money
        case (.add, .percent, .percent), (.subtract, .percent, .percent): return .percent
        case (.add, .duration, .duration), (.subtract, .duration, .duration): return .duration
        case (.multiply, .duration, .int), (.multiply, .int, .duration): return .duration
        case (.add, .timestamp, .duration), (.add, .duration, .timestamp), (.subtract, .timestamp, .duration): return .timestamp
        case (.subtract, .timestamp, .timestamp): return .duration
        default: return nil
        }
    }

    /// `x ?? y`: `x`'s value when it is not null, else `y`; the result is optional only if `y` is.
    private mutating func checkCoalesce(_ left: Syntax, _ right: Syntax, _ operatorRange: Range<Int>, narrowed: Set<String>) -> Typed? {
        let checkedLeft = check(left, narrowed: narrowed)
        let checkedRight = check(right, narrowed: narrowed)
        guard let checkedLeft, let checkedRight else { return nil }
        let leftWrapped = Self.unwrapped(checkedLeft.type)
        let rightWrapped = Self.unwrapped(checkedRight.type)
        let rightMayBeNull = checkedRight.type == .null || Self.isOptional(checkedRight.type)
        checkLiterals(right, against: leftWrapped)
        let type: ValueType
        if leftWrapped == .null {
            type = checkedRight.type
        } else if rightWrapped == .null {
            type = .optional(leftWrapped)
        } else if let unified = Self.unify(leftWrapped, rightWrapped) {
            type = rightMayBeNull ? .optional(unified) : unified
        } else {
            error(.typeMismatch, "the default after '??' must be \(leftWrapped), found \(checkedRight.type)",
                  right.range, notes: hint(right, leftWrapped))
            return nil
        }
        return Typed(node: fold(.coalesce(checkedLeft.node, checkedRight.node), at: left.range.lowerBound..<right.range.upperBound), type: type)
    }

    // MARK: - Calls

    private mutating func checkCall(
        _ name: String, _ nameRange: Range<Int>, _ arguments: [Syntax], _ syntax: Syntax, narrowed: Set<String>
    ) -> Typed? {
        if let builtin = BuiltinFunction(rawValue: name) {
            return checkBuiltin(builtin, arguments, syntax, narrowed: narrowed)
        }
        var checked: [Typed?] = []
        for argument in arguments { checked.append(check(argument, narrowed: narrowed)) }
        guard let function = environment.function(named: name) else {
            let known = BuiltinFunction.allCases.map(\.rawValue) + hostFunctionNames.sorted() + environment.functionNames()
            var message = "unknown function '\(name)'"
            if let suggestion = Suggestion.closest(to: name, in: known) { message += " (did you mean '\(suggestion)'?)" }
            error(.unknownFunction, message, nameRange)
            return nil
        }
        hostFunctionNames.insert(name)
        guard arguments.count == function.parameters.count else {
            let count = function.parameters.count
            error(.wrongArgumentCount, "'\(name)' takes \(count) argument\(count == 1 ? "" : "s"), found \(arguments.count)", syntax.range)
            return nil
        }
        var nodes: [Node] = []
        var failed = false
        for (index, argument) in arguments.enumerated() {
            guard let typed = checked[index] else {
                failed = true
                continue
            }
            let parameter = function.parameters[index]
            checkLiterals(argument, against: parameter)
            if !fits(typed, argument, parameter) {
                failed = true
                if case .optional(let wrapped) = typed.type, Self.isAssignable(wrapped, to: parameter) {
                    error(.optionalNotChecked, mayBeNull(argument), argument.range)
                } else {
                    error(.typeMismatch, "argument \(index + 1) of '\(name)' must be \(parameter), found \(typed.type)",
                          argument.range, notes: hint(argument, parameter))
                }
            }
            nodes.append(typed.node)
        }
        guard !failed else { return nil }
        let prepared = function.specialize?(nodes.map(\.constantValue)) ?? function
        return Typed(node: .host(prepared, nodes), type: function.result)
    }

    // MARK: - Type relations

    static func isOptional(_ type: ValueType) -> Bool {
        if case .optional = type { return true }
        return false
    }

    static func unwrapped(_ type: ValueType) -> ValueType {
        if case .optional(let wrapped) = type { return wrapped }
        return type
    }

    /// Whether `==` and `in` may compare the two: equal types, or an enumeration with a string
    /// (enumeration values are strings at run time; literals are checked against the domain).
    static func isComparable(_ a: ValueType, _ b: ValueType) -> Bool {
        switch (a, b) {
        case (.enumeration, .string), (.string, .enumeration): return true
        case (.list(let x), .list(let y)): return x == .null || y == .null || isComparable(x, y)
        default: return a == b
        }
    }

    /// The type of a value that is either an `a` or a `b` (branches, defaults, list elements).
    static func unify(_ a: ValueType, _ b: ValueType) -> ValueType? {
        if a == b { return a }
        switch (a, b) {
        case (.null, .optional), (.optional, .null): return a == .null ? b : a
        case (.null, _): return .optional(b)
        case (_, .null): return .optional(a)
        case (.optional(let x), _), (_, .optional(let x)):
            let other = isOptional(a) ? unwrapped(b) : unwrapped(a)
            return unify(x, other).map { isOptional($0) ? $0 : .optional($0) }
        case (.enumeration, .string), (.string, .enumeration): return .string
        case (.list(let x), .list(let y)):
            if x == .null { return b }
            if y == .null { return a }
            return unify(x, y).map { .list($0) }
        default: return nil
        }
    }

    /// Whether a value of type `found` may go where `expected` is wanted (host arguments, results).
    static func isAssignable(_ found: ValueType, to expected: ValueType) -> Bool {
        if found == expected { return true }
        switch (found, expected) {
        case (.enumeration, .string): return true
        case (.list(let element), .list(let wanted)): return element == .null || isAssignable(element, to: wanted)
        case (.null, .optional): return true
        case (.optional(let wrapped), .optional(let wanted)): return isAssignable(wrapped, to: wanted)
        case (_, .optional(let wanted)): return isAssignable(found, to: wanted)
        default: return false
        }
    }

    // MARK: - Helpers

    /// Whether a checked value may go where `expected` is wanted; a string literal also fits an
    /// enumeration (its case is checked by `checkLiterals`), and a list of them a list of one.
    func fits(_ typed: Typed, _ syntax: Syntax, _ expected: ValueType) -> Bool {
        if Self.isAssignable(typed.type, to: expected) { return true }
        switch (Self.unwrapped(expected), syntax.kind) {
        case (.enumeration, .string): return true
        case (.list(.enumeration), .list(let elements)):
            return elements.allSatisfy { if case .string = $0.kind { return true } else { return false } }
        default: return false
        }
    }

    /// The type of a checked operand that must hold a value: an optional or `null` is reported.
    mutating func valueType(_ typed: Typed, _ syntax: Syntax, _ use: String) -> ValueType? {
        switch typed.type {
        case .null:
            error(.typeMismatch, "'null' cannot be used with \(use) (only 'x == null', 'x != null' and 'x ?? y' take null)", syntax.range)
            return nil
        case .optional:
            error(.optionalNotChecked, mayBeNull(syntax), syntax.range)
            return nil
        default:
            return typed.type
        }
    }

    private mutating func requireBool(_ typed: Typed, _ syntax: Syntax, _ use: String) -> Bool {
        guard let type = valueType(typed, syntax, use) else { return false }
        guard type == .bool else {
            error(.typeMismatch, "\(use) needs a bool, found \(type)", syntax.range, notes: hint(syntax, .bool))
            return false
        }
        return true
    }

    /// Why an optional cannot be used as it is, and the two ways to guard it.
    func mayBeNull(_ syntax: Syntax) -> String {
        let quoted = ExpressionError.quote(text(syntax.range))
        let bare = String(quoted.dropFirst().dropLast())
        switch syntax.kind {
        case .name:
            return "\(quoted) may be null: check it first ('\(bare) != null && …') or give a default ('\(bare) ?? …')"
        case .call:
            return "\(quoted) may be null: give a default ('\(bare) ?? …')"
        default:
            return "\(quoted) may be null: give a default ('(\(bare)) ?? …')"
        }
    }

    /// How to write a literal of the wanted type when a literal of another type was given: an
    /// int where money, a percentage or a duration was meant (`7` → `7.00`, `7%`, `7d`), a
    /// quoted value where a number was meant (`"100.00"` → `100.00`: the language's money is
    /// never quoted), or a number where text was meant. A `note:` line under the error.
    func hint(_ syntax: Syntax, _ wanted: ValueType) -> [String] {
        let written = text(syntax.coreRange)
        switch (syntax.kind, wanted) {
        case (.integer(let value), .money) where currency.fractionDigits > 0:
            return ["write '\(value).\(String(repeating: "0", count: currency.fractionDigits))' for an amount of money"]
        case (.integer(let value), .money):
            // A currency without fraction digits has no literal that reads as money rather than int.
            return ["\(currency.code) amounts have no fraction digits, so no literal is money in this pack: declare a money parameter in parameters.yaml (type: money, value: \"\(value)\") and use its name"]
        case (.integer(let value), .percent): return ["write '\(value)%' for a percentage"]
        case (.integer(let value), .duration): return ["write '\(value)d', '\(value)h', '\(value)m' or '\(value)s' for a duration"]
        case (.string(let value), .money):
            guard let minor = try? Money.parseMinorUnits(value, fractionDigits: currency.fractionDigits) else { return [] }
            let amount = Money(minorUnits: minor, currency: currency).description
            return ["amounts of money are written without quotes: write \(amount), not \(written) (a quoted value is a string)"]
        case (.string(let value), .percent) where Percent.parse(value) != nil:
            return ["percentages are written without quotes: write \(value), not \(written)"]
        case (.string(let value), .duration) where Self.looksLikeDuration(value):
            return ["durations are written without quotes: write \(value), not \(written)"]
        case (.string(let value), .int) where Int64(value) != nil:
            return ["numbers are written without quotes: write \(value), not \(written)"]
        case (.money, .string), (.integer, .string), (.percent, .string), (.duration, .string):
            return ["text is written in quotes: write \"\(written)\" for a string"]
        default: return []
        }
    }

    /// `48h`, `15d`, `30m`, `10s`: how a duration literal is spelt.
    static func looksLikeDuration(_ text: String) -> Bool {
        guard let unit = text.last, "dhms".contains(unit) else { return false }
        let digits = text.dropLast()
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The literal hint for whichever side of a binary operator is a literal of the wrong type.
    /// A nil type asks for no hint towards it.
    func mismatchHint(_ left: Syntax, _ leftType: ValueType?, _ right: Syntax, _ rightType: ValueType?) -> [String] {
        let rightHint = leftType.map { hint(right, $0) } ?? []
        return rightHint.isEmpty ? (rightType.map { hint(left, $0) } ?? []) : rightHint
    }

    /// Evaluates a node whose operands are all constants once, at compile time. Comparisons,
    /// chains and `?:` are not folded: their steps belong in the audit trail.
    ///
    /// A constant that cannot be computed (`9223372036854775807 + 1`, `clamp(5, 10, 1)`, a
    /// parameter times a parameter beyond 64 bits) would fail every evaluation: it is an error
    /// here, at `range`, so `check` reports it instead of every request answering `internal`.
    mutating func fold(_ node: Node, at range: Range<Int>) -> Node {
        let operands: [Node]
        switch node {
        case .not(let operand), .negate(let operand): operands = [operand]
        case .arithmetic(_, let left, let right), .coalesce(let left, let right): operands = [left, right]
        case .builtin(_, let arguments): operands = arguments
        default: return node
        }
        guard operands.allSatisfy({ $0.constantValue != nil }) else { return node }
        var evaluator = Evaluator(context: NoSlots(), sink: NoTrace())
        do throws(EvaluationError) {
            return .constant(try evaluator.evaluate(node))
        } catch {
            switch EvaluationErrorCode(rawValue: error.code) {
            case .overflow?: self.error(.constantOverflow, "this constant overflows: \(error.message)", range)
            case .outOfRange?: self.error(.constantOutOfRange, "this constant is out of range: \(error.message)", range)
            default: break  // left to the evaluator, which reports it in context
            }
            return node
        }
    }

    /// Stores the text of a recorded sub-expression, returning its index.
    mutating func recordText(_ range: Range<Int>) -> Int {
        texts.append(text(range))
        return texts.count - 1
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: source[range], as: UTF8.self)
    }

    mutating func error(_ code: ExpressionErrorCode, _ message: String, _ range: Range<Int>, notes: [String] = []) {
        errors.append(ExpressionError(code, message, at: range, notes: notes))
    }
}

/// The context for constant folding: a folded node reads no slot.
private struct NoSlots: EvaluationContext {
    func value(ofSlot slot: Int) -> Value { .null }
}
