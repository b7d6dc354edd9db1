/// What an expression can name: the host (the policy engine) resolves names to slots and
/// supplies domain functions. The expression language itself knows nothing about policies.
public protocol ExpressionEnvironment {
    /// Resolves a dotted name such as `["order", "delivered_at"]` or `["window_days"]`.
    func resolve(_ path: [String]) -> NameResolution
    /// A host-provided function (`days_since`, `end_of_day`, …), or nil if there is none by that name.
    func function(named name: String) -> FunctionDefinition?
    /// The names of the host's functions, offered as "did you mean" for a misspelt call.
    func functionNames() -> [String]
}

extension ExpressionEnvironment {
    /// No suggestions beyond the built-ins unless the host lists its functions.
    public func functionNames() -> [String] { [] }
}

/// How a host resolved a name.
public enum NameResolution: Sendable {
    /// A value read at evaluation time from `EvaluationContext.value(ofSlot:)`.
    case slot(Int, ValueType)
    /// A value known when the policy loads (a parameter): folded into the compiled expression.
    case constant(Value, ValueType)
    /// No such name; `suggestion` is the closest known name, for "did you mean".
    case unknown(suggestion: String?)
}

/// A host function with a fixed signature.
public struct FunctionDefinition: Sendable {
    public let name: String
    public let parameters: [ValueType]
    public let result: ValueType
    public let implementation: @Sendable ([Value], any EvaluationContext) throws(EvaluationError) -> Value
    /// Given the arguments known when the expression is compiled (a parameter, a literal; nil
    /// for the others), an implementation that has done the work that depends only on them
    /// (reading a holiday list once, not at every call), or nil to keep `implementation`.
    /// It must return what `implementation` returns for the same arguments.
    public let specialize: (@Sendable ([Value?]) -> FunctionDefinition?)?
    /// The implementation of a one- or two-parameter function taking its arguments as they are:
    /// compiled conditions call it without building an array for every call (one allocation
    /// each); `implementation` calls it too, so both always agree.
    let fixedArity: FixedArity?

    enum FixedArity: Sendable {
        case unary(@Sendable (Value, any EvaluationContext) throws(EvaluationError) -> Value)
        case binary(@Sendable (Value, Value, any EvaluationContext) throws(EvaluationError) -> Value)
    }

    public init(
        name: String, parameters: [ValueType], result: ValueType,
        specialize: (@Sendable ([Value?]) -> FunctionDefinition?)? = nil,
        implementation: @escaping @Sendable ([Value], any EvaluationContext) throws(EvaluationError) -> Value
    ) {
        self.name = name
        self.parameters = parameters
        self.result = result
        self.specialize = specialize
        self.implementation = implementation
        self.fixedArity = nil
    }

    /// A function of one parameter.
    public init(
        name: String, parameter: ValueType, result: ValueType,
        specialize: (@Sendable ([Value?]) -> FunctionDefinition?)? = nil,
        unary: @escaping @Sendable (Value, any EvaluationContext) throws(EvaluationError) -> Value
    ) {
        self.name = name
        self.parameters = [parameter]
        self.result = result
        self.specialize = specialize
        self.implementation = { arguments, context throws(EvaluationError) in try unary(arguments[0], context) }
        self.fixedArity = .unary(unary)
    }

    /// A function of two parameters.
    public init(
        name: String, parameters first: ValueType, _ second: ValueType, result: ValueType,
        specialize: (@Sendable ([Value?]) -> FunctionDefinition?)? = nil,
        binary: @escaping @Sendable (Value, Value, any EvaluationContext) throws(EvaluationError) -> Value
    ) {
        self.name = name
        self.parameters = [first, second]
        self.result = result
        self.specialize = specialize
        self.implementation = { arguments, context throws(EvaluationError) in try binary(arguments[0], arguments[1], context) }
        self.fixedArity = .binary(binary)
    }
}

