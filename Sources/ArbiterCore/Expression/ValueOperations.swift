/// The operations of the evaluator on values, shared with constant folding and built-ins.
enum ValueOperations {

    /// -1, 0 or 1 for two values of one ordered type; nil for anything else.
    static func order(_ left: Value, _ right: Value) -> Int? {
        switch (left, right) {
        case (.int(let a), .int(let b)), (.money(let a), .money(let b)), (.percent(let a), .percent(let b)),
             (.duration(let a), .duration(let b)):
            return a < b ? -1 : (a == b ? 0 : 1)
        case (.timestamp(let a), .timestamp(let b)):
            return a < b ? -1 : (a == b ? 0 : 1)
        default:
            return nil
        }
    }

    /// `left <op> right` for two values of one ordered type; a type error for anything else.
    @inline(__always)
    static func compare(_ comparison: Comparison, _ left: Value, _ right: Value) throws(EvaluationError) -> Bool {
        guard let order = order(left, right) else {
            throw EvaluationError(.typeError, "cannot compare \(kind(of: left)) with \(kind(of: right))")
        }
        switch comparison {
        case .less: return order < 0
        case .lessEqual: return order <= 0
        case .greater: return order > 0
        case .greaterEqual: return order >= 0
        }
    }

    /// The elements of the right side of `in`, which must be a list.
    @inline(__always)
    static func elements(ofIn list: Value) throws(EvaluationError) -> [Value] {
        guard case .list(let values) = list else { throw EvaluationError(.typeError, "the right side of 'in' is not a list") }
        return values
    }

