// PLACEHOLDER owned by the expression-language work: replaced wholesale by the real compiler.

/// A parsed, type-checked expression ready to evaluate.
public struct CompiledExpression: Sendable {
    public let source: String
    public let type: ValueType

    public func evaluate<C: EvaluationContext>(in context: C) throws(EvaluationError) -> Value {
        throw EvaluationError(code: "not_built", message: "expression evaluation is not built yet")
    }

    public func evaluate<C: EvaluationContext>(in context: C, trace: inout [ConditionStep]) throws(EvaluationError) -> Value {
        throw EvaluationError(code: "not_built", message: "expression evaluation is not built yet")
    }
}

public enum ExpressionCompiler {
    /// Parses and type-checks `source`; `expecting` (when given) is the type the result must have.
    public static func compile(
        _ source: String, expecting: ValueType?, environment: some ExpressionEnvironment, currency: Currency
    ) -> Result<CompiledExpression, ExpressionErrors> {
        .failure(ExpressionErrors(errors: [ExpressionError(code: "not_built", message: "not built", utf8Offset: 0, length: 0)]))
    }
}

/// All problems found in one expression.
public struct ExpressionErrors: Error, Sendable {
    public var errors: [ExpressionError]
    public init(errors: [ExpressionError]) { self.errors = errors }
}
