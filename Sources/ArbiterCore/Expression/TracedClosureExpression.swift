/// A compiled expression turned into nested closures that record the audit trail's steps: the
/// `--audit full` path for rule conditions, as `ClosureExpression` is the untraced one.
///
/// The tree walker (`Evaluator` with a `StepTrace`) switched on each node and retained its
/// operands on the way in: about 1,400 instructions per rule condition of the shared workload,
/// three times the closures' cost. These closures record exactly the steps the walker records
/// — the same sub-expressions, in the same order, with the same values and operands — and
/// throw the same errors at the same points: each case below is the walker's case of the same
/// name, and `ExpressionPropertyTests` requires both to give the same value or error and the
/// same steps on thousands of generated expressions. (The untraced closures may skip work the
/// trail would show, such as a constant operand; these may not.)
struct TracedClosureExpression<Context: EvaluationContext & SendableMetatype>: Sendable {
    typealias ValueStep = @Sendable (Context, StepTrace) throws(EvaluationError) -> Value
    typealias TestStep = @Sendable (Context, StepTrace) throws(EvaluationError) -> Bool

    /// The expression's value; its steps are appended to the trace passed in.
    let evaluate: ValueStep

    init(_ expression: CompiledExpression) {
        evaluate = Self.value(expression.root)
    }

    // MARK: - Values (`Evaluator.evaluate`)

    static func value(_ node: Node) -> ValueStep {
        switch node {
        case .constant(let constant):
            return { _, _ in constant }
        case .slot(let slot, _):
            return { context, _ in context.value(ofSlot: slot) }
        case .not, .and, .or, .isNull, .equal, .compare, .contains:
            let test = self.test(node)
            return { context, trace throws(EvaluationError) in .bool(try test(context, trace)) }
        case .conditional(let condition, let then, let otherwise):
            let test = recorded(condition), whenTrue = value(then), whenFalse = value(otherwise)
            return { context, trace throws(EvaluationError) in
                if try test(context, trace) { return try whenTrue(context, trace) }
                return try whenFalse(context, trace)
            }
        case .coalesce(let left, let right):
            let first = value(left), second = value(right)
            return { context, trace throws(EvaluationError) in
                let value = try first(context, trace)
                if case .null = value { return try second(context, trace) }
                return value
            }
        case .arithmetic(let operation, let left, let right):
            let first = nonNull(left), second = nonNull(right)
            return { context, trace throws(EvaluationError) in
                let a = try first(context, trace)
                return try ValueOperations.arithmetic(operation, a, try second(context, trace))
            }
        case .host(let function, let arguments):
            let implementation = function.implementation
            switch (function.fixedArity, arguments.count) {
            case (.unary(let unary)?, 1):
                let only = value(arguments[0])
                return { context, trace throws(EvaluationError) in try unary(try only(context, trace), context) }
            case (.binary(let binary)?, 2):
                let first = value(arguments[0]), second = value(arguments[1])
                return { context, trace throws(EvaluationError) in
                    let a = try first(context, trace)
                    return try binary(a, try second(context, trace), context)
                }
            default:
                let steps = arguments.map(value)
                return { context, trace throws(EvaluationError) in try implementation(try values(steps, context, trace), context) }
            }
        case .list(let elements):
            let steps = elements.map(value)
            return { context, trace throws(EvaluationError) in .list(try values(steps, context, trace)) }
        case .negate, .builtin:
            // Rare in rules: the tree walker itself for this node and its operands, recording
            // into the same trace.
            return { context, trace throws(EvaluationError) in
                var evaluator = Evaluator(context: context, sink: trace)
                return try evaluator.evaluate(node)
            }
        }
    }

    /// `Evaluator.nonNull`. A constant that is not null is its own value and cannot fail, and
    /// a slot is read in the same closure: one call where there were two, same values.
    static func nonNull(_ node: Node) -> ValueStep {
        if let constant = node.constantValue, constant != .null { return { _, _ in constant } }
        if case .slot(let slot, _) = node {
            return { context, _ throws(EvaluationError) in
                let value = context.value(ofSlot: slot)
                if case .null = value { throw ValueOperations.unexpectedNull(node) }
                return value
            }
        }
        let step = value(node)
        return { context, trace throws(EvaluationError) in
            let value = try step(context, trace)
            if case .null = value { throw ValueOperations.unexpectedNull(node) }
            return value
        }
    }