/// Supplies slot values while an expression evaluates.
public protocol EvaluationContext {
    func value(ofSlot slot: Int) -> Value
    /// The object behind the context, for functions a host registers that need more than slots
    /// (`host as? HostState` is a class cast, far cheaper than casting the existential); nil
    /// by default.
    var host: AnyObject? { get }
    /// `host`, not retained: for a function that reads it during its call, which the context
    /// outlives (`Unmanaged._withUnsafeGuaranteedRef`). `host`'s by default.
    var unretainedHost: Unmanaged<AnyObject>? { get }
}

extension EvaluationContext {
    public var host: AnyObject? { nil }
    public var unretainedHost: Unmanaged<AnyObject>? { host.map { Unmanaged.passUnretained($0) } }
}

/// One sub-condition's value as recorded for the audit trail, in evaluation order.
public struct ConditionStep: Hashable, Sendable {
    /// The source text of the sub-expression, e.g. `days_since(order.delivered_at) <= 7`.
    public var text: String
    public var value: Value
    /// For a comparison, the values of its two sides (`4` and `7` above); for `==`, `!=` and
    /// `in`, the value tested on the left. Lets an auditor see why, not only what.
    public var left: Value?
    public var right: Value?
    /// Which sub-expression of the compiled expression this is (an index into its traced
    /// texts), so a host can keep per-text data such as pre-encoded output; -1 when unknown.
    public var textIndex: Int

    public init(text: consuming String, value: consuming Value, left: consuming Value? = nil, right: consuming Value? = nil, textIndex: Int = -1) {
        self.text = text
        self.value = value
        self.left = left
        self.right = right
        self.textIndex = textIndex
    }

    /// Makes a step in the uninitialized memory at `step`, field by field.
    ///
    /// `step.initialize(to: ConditionStep(…))` (or an array's append) builds the step in a
    /// temporary, copies it and destroys the temporary: every string and list in it retained and
    /// released once more, some 12,000 instructions per `full` decision. Written field by field
    /// at their offsets (constants once compiled), the values are moved in with plain stores.
    /// Every stored property is written here (`InPlaceBufferTests` compares with `init`).
    @inline(__always)
    static func initialize(
        _ step: UnsafeMutablePointer<ConditionStep>, text: consuming String, value: consuming Value,
        left: consuming Value?, right: consuming Value?, textIndex: Int
    ) {
        let raw = UnsafeMutableRawPointer(step)
        (raw + MemoryLayout<ConditionStep>.offset(of: \ConditionStep.text)!).initializeMemory(as: String.self, to: text)
        (raw + MemoryLayout<ConditionStep>.offset(of: \ConditionStep.value)!).initializeMemory(as: Value.self, to: value)
        (raw + MemoryLayout<ConditionStep>.offset(of: \ConditionStep.left)!).initializeMemory(as: Value?.self, to: left)
        (raw + MemoryLayout<ConditionStep>.offset(of: \ConditionStep.right)!).initializeMemory(as: Value?.self, to: right)
        (raw + MemoryLayout<ConditionStep>.offset(of: \ConditionStep.textIndex)!).initializeMemory(as: Int.self, to: textIndex)
    }
}

/// A problem found while parsing or type-checking an expression, located inside its text.
public struct ExpressionError: Error, Hashable, Sendable {
    /// Stable snake_case code: `syntax_error`, `unknown_name`, `type_mismatch`, …
    public var code: String
    public var message: String
    /// Byte offset into the expression's UTF-8 text where the problem starts.
    public var utf8Offset: Int
    public var length: Int
    /// Hints on how to write it instead (`write 100.00 without quotes …`), one line each.
    public var notes: [String]

    public init(code: String, message: String, utf8Offset: Int, length: Int, notes: [String] = []) {
        self.code = code
        self.message = message
        self.utf8Offset = utf8Offset
        self.length = length
        self.notes = notes
    }
}

/// A problem while evaluating a checked expression (overflow, a null where a guard was expected).
public struct EvaluationError: Error, Hashable, Sendable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
