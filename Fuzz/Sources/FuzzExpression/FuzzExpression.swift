@testable import ArbiterCore
import FuzzSupport

/// Bytes → the expression compiler against `Rules/cn`'s environment (request fields, attributes,
/// facts, parameters, domain functions), in each rule phase; then, for what compiles, evaluation
/// against `Fuzz/requests.jsonl` (requests with at least one line).
///
/// Compiling must not crash or hang; every error lies inside the source (offset and length)
/// with a code and a message. Evaluating must not crash; a value must have the type the
/// checker gave the expression (type soundness); evaluating with and without a trace must agree.
/// (`@testable`: `PolicyEnvironment` and `EvaluationState` are internal; run.sh builds with
/// `-enable-testing`.)
let policy = FuzzSupport.policy
let decoder = RequestDecoder(schema: policy.schema)
/// One evaluation state per valid request with lines; line-scope slots read its first line.
nonisolated(unsafe) let states: [EvaluationState] = FuzzSupport.requests.compactMap { line in
    let tape = JSONTape()
    return line.withUnsafeBytes { raw -> EvaluationState? in
        guard let document = try? tape.parse(raw), let request = try? decoder.decode(document), !request.lines.isEmpty else {
            return nil
        }
        return EvaluationState(request: request)
    }
}

let phases: [(RulePhase, ValueType?)] = [(.line, .bool), (.line, nil), (.settlement, nil), (.request, nil), (.request, .money)]

/// Loads what every input needs before the first one runs.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = states
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Expressions come from YAML scalars, which are always UTF-8.
    guard let source = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    let environment = PolicyEnvironment(schema: policy.schema, parameters: policy.parameters)
    for (phase, expecting) in phases {
        environment.phase = phase
        switch ExpressionCompiler.compile(source, expecting: expecting, environment: environment, currency: policy.currency) {
        case .failure(let failure):
            guard !failure.errors.isEmpty else { FuzzSupport.fail("compile failed without an error") }
            for error in failure.errors {
                guard error.utf8Offset >= 0, error.length >= 0, error.utf8Offset + error.length <= size else {
                    FuzzSupport.fail("error outside the source (\(size) bytes): offset \(error.utf8Offset), length \(error.length): \(error.message)")
                }
                guard !error.code.isEmpty, !error.message.isEmpty else { FuzzSupport.fail("error without code or message") }
            }
        case .success(let expression):
            if let expecting, !ValueChecks.isAssignable(expression.type, to: expecting) {
                FuzzSupport.fail("compiled as \(expression.type), expected \(expecting)")
            }
            for state in states {
                state.currentLine = 0
                evaluate(expression, in: state)
            }
        }
    }
    return 0
}

func evaluate(_ expression: CompiledExpression, in state: EvaluationState) {
    let plain: Result<Value, EvaluationError>
    do throws(EvaluationError) { plain = .success(try expression.evaluate(in: state)) } catch { plain = .failure(error) }
    var trace: [ConditionStep] = []
    let traced: Result<Value, EvaluationError>
    do throws(EvaluationError) { traced = .success(try expression.evaluate(in: state, trace: &trace)) } catch { traced = .failure(error) }
    var indexed: [ConditionStep] = []
    let indexedResult: Result<Value, EvaluationError>
    do throws(EvaluationError) { indexedResult = .success(try expression.evaluate(in: state, indexedTrace: &indexed)) } catch { indexedResult = .failure(error) }
    guard plain == traced, plain == indexedResult else {
        FuzzSupport.fail("evaluation differs with a trace: \(plain) / \(traced) / \(indexedResult)")
    }
    if case .success(let value) = plain, !ValueChecks.conforms(value, to: expression.type) {
        FuzzSupport.fail("'\(expression.source)' has type \(expression.type) but gave \(value)")
    }
}

enum ValueChecks {
    /// Whether a value of the checker's type is acceptable where `expected` is required.
    static func isAssignable(_ type: ValueType, to expected: ValueType) -> Bool {
        if type == expected { return true }
        switch (type, expected) {
        case (.null, .optional): return true
        case (_, .optional(let wrapped)): return isAssignable(type, to: wrapped)
        case (.enumeration, .string): return true
        case (.list(let element), .list(let wanted)): return isAssignable(element, to: wanted)
        default: return false
        }
    }

    static func conforms(_ value: Value, to type: ValueType) -> Bool {
        switch (value, type) {
        case (.null, .optional), (.null, .null): return true
        case (_, .optional(let wrapped)): return conforms(value, to: wrapped)
        case (.bool, .bool), (.int, .int), (.money, .money), (.percent, .percent), (.duration, .duration),
             (.string, .string), (.timestamp, .timestamp): return true
        case (.string(let text), .enumeration(let domain)): return domain.cases.contains(text) || text == "none"
        case (.list(let values), .list(let element)): return values.allSatisfy { conforms($0, to: element) }
        default: return false
        }
    }
}