    /// The value of a node that must be a bool: null is reported by the node's name.
    @inline(__always)
    static func bool(_ value: Value, of node: Node) throws(EvaluationError) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .null: throw unexpectedNull(node)
        case let other: throw EvaluationError(.typeError, "expected a bool, found \(kind(of: other))")
        }
    }

    static func negate(_ value: Value, _ node: Node) throws(EvaluationError) -> Value {
        func negated(_ amount: Int64) throws(EvaluationError) -> Int64 {
            let (result, overflow) = Int64(0).subtractingReportingOverflow(amount)
            guard !overflow else { throw EvaluationError(.overflow, "arithmetic overflow negating \(amount)") }
            return result
        }
        switch value {
        case .int(let amount): return .int(try negated(amount))
        case .money(let amount): return .money(try negated(amount))
        case .percent(let amount): return .percent(try negated(amount))
        case .duration(let amount): return .duration(try negated(amount))
        case .null: throw unexpectedNull(node)
        default: throw EvaluationError(.typeError, "cannot negate \(kind(of: value))")
        }
    }

    static func arithmetic(_ operation: Arithmetic, _ left: Value, _ right: Value) throws(EvaluationError) -> Value {
        func checked(_ result: (partialValue: Int64, overflow: Bool), _ what: String) throws(EvaluationError) -> Int64 {
            guard !result.overflow else {
                throw EvaluationError(.overflow, "arithmetic overflow in '\(operation.rawValue)' on \(what)")
            }
            return result.partialValue
        }
        switch (operation, left, right) {
        case (.add, .int(let a), .int(let b)): return .int(try checked(a.addingReportingOverflow(b), "int"))
        case (.add, .money(let a), .money(let b)): return .money(try checked(a.addingReportingOverflow(b), "money"))
        case (.add, .percent(let a), .percent(let b)): return .percent(try checked(a.addingReportingOverflow(b), "percent"))
        case (.add, .duration(let a), .duration(let b)): return .duration(try checked(a.addingReportingOverflow(b), "duration"))
        case (.add, .timestamp(let time), .duration(let seconds)), (.add, .duration(let seconds), .timestamp(let time)):
            return .timestamp(shift(time, by: seconds))
        case (.subtract, .int(let a), .int(let b)): return .int(try checked(a.subtractingReportingOverflow(b), "int"))
        case (.subtract, .money(let a), .money(let b)): return .money(try checked(a.subtractingReportingOverflow(b), "money"))
        case (.subtract, .percent(let a), .percent(let b)): return .percent(try checked(a.subtractingReportingOverflow(b), "percent"))
        case (.subtract, .duration(let a), .duration(let b)): return .duration(try checked(a.subtractingReportingOverflow(b), "duration"))
        case (.subtract, .timestamp(let time), .duration(let seconds)):
            // −Int64.min does not exist; one second less makes no difference that far out.
            return .timestamp(shift(time, by: seconds == Int64.min ? Int64.max : -seconds))
        case (.subtract, .timestamp(let a), .timestamp(let b)):
            return .duration(try secondsBetween(a, b))
        case (.multiply, .int(let a), .int(let b)): return .int(try checked(a.multipliedReportingOverflow(by: b), "int"))
        case (.multiply, .money(let amount), .int(let factor)), (.multiply, .int(let factor), .money(let amount)):
            return .money(try checked(amount.multipliedReportingOverflow(by: factor), "money"))
        case (.multiply, .duration(let seconds), .int(let factor)), (.multiply, .int(let factor), .duration(let seconds)):
            return .duration(try checked(seconds.multipliedReportingOverflow(by: factor), "duration"))
        case (.multiply, .money(let amount), .percent(let rate)), (.multiply, .percent(let rate), .money(let amount)):
            return .money(try percentage(rate, of: amount))
        default:
            throw EvaluationError(.typeError, "cannot apply '\(operation.rawValue)' to \(kind(of: left)) and \(kind(of: right))")
        }
    }

    /// `rate` of `amount`, rounded half-up by `Percent.of`, after making sure the result
    /// fits (`Percent.of` would trap on a result beyond Int64).
    static func percentage(_ rate: Int64, of amount: Int64) throws(EvaluationError) -> Int64 {
        let product = Int128(amount) * Int128(rate)
        guard (product.magnitude + 5_000) / 10_000 <= UInt128(Int64.max) else {
            throw EvaluationError(.overflow, "arithmetic overflow in '*' on money and percent")
        }
        return Percent(basisPoints: rate).of(minorUnits: amount)
    }

    /// `time` moved by `seconds`. Never fails: an instant beyond years 0001–9999 is kept as it
    /// is (saturated at the ends of `Int64`), so it compares later (or earlier) than every
    /// valid instant, as the SPEC's limits say; only writing it in a decision is refused
    /// (`Timestamp.isWritable`).
    static func shift(_ time: Timestamp, by seconds: Int64) -> Timestamp {
        let (epoch, overflow) = time.epochSeconds.addingReportingOverflow(seconds)
        var shifted = time
        shifted.epochSeconds = overflow ? (seconds < 0 ? Int64.min : Int64.max) : epoch
        return shifted
    }

    /// Whole seconds from `b` to `a`, rounded down like a stopwatch (fractions of a second
    /// only occur when a request gives them).
    static func secondsBetween(_ a: Timestamp, _ b: Timestamp) throws(EvaluationError) -> Int64 {
        let nanoseconds = (Int128(a.epochSeconds) - Int128(b.epochSeconds)) * 1_000_000_000 + Int128(a.nanoseconds) - Int128(b.nanoseconds)
        var seconds = nanoseconds / 1_000_000_000
        if nanoseconds % 1_000_000_000 < 0 { seconds -= 1 }
        guard let result = Int64(exactly: seconds) else {
            throw EvaluationError(.overflow, "arithmetic overflow in '-' on timestamps")
        }
        return result
    }

    // MARK: - Errors

    static func unexpectedNull(_ node: Node) -> EvaluationError {
        switch node {
        case .slot(_, let name): return EvaluationError(.unexpectedNull, "'\(name)' is null")
        case .host(let function, _): return EvaluationError(.unexpectedNull, "'\(function.name)' returned null")
        default: return EvaluationError(.unexpectedNull, "a value that cannot be null is null")
        }
    }

    static func kind(of value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .money: return "money"
        case .percent: return "percent"
        case .duration: return "duration"
        case .string: return "string"
        case .timestamp: return "timestamp"
        case .list: return "list"
        }
    }
}
