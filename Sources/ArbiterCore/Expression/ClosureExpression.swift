/// A compiled expression turned into nested closures for one context type: the untraced hot
/// path. Each node becomes a closure that holds its operands' closures, so evaluating switches
/// on no node and retains none, and the boolean operators (`&&`, `||`, `!`, comparisons, `in`,
/// `== null`) pass plain `Bool`s between them instead of `Value`s.
///
/// It computes exactly what `Evaluator` computes with `NoTrace`, errors included: the same
/// checks in the same order, with the operators' meaning and messages taken from
/// `ValueOperations`, which both use. `ExpressionPropertyTests` compares the two on thousands
/// of generated expressions, over contexts with values and with nulls. Tracing keeps the tree
/// walker, which records each step.
struct ClosureExpression<Context: EvaluationContext & SendableMetatype>: Sendable {
    typealias ValueStep = @Sendable (Context) throws(EvaluationError) -> Value
    typealias TestStep = @Sendable (Context) throws(EvaluationError) -> Bool

    /// The expression's value.
    let evaluate: ValueStep
    /// The expression's value as a `Bool`, when a boolean operator is at its root (`&&`, `||`,
    /// `!`, a comparison, `in`, `== null`), whose value is `.bool` of exactly that; nil for any
    /// other. A rule's condition is run this way: no `Value` is made only to be taken apart.
    let test: TestStep?

    init(_ expression: CompiledExpression) {
        switch expression.root {
        case .not, .and, .or, .isNull, .equal, .compare, .contains:
            let test = Self.test(expression.root)
            self.test = test
            evaluate = { context throws(EvaluationError) in .bool(try test(context)) }
        default:
            test = nil
            evaluate = Self.value(expression.root)
        }
    }

    // MARK: - Values

    static func value(_ node: Node) -> ValueStep {
        switch node {
        case .constant(let constant):
            return { _ in constant }
        case .slot(let slot, _):
            return { context in context.value(ofSlot: slot) }
        case .not, .and, .or, .isNull, .equal, .compare, .contains:
            let test = self.test(node)
            return { context throws(EvaluationError) in .bool(try test(context)) }
        case .conditional(let condition, let then, let otherwise):
            let test = self.test(condition.node), whenTrue = value(then), whenFalse = value(otherwise)
            return { context throws(EvaluationError) in
                if try test(context) { return try whenTrue(context) }
                return try whenFalse(context)
            }
        case .coalesce(let left, let right):
            let first = value(left), second = value(right)
            return { context throws(EvaluationError) in
                let value = try first(context)
                if case .null = value { return try second(context) }
                return value
            }
        case .arithmetic(let operation, let left, let right):
            let first = nonNull(left), second = nonNull(right)
            return { context throws(EvaluationError) in
                let a = try first(context)
                return try ValueOperations.arithmetic(operation, a, try second(context))
            }
        case .host(let function, let arguments):
            let implementation = function.implementation
            // The arguments' closures made where they are held (one taken out of an array of
            // closures is called through reabstraction thunks; see `chain`).
            switch (function.fixedArity, arguments.count) {
            case (.unary(let unary)?, 1):
                if case .slot(let slot, _) = arguments[0] {
                    // `days_since(order.delivered_at)`: the slot read in place, one closure.
                    return { context throws(EvaluationError) in try unary(context.value(ofSlot: slot), context) }
                }
                let only = value(arguments[0])
                return { context throws(EvaluationError) in try unary(try only(context), context) }
            case (.binary(let binary)?, 2):
                let first = value(arguments[0]), second = value(arguments[1])
                return { context throws(EvaluationError) in
                    let a = try first(context)
                    return try binary(a, try second(context), context)
                }
            case (_, 1):
                let only = value(arguments[0])
                return { context throws(EvaluationError) in try implementation([try only(context)], context) }
            case (_, 2):
                let first = value(arguments[0]), second = value(arguments[1])
                return { context throws(EvaluationError) in
                    let a = try first(context)
                    return try implementation([a, try second(context)], context)
                }
            default:
                let steps = arguments.map(value)
                return { context throws(EvaluationError) in try implementation(try values(steps, context), context) }
            }
        case .list(let elements):
            let steps = elements.map(value)
            return { context throws(EvaluationError) in .list(try values(steps, context)) }
        case .negate, .builtin:
            // Rare in rules: the tree walker's own code, for one node and its operands.
            return { context throws(EvaluationError) in
                var evaluator = Evaluator(context: context, sink: NoTrace())
                return try evaluator.evaluate(node)
            }
        }
    }

