/// Where an evaluation's audit steps go. Generic, so that with `NoTrace` the recording
/// calls compile to nothing on the hot path.
protocol TraceSink {
    /// Records the value of the sub-expression whose text is `texts[text]`.
    mutating func record(_ text: Int, _ value: consuming Value)
    /// Records a comparison's result with the operands that decided it (`right` nil for `==`/`in`).
    mutating func record(_ text: Int, _ value: consuming Value, left: consuming Value, right: consuming Value?)
}

/// Records nothing: the evaluation path for requests without `--audit full`.
struct NoTrace: TraceSink {
    @inline(__always)
    mutating func record(_ text: Int, _ value: consuming Value) {}
    @inline(__always)
    mutating func record(_ text: Int, _ value: consuming Value, left: consuming Value, right: consuming Value?) {}
}

/// Collects `ConditionStep`s for the audit trail.
///
/// Its references are not counted: a trace is made for one evaluation, by a caller that holds
/// the texts and the buffer for all of it (`withTrace`). Counted, each traced condition
/// retained and released them once more, some 90 atomic operations per `full` decision.
struct StepTrace: TraceSink {
    /// The texts steps are recorded with when `includeTexts`.
    let texts: UnsafeBufferPointer<String>
    /// False when the host looks texts up by `textIndex` itself: steps then carry no string,
    /// which saves a reference count per step on the audit hot path.
    let includeTexts: Bool
    /// Built in place (`InPlaceBuffer`: an array's append copies each step and destroys the original).
    let steps: Unmanaged<InPlaceBuffer<ConditionStep>>

    /// Calls `body` with a trace into `steps` (texts from `texts` when `includeTexts`), both
    /// kept alive for the call.
    @inline(__always)
    static func withTrace<Output, Failure: Error>(
        texts: [String], includeTexts: Bool, steps: InPlaceBuffer<ConditionStep>, _ body: (StepTrace) throws(Failure) -> Output
    ) throws(Failure) -> Output {
        // Through a `Result`: the standard library's scoped calls only `rethrows`.
        let result = withExtendedLifetime(steps) {
            texts.withUnsafeBufferPointer { texts in
                Swift.Result { () throws(Failure) -> Output in
                    try body(StepTrace(texts: texts, includeTexts: includeTexts, steps: .passUnretained(steps)))
                }
            }
        }
        return try result.get()
    }

    // The values are consumed (the evaluator's own temporaries), and the step is made where it
    // is stored (`ConditionStep.initialize`): a borrowed value would be copied into the step,
    // and a step built first and then stored would be copied and the original destroyed.
    // Not `mutating` (the fields are constants, the steps a shared buffer): the traced closures
    // record through a trace they are handed, not one they own.
    func record(_ text: Int, _ value: consuming Value) {
        let slot = steps._withUnsafeGuaranteedRef { $0.nextSlot() }
        ConditionStep.initialize(slot, text: includeTexts ? texts[text] : "", value: value, left: nil, right: nil, textIndex: text)
    }

    func record(_ text: Int, _ value: consuming Value, left: consuming Value, right: consuming Value?) {
        let slot = steps._withUnsafeGuaranteedRef { $0.nextSlot() }
        ConditionStep.initialize(slot, text: includeTexts ? texts[text] : "", value: value, left: left, right: right, textIndex: text)
    }
}

/// Runs a compiled node tree against one context.
///
/// The type checker has proved every operand's type, so a value of the wrong shape can only
/// come from the host (a slot that is null although its type is not optional, as in `lint`'s
/// probe, or a function returning something else than it declared); that is an
/// `EvaluationError`, never a trap. The tree's height is bounded by the parser, so the
/// recursion is too.
struct Evaluator<Context: EvaluationContext, Sink: TraceSink> {
    let context: Context
    var sink: Sink

    mutating func evaluate(_ node: Node) throws(EvaluationError) -> Value {
        switch node {
        case .constant(let value):
            return value
        case .slot(let slot, _):
            return context.value(ofSlot: slot)
        case .list(let elements):
            var values: [Value] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try evaluate(element)) }
            return .list(values)
        case .not(let operand):
            return .bool(!(try bool(operand)))
        case .negate(let operand):
            return try ValueOperations.negate(try evaluate(operand), operand)
        case .and(let operands):
            for operand in operands {
                let value = try bool(operand.node)
                if !operand.recordsItself { sink.record(operand.text, .bool(value)) }
                if !value { return .bool(false) }
            }
            return .bool(true)
        case .or(let operands):
            for operand in operands {
                let value = try bool(operand.node)
                if !operand.recordsItself { sink.record(operand.text, .bool(value)) }
                if value { return .bool(true) }
            }
            return .bool(false)
        case .isNull(let operand, let negated, let text):
            let isNull: Bool
            if case .null = try evaluate(operand) { isNull = true } else { isNull = false }
            let result = isNull != negated
            sink.record(text, .bool(result))
            return .bool(result)
        case .equal(let left, let right, let negated, let text):
            let leftValue = try nonNull(left)
            let rightValue = try nonNull(right)
            let equal = leftValue == rightValue
            let result = equal != negated
            // The tested value says something only when it is not the one compared with.
            if equal { sink.record(text, .bool(result)) } else { sink.record(text, .bool(result), left: leftValue, right: nil) }
            return .bool(result)
        case .compare(let comparison, let left, let right, let text):
            let leftValue = try nonNull(left)
            let rightValue = try nonNull(right)
            let result = try ValueOperations.compare(comparison, leftValue, rightValue)
            sink.record(text, .bool(result), left: leftValue, right: rightValue)
            return .bool(result)
        case .contains(let element, let list, let text):
            let value = try nonNull(element)
            let values = try ValueOperations.elements(ofIn: try nonNull(list))
            let result = values.contains(value)
            // A named list (a parameter, folded to a constant) shows its values; a literal list is in the text.
            let named: Value? = if case .constant = list { .list(values) } else { nil }
            sink.record(text, .bool(result), left: value, right: named)
            return .bool(result)
        case .arithmetic(let operation, let left, let right):
            return try ValueOperations.arithmetic(operation, try nonNull(left), try nonNull(right))
        case .conditional(let condition, let then, let otherwise):
            let value = try bool(condition.node)
            if !condition.recordsItself { sink.record(condition.text, .bool(value)) }
            return try evaluate(value ? then : otherwise)
        case .coalesce(let left, let right):
            let value = try evaluate(left)
            if case .null = value { return try evaluate(right) }
            return value
        case .builtin(let function, let arguments):
            return try evaluateBuiltin(function, arguments)
        case .host(let function, let arguments):
            var values: [Value] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments { values.append(try evaluate(argument)) }
            return try function.implementation(values, context)
        }
    }

    mutating func bool(_ node: Node) throws(EvaluationError) -> Bool {
        try ValueOperations.bool(try evaluate(node), of: node)
    }

    /// The node's value, which the checker proved cannot be null.
    mutating func nonNull(_ node: Node) throws(EvaluationError) -> Value {
        let value = try evaluate(node)
        if case .null = value { throw ValueOperations.unexpectedNull(node) }
        return value
    }
}