    private static func values(_ steps: [ValueStep], _ context: Context, _ trace: StepTrace) throws(EvaluationError) -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(steps.count)
        for index in steps.indices { values.append(try steps[index](context, trace)) }
        return values
    }

    // MARK: - Tests (`Evaluator.bool`)

    static func test(_ node: Node) -> TestStep {
        switch node {
        case .not(let operand):
            let test = self.test(operand)
            return { context, trace throws(EvaluationError) in !(try test(context, trace)) }
        case .and(let operands):
            return chain(operands[...], stopsOn: false)
        case .or(let operands):
            return chain(operands[...], stopsOn: true)
        case .isNull(let operand, let negated, let text):
            let step = value(operand)
            return { context, trace throws(EvaluationError) in
                let isNull: Bool
                if case .null = try step(context, trace) { isNull = true } else { isNull = false }
                let result = isNull != negated
                trace.record(text, .bool(result))
                return result
            }
        case .equal(let left, let right, let negated, let text):
            let first = nonNull(left), second = nonNull(right)
            return { context, trace throws(EvaluationError) in
                let leftValue = try first(context, trace)
                let rightValue = try second(context, trace)
                let equal = leftValue == rightValue
                let result = equal != negated
                // The tested value says something only when it is not the one compared with.
                if equal { trace.record(text, .bool(result)) } else { trace.record(text, .bool(result), left: leftValue, right: nil) }
                return result
            }
        case .compare(let comparison, let left, let right, let text):
            let first = nonNull(left), second = nonNull(right)
            return { context, trace throws(EvaluationError) in
                let leftValue = try first(context, trace)
                let rightValue = try second(context, trace)
                let result = try ValueOperations.compare(comparison, leftValue, rightValue)
                trace.record(text, .bool(result), left: leftValue, right: rightValue)
                return result
            }
        case .contains(let element, let list, let text):
            let item = nonNull(element), collection = nonNull(list)
            // A named list (a parameter, folded to a constant) shows its values; a literal list is in the text.
            let listIsConstant = list.constantValue != nil
            return { context, trace throws(EvaluationError) in
                let value = try item(context, trace)
                let values = try ValueOperations.elements(ofIn: try collection(context, trace))
                let result = values.contains(value)
                trace.record(text, .bool(result), left: value, right: listIsConstant ? .list(values) : nil)
                return result
            }
        default:
            let step = value(node)
            return { context, trace throws(EvaluationError) in try ValueOperations.bool(try step(context, trace), of: node) }
        }
    }

    /// An operand of a chain or a `?:` condition: its value as a `Bool`, recorded as a step of
    /// its own unless the node records itself (a comparison, `in`, `== null`).
    private static func recorded(_ operand: Operand) -> TestStep {
        let test = self.test(operand.node)
        if operand.recordsItself { return test }
        let text = operand.text
        return { context, trace throws(EvaluationError) in
            let value = try test(context, trace)
            trace.record(text, .bool(value))
            return value
        }
    }

    /// `&&` (stops on the first false) or `||` (on the first true) over a chain, left to
    /// right, each operand recorded as it is evaluated; held as the untraced chains are
    /// (`ClosureExpression.chain`: no closures kept in an array).
    private static func chain(_ operands: ArraySlice<Operand>, stopsOn stop: Bool) -> TestStep {
        let start = operands.startIndex
        switch operands.count {
        case 0:
            return { _, _ in !stop }
        case 1:
            // The last operand's value is the chain's: it stops on `stop` or ends with `!stop`.
            return recorded(operands[start])
        case 2:
            let first = recorded(operands[start]), second = recorded(operands[start + 1])
            return { context, trace throws(EvaluationError) in
                if try first(context, trace) == stop { return stop }
                return try second(context, trace)
            }
        case 3:
            let first = recorded(operands[start]), second = recorded(operands[start + 1]), third = recorded(operands[start + 2])
            return { context, trace throws(EvaluationError) in
                if try first(context, trace) == stop { return stop }
                if try second(context, trace) == stop { return stop }
                return try third(context, trace)
            }
        default:
            let head = chain(operands.prefix(3), stopsOn: stop), rest = chain(operands.dropFirst(3), stopsOn: stop)
            return { context, trace throws(EvaluationError) in
                if try head(context, trace) == stop { return stop }
                return try rest(context, trace)
            }
        }
    }
}