    /// The node's value, which the checker proved cannot be null (`Evaluator.nonNull`).
    static func nonNull(_ node: Node) -> ValueStep {
        if let constant = node.constantValue, constant != .null { return { _ in constant } }
        if case .slot(let slot, _) = node {
            // The slot read in place: one closure, not one calling another.
            return { context throws(EvaluationError) in
                let value = context.value(ofSlot: slot)
                if case .null = value { throw ValueOperations.unexpectedNull(node) }
                return value
            }
        }
        if case .host(let function, let arguments) = node, case (.unary(let unary)?, 1) = (function.fixedArity, arguments.count),
           case .slot(let slot, _) = arguments[0] {
            // `days_since(order.delivered_at) <= …`: the call on the slot and its check, one closure.
            return { context throws(EvaluationError) in
                let value = try unary(context.value(ofSlot: slot), context)
                if case .null = value { throw ValueOperations.unexpectedNull(node) }
                return value
            }
        }
        let step = value(node)
        return { context throws(EvaluationError) in
            let value = try step(context)
            if case .null = value { throw ValueOperations.unexpectedNull(node) }
            return value
        }
    }

    private static func values(_ steps: [ValueStep], _ context: Context) throws(EvaluationError) -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(steps.count)
        for index in steps.indices { values.append(try steps[index](context)) }
        return values
    }

    // MARK: - Tests

    /// A boolean node's value as a `Bool` (`Evaluator.bool`).
    static func test(_ node: Node) -> TestStep {
        switch node {
        case .constant(.bool(let constant)):
            return { _ in constant }
        case .not(let operand):
            let test = self.test(operand)
            return { context throws(EvaluationError) in !(try test(context)) }
        case .and(let operands):
            return chain(operands.map(\.node)[...], stopsOn: false)
        case .or(let operands):
            return chain(operands.map(\.node)[...], stopsOn: true)
        case .isNull(.slot(let slot, _), let negated, _):
            // `order.delivered_at != null`: the slot read in place, one closure.
            return { context in
                if case .null = context.value(ofSlot: slot) { return !negated }
                return negated
            }
        case .isNull(let operand, let negated, _):
            let step = value(operand)
            return { context throws(EvaluationError) in
                if case .null = try step(context) { return !negated }
                return negated
            }
        // A constant operand (a parameter, a literal; most comparisons in rules have one) is held
        // by the closure itself: the other side is the only call. A constant evaluates to itself
        // and cannot fail, so the order of evaluation and the errors stay the tree walker's.
        case .equal(let left, let right, let negated, _):
            let first = nonNull(left)
            if let constant = right.constantValue, constant != .null {
                return { context throws(EvaluationError) in (try first(context) == constant) != negated }
            }
            let second = nonNull(right)
            return { context throws(EvaluationError) in
                let a = try first(context)
                return (a == (try second(context))) != negated
            }
        case .compare(let comparison, let left, let right, _):
            let first = nonNull(left)
            if let constant = right.constantValue, constant != .null {
                if let bound = constant.wholeNumber {
                    return compare(first, comparison, bound, constant)
                }
                return { context throws(EvaluationError) in try ValueOperations.compare(comparison, try first(context), constant) }
            }
            let second = nonNull(right)
            return { context throws(EvaluationError) in
                let a = try first(context)
                return try ValueOperations.compare(comparison, a, try second(context))
            }
        case .contains(let element, let list, _):
            let item = nonNull(element)
            if let constant = list.constantValue, case .list(let elements) = constant {
                // A constant list's elements are taken out once, not at every test.
                return { context throws(EvaluationError) in elements.contains(try item(context)) }
            }
            let collection = nonNull(list)
            return { context throws(EvaluationError) in
                let value = try item(context)
                return try ValueOperations.elements(ofIn: try collection(context)).contains(value)
            }
        case .conditional(let condition, let then, let otherwise):
            let test = self.test(condition.node), whenTrue = self.test(then), whenFalse = self.test(otherwise)
            return { context throws(EvaluationError) in
                if try test(context) { return try whenTrue(context) }
                return try whenFalse(context)
            }
        case .slot(let slot, _):
            // `item.attributes.perishable`: the slot read in place, one closure.
            return { context throws(EvaluationError) in try ValueOperations.bool(context.value(ofSlot: slot), of: node) }
        default:
            let step = value(node)
            return { context throws(EvaluationError) in try ValueOperations.bool(try step(context), of: node) }
        }
    }

    /// `value <comparison> constant` for a constant int, money, percent or duration (`bound` its
    /// number): a value of the constant's kind is compared as a number, one closure per
    /// comparison; any other goes to `ValueOperations.compare`, which gives its error.
    private static func compare(_ first: @escaping ValueStep, _ comparison: Comparison, _ bound: Int64, _ constant: Value) -> TestStep {
        switch comparison {
        case .less:
            return { context throws(EvaluationError) in
                let value = try first(context)
                if let number = value.wholeNumber(ofKind: constant) { return number < bound }
                return try ValueOperations.compare(comparison, value, constant)
            }
        case .lessEqual:
            return { context throws(EvaluationError) in
                let value = try first(context)
                if let number = value.wholeNumber(ofKind: constant) { return number <= bound }
                return try ValueOperations.compare(comparison, value, constant)
            }
        case .greater:
            return { context throws(EvaluationError) in
                let value = try first(context)
                if let number = value.wholeNumber(ofKind: constant) { return number > bound }
                return try ValueOperations.compare(comparison, value, constant)
            }
        case .greaterEqual:
            return { context throws(EvaluationError) in
                let value = try first(context)
                if let number = value.wholeNumber(ofKind: constant) { return number >= bound }
                return try ValueOperations.compare(comparison, value, constant)
            }
        }
    }

    /// `&&` (stops on the first false) or `||` (on the first true) over a chain, left to right.
    ///
    /// The operands' closures are made here, held by the chain's closure as they are: a closure
    /// kept in an array (`[TestStep]`) is stored in the array's generic representation, and
    /// every call through it went through two reabstraction thunks.
    private static func chain(_ operands: ArraySlice<Node>, stopsOn stop: Bool) -> TestStep {
        let start = operands.startIndex
        switch operands.count {
        case 0:
            return { _ in !stop }
        case 1:
            return test(operands[start])
        case 2:
            let first = test(operands[start]), second = test(operands[start + 1])
            return { context throws(EvaluationError) in
                if try first(context) == stop { return stop }
                return try second(context)
            }
        case 3:
            let first = test(operands[start]), second = test(operands[start + 1]), third = test(operands[start + 2])
            return { context throws(EvaluationError) in
                if try first(context) == stop { return stop }
                if try second(context) == stop { return stop }
                return try third(context)
            }
        default:
            // The first three, then the rest as a chain of its own: no loop over closures.
            let head = chain(operands.prefix(3), stopsOn: stop), rest = chain(operands.dropFirst(3), stopsOn: stop)
            return { context throws(EvaluationError) in
                if try head(context) == stop { return stop }
                return try rest(context)
            }
        }
    }
}

private extension Value {
    /// The number of an int, money, percent or duration: the kinds `ValueOperations.order`
    /// compares as plain integers.
    var wholeNumber: Int64? {
        switch self {
        case .int(let number), .money(let number), .percent(let number), .duration(let number): return number
        default: return nil
        }
    }

    /// The number of this value when it is of the same kind as `other` (itself one of those
    /// `wholeNumber` reads), else nil.
    @inline(__always)
    func wholeNumber(ofKind other: Value) -> Int64? {
        switch (self, other) {
        case (.int(let number), .int), (.money(let number), .money), (.percent(let number), .percent), (.duration(let number), .duration):
            return number
        default:
            return nil
        }
    }
}
