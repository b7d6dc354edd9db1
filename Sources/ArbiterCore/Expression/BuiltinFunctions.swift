/// Functions that belong to the language rather than the host, generic over the ordered types:
/// `min(a, b, …)`, `max(a, b, …)`, `clamp(x, lo, hi)` and `abs(x)`.
enum BuiltinFunction: String, CaseIterable, Sendable {
    case min
    case max
    case clamp
    case abs

    /// The types the function accepts; every argument has the same one.
    var acceptedTypes: [ValueType] {
        switch self {
        case .min, .max, .clamp: return [.int, .money, .percent, .duration, .timestamp]
        case .abs: return [.int, .money, .percent, .duration]
        }
    }

    /// The arity, as "takes …" text and as a test.
    var arity: (description: String, accepts: (Int) -> Bool) {
        switch self {
        case .min, .max: return ("at least 2 arguments", { $0 >= 2 })
        case .clamp: return ("3 arguments (value, lower bound, upper bound)", { $0 == 3 })
        case .abs: return ("1 argument", { $0 == 1 })
        }
    }
}

extension TypeChecker {
    /// Checks a built-in call: the right number of arguments, all of one accepted type.
    mutating func checkBuiltin(_ function: BuiltinFunction, _ arguments: [Syntax], _ syntax: Syntax, narrowed: Set<String>) -> Typed? {
        var checked: [(Syntax, Typed)] = []
        var failed = false
        for argument in arguments {
            if let typed = check(argument, narrowed: narrowed) { checked.append((argument, typed)) } else { failed = true }
        }
        let name = function.rawValue
        guard function.arity.accepts(arguments.count) else {
            error(.wrongArgumentCount, "'\(name)' takes \(function.arity.description), found \(arguments.count)", syntax.range)
            return nil
        }
        guard !failed else { return nil }
        var type: ValueType?
        var firstArgument: Syntax?
        for (argument, typed) in checked {
            guard let argumentType = valueType(typed, argument, "'\(name)'") else {
                failed = true
                continue
            }
            guard function.acceptedTypes.contains(argumentType) else {
                let accepted = function.acceptedTypes.map(\.description).joined(separator: ", ")
                error(.typeMismatch, "'\(name)' works on \(accepted), found \(argumentType)", argument.range)
                failed = true
                continue
            }
            if let type, let firstArgument, type != argumentType {
                error(.typeMismatch, "the arguments of '\(name)' must have one type: found \(type) and \(argumentType)",
                      argument.range, notes: mismatchHint(firstArgument, type, argument, argumentType))
                failed = true
            } else if type == nil {
                type = argumentType
                firstArgument = argument
            }
        }
        guard !failed, let type else { return nil }
        // Bounds known at load must be in order, even when the value is not known until a request.
        if function == .clamp, let lower = checked[1].1.node.constantValue, let upper = checked[2].1.node.constantValue,
           let order = ValueOperations.order(lower, upper), order > 0 {
            error(.constantOutOfRange, "'clamp': the lower bound is above the upper bound", arguments[1].range.lowerBound..<arguments[2].range.upperBound)
            return nil
        }
        return Typed(node: fold(.builtin(function, checked.map(\.1.node)), at: syntax.range), type: type)
    }
}

extension Evaluator {
    mutating func evaluateBuiltin(_ function: BuiltinFunction, _ arguments: [Node]) throws(EvaluationError) -> Value {
        switch function {
        case .min, .max:
            let wantSmaller = function == .min
            guard let first = arguments.first else { throw EvaluationError(.typeError, "'\(function.rawValue)' called without arguments") }
            var best = try nonNull(first)
            for argument in arguments.dropFirst() {
                let value = try nonNull(argument)
                let order = try Self.order(value, best, function)
                if wantSmaller ? order < 0 : order > 0 { best = value }
            }
            return best
        case .clamp:
            guard arguments.count == 3 else { throw EvaluationError(.typeError, "'clamp' needs 3 arguments") }
            let value = try nonNull(arguments[0])
            let lower = try nonNull(arguments[1])
            let upper = try nonNull(arguments[2])
            guard try Self.order(lower, upper, function) <= 0 else {
                throw EvaluationError(.outOfRange, "clamp: the lower bound is above the upper bound")
            }
            if try Self.order(value, lower, function) < 0 { return lower }
            if try Self.order(value, upper, function) > 0 { return upper }
            return value
        case .abs:
            guard let argument = arguments.first else { throw EvaluationError(.typeError, "'abs' needs 1 argument") }
            let value = try nonNull(argument)
            switch value {
            case .int(let amount), .money(let amount), .percent(let amount), .duration(let amount):
                return amount < 0 ? try ValueOperations.negate(value, argument) : value
            default:
                throw EvaluationError(.typeError, "cannot take abs of \(ValueOperations.kind(of: value))")
            }
        }
    }

    private static func order(_ a: Value, _ b: Value, _ function: BuiltinFunction) throws(EvaluationError) -> Int {
        guard let order = ValueOperations.order(a, b) else {
            throw EvaluationError(.typeError,
                                  "'\(function.rawValue)' cannot compare \(ValueOperations.kind(of: a)) with \(ValueOperations.kind(of: b))")
        }
        return order
    }
}
