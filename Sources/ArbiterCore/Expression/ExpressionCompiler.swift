/// A parsed, type-checked expression ready to evaluate; immutable and shareable across threads.
///
/// A class: rules hold their expressions by reference, so evaluating one costs no copy of its
/// fields (the hot path runs ~20 of them per request).
public final class CompiledExpression: Sendable {
    /// The expression's text as written.
    public let source: String
    /// The type of its value (what the checker inferred, which fits the `expecting:` type).
    public let type: ValueType
    /// Dotted names this expression proves non-null when it evaluates to true
    /// (`order.delivered_at != null && …`). A host can compile expressions that only run when
    /// this one was true (a rule's amounts under its `when:`) with these as `assumingNonNull`.
    public let nonNullWhenTrue: Set<String>
    let root: Node
    /// The texts of the sub-expressions recorded in a trace, indexed from the nodes
    /// (`ConditionStep.textIndex`).
    public let texts: [String]

    init(source: String, type: ValueType, nonNullWhenTrue: Set<String>, root: Node, texts: [String]) {
        self.source = source
        self.type = type
        self.nonNullWhenTrue = nonNullWhenTrue
        self.root = root
        self.texts = texts
    }

    /// Evaluates without recording anything: the hot path, which allocates nothing for tracing.
    public func evaluate<C: EvaluationContext>(in context: C) throws(EvaluationError) -> Value {
        var evaluator = Evaluator(context: context, sink: NoTrace())
        return try evaluator.evaluate(root)
    }

    /// Evaluates and appends to `trace` the sub-conditions that decided the result: each
    /// evaluated operand of an `&&`/`||` chain, each comparison and `in`, and the condition
    /// of each `?:` taken, in evaluation order.
    public func evaluate<C: EvaluationContext>(in context: C, trace: inout [ConditionStep]) throws(EvaluationError) -> Value {
        try evaluate(in: context, appendingTo: &trace, includeTexts: true)
    }

    /// Like `evaluate(in:trace:)`, but the steps' `text` is left empty, as the engine records
    /// them (the fuzzer compares this path with the others).
    public func evaluate<C: EvaluationContext>(in context: C, indexedTrace trace: inout [ConditionStep]) throws(EvaluationError) -> Value {
        try evaluate(in: context, appendingTo: &trace, includeTexts: false)
    }

    private func evaluate<C: EvaluationContext>(in context: C, appendingTo trace: inout [ConditionStep], includeTexts: Bool) throws(EvaluationError) -> Value {
        let steps = InPlaceBuffer<ConditionStep>(capacity: 8)
        // The steps recorded are the caller's even when the evaluation fails part way.
        defer { trace.append(contentsOf: steps.moveToArray()) }
        return try evaluate(in: context, steps: steps, includeTexts: includeTexts)
    }

    /// Like `evaluate(in:trace:)`, appending the steps to `steps`: the engine's hot path, one
    /// buffer for a whole decision's steps, each built where it is stored. Without
    /// `includeTexts` the steps' `text` is left empty, for a host that finds each step's text
    /// by its `textIndex` in `texts`.
    func evaluate<C: EvaluationContext>(in context: C, steps: InPlaceBuffer<ConditionStep>, includeTexts: Bool = false) throws(EvaluationError) -> Value {
        try StepTrace.withTrace(texts: texts, includeTexts: includeTexts, steps: steps) { (trace) throws(EvaluationError) in
            var evaluator = Evaluator(context: context, sink: trace)
            return try evaluator.evaluate(root)
        }
    }
}

/// Compiles expression text: lex, parse, type-check against a host environment, build the node tree.
///
/// The language: literals `7` (int), `0.00` (money, in the currency's minor units), `5%`,
/// `48h`/`15d`/`30m`/`10s`, `"text"`/`'text'`, `true`, `false`, `null`, `[a, b]`; dotted names
/// the host resolves; operators (lowest first) `?:`, `??`, `||`, `&&`, `==` `!=`,
/// `<` `<=` `>` `>=` `in`, `+` `-`, `*`, prefix `!` `-`; built-ins `min`, `max`, `clamp`, `abs`
/// and the host's functions. Types are checked once, here: optionals must be guarded
/// (`x != null && …`, `x == null || …`, `?:`) or defaulted (`x ?? y`) before use, and string
/// literals compared with an enumeration must be among its cases.
public enum ExpressionCompiler {
    /// Parses and type-checks `source`; `expecting` (when given) is the type the result must have.
    public static func compile(
        _ source: String, expecting: ValueType?, environment: some ExpressionEnvironment, currency: Currency
    ) -> Result<CompiledExpression, ExpressionErrors> {
        compile(source, expecting: expecting, environment: environment, currency: currency, assumingNonNull: [])
    }

    /// Like `compile(_:expecting:environment:currency:)`, for an expression that only runs when
    /// the names in `assumingNonNull` are known not to be null (see `CompiledExpression.nonNullWhenTrue`).
    public static func compile(
        _ source: String, expecting: ValueType?, environment: some ExpressionEnvironment, currency: Currency,
        assumingNonNull: Set<String>
    ) -> Result<CompiledExpression, ExpressionErrors> {
        let bytes = Array(source.utf8)
        var lexer = Lexer(bytes: bytes, currency: currency)
        let syntax: Syntax
        do {
            let tokens = try lexer.tokenize()
            syntax = try Parser.parse(tokens, source: bytes)
        } catch {
            return .failure(ExpressionErrors(sorting: lexer.literalErrors + [error]))
        }
        var checker = TypeChecker(environment: environment, source: bytes, currency: currency)
        let typed = checker.check(syntax, narrowed: assumingNonNull)
        if let typed, let expecting {
            checker.checkResult(typed, syntax, expecting: expecting)
        }
        let errors = lexer.literalErrors + checker.errors
        guard errors.isEmpty, let typed else {
            if errors.isEmpty {
                // Unreachable by construction: the checker reports why it produced nothing.
                return .failure(ExpressionErrors(errors: [ExpressionError(.typeMismatch, "cannot type-check this expression", at: syntax.range)]))
            }
            return .failure(ExpressionErrors(sorting: errors))
        }
        return .success(CompiledExpression(
            source: source, type: typed.type, nonNullWhenTrue: Narrowing.of(syntax).whenTrue, root: typed.node,
            texts: checker.texts))
    }
}

/// All problems found in one expression, in source order.
public struct ExpressionErrors: Error, Sendable {
    public var errors: [ExpressionError]
    public init(errors: [ExpressionError]) { self.errors = errors }

    /// The errors by position (stable for equal positions), each reported once.
    init(sorting errors: [ExpressionError]) {
        let ordered = errors.enumerated().sorted { ($0.element.utf8Offset, $0.offset) < ($1.element.utf8Offset, $1.offset) }
        var seen: Set<ExpressionError> = []
        self.errors = ordered.map(\.element).filter { seen.insert($0).inserted }
    }
}
