/// Functions policy expressions can call that know the domain: calendar windows in the
/// order's time zone, and list tests. Registered by name in `PolicyEnvironment`.
enum DomainFunctions {
    static let all: [FunctionDefinition] = [daysSince, endOfDay, allIn, endOfWorkingDay, addMonths, keptUnitsOfLine, keptGrossOfLine]

    /// The functions whose value depends on their arguments and on nothing of the request but
    /// what stays the same while it is decided (`requested_at`, the order's time zone): not on
    /// the current line or the units kept (`kept_units`, `kept_gross`). See `SameForEveryLine`;
    /// a function added here must be one of these.
    static let dependOnRequestFieldsOnly: Set<String> = ["days_since", "end_of_day", "all_in", "end_of_working_day", "add_months"]

    /// Functions that read what the lines' verdicts decide: not callable in `scope: line` rules,
    /// which run while verdicts are still being given.
    static let afterVerdicts: Set<String> = ["kept_units", "kept_gross"]

    /// `days_since(t)`: calendar days from the local date of `t` to the local date of
    /// `requested_at`, in the order's time zone (SPEC: days after receipt; the day after receipt is 1).
    static let daysSince = FunctionDefinition(name: "days_since", parameter: .timestamp, result: .int) { argument, context throws(EvaluationError) in
        let wrong = EvaluationError(code: "internal", message: "days_since called without a timestamp")
        guard case .timestamp(let start) = argument else { throw wrong }
        return try withState(context, orThrow: wrong) { state in
            .int(state.withOrderZone { $0.calendarDays(from: start, to: state.request.requestedAt) })
        }
    }

    /// Calls `body` with the decision's state behind `context`, borrowed
    /// (`EvaluationContext.unretainedHost`): taken as `host`, the state was retained and
    /// released at every call. `error` when the context is not a decision's.
    @inline(__always)
    static func withState<Value>(_ context: any EvaluationContext, orThrow error: @autoclosure () -> EvaluationError, _ body: (EvaluationState) throws(EvaluationError) -> Value) throws(EvaluationError) -> Value {
        guard let host = context.unretainedHost else { throw error() }
        return try host.borrowing { (object) throws(EvaluationError) in
            // The class compared, then the reference reinterpreted: `as?` gave a retained one.
            guard type(of: object) == EvaluationState.self else { throw error() }
            return try body(unsafeDowncast(object, to: EvaluationState.self))
        }
    }

    /// `end_of_day(t, n)`: 23:59:59 of the local calendar day `n` days after the local date of `t`,
    /// in the order's time zone (the end of the last day of an n-day window starting the day after `t`).
    static let endOfDay = FunctionDefinition(name: "end_of_day", parameters: .timestamp, .int, result: .timestamp) { first, second, context throws(EvaluationError) in
        let wrong = EvaluationError(code: "internal", message: "end_of_day called with wrong arguments")
        guard case .timestamp(let start) = first, case .int(let days) = second else { throw wrong }
        return try withState(context, orThrow: wrong) { state in
            state.withOrderZone { zone in
                // A window too long for any calendar saturates: its end is later than every valid instant.
                let (day, overflow) = zone.localDay(of: start).addingReportingOverflow(days)
                return .timestamp(zone.endOfLocalDay(overflow ? (days < 0 ? Int64.min : Int64.max) : day))
            }
        }
    }

    /// `all_in(values, allowed)`: true when every element of `values` is in `allowed` (and `values` is not empty).
    static let allIn = FunctionDefinition(name: "all_in", parameters: .list(.string), .list(.string), result: .bool) { first, second, _ throws(EvaluationError) in
        guard case .list(let values) = first, case .list(let allowed) = second else {
            throw EvaluationError(code: "internal", message: "all_in called without lists")
        }
        return .bool(!values.isEmpty && values.allSatisfy { allowed.contains($0) })
    }
}

extension DomainFunctions {
    /// `end_of_working_day(t, n, holidays)`: 23:59:59 of the first local day, on or after the
    /// `n`-th day after the local date of `t`, that is neither a Saturday, a Sunday nor a date of
    /// `holidays` (ISO `YYYY-MM-DD` strings), in the order's time zone. `n` = 0 rolls `t`'s own day.
    static let endOfWorkingDay = makeEndOfWorkingDay(holidays: nil)

    /// `end_of_working_day` reading its holiday list at every call, or, with `holidays`, the
    /// same function for a list read when the policy loaded.
    private static func makeEndOfWorkingDay(holidays known: Set<Int64>?) -> FunctionDefinition {
        let specialize: (@Sendable ([Value?]) -> FunctionDefinition?)? = if known == nil {
            { (arguments: [Value?]) -> FunctionDefinition? in
                // A holiday list known when the policy loads (a parameter) is read once, here.
                guard arguments.count == 3, case .list(let dates)? = arguments[2], let days = try? holidayDays(dates) else { return nil }
                return makeEndOfWorkingDay(holidays: days)
            }
        } else {
            nil
        }
        return FunctionDefinition(
            name: "end_of_working_day", parameters: [.timestamp, .int, .list(.string)], result: .timestamp, specialize: specialize
        ) { (arguments: [Value], context: any EvaluationContext) throws(EvaluationError) -> Value in
            if let known { return try rollToWorkingDay(arguments, context, holidays: known) }
            // A list computed at run time (rare: holiday lists are parameters) is read at every call.
            guard arguments.count == 3, case .list(let dates) = arguments[2] else {
                throw EvaluationError(code: "internal", message: "end_of_working_day called with wrong arguments")
            }
            let days = try holidayDays(dates)
            return try rollToWorkingDay(arguments, context, holidays: days)
        }
    }

    /// The local days of a holiday list; an entry that is not a date is reported (for a list
    /// known at load, `specialize` then leaves the call to report it, as for any other list).
    private static func holidayDays(_ dates: [Value]) throws(EvaluationError) -> Set<Int64> {
        var days = Set<Int64>()
        for date in dates {
            guard case .string(let text) = date, let day = Timestamp.day(ofISODate: text) else {
                throw EvaluationError(code: "internal", message: "end_of_working_day: holiday \(date) is not a date YYYY-MM-DD")
            }
            days.insert(day)
        }
        return days
    }

    private static func rollToWorkingDay(_ arguments: [Value], _ context: any EvaluationContext, holidays: Set<Int64>) throws(EvaluationError) -> Value {
        guard case .timestamp(let start) = arguments[0], case .int(let days) = arguments[1], let state = context.host as? EvaluationState else {
            throw EvaluationError(code: "internal", message: "end_of_working_day called with wrong arguments")
        }
        let zone = state.request.order.zone
        let (day, overflow) = zone.localDay(of: start).addingReportingOverflow(days)
        let target = overflow ? (days < 0 ? Int64.min : Int64.max) : day
        return .timestamp(zone.endOfLocalDay(Zone.workingDay(onOrAfter: target, holidays: holidays)))
    }

    /// `add_months(t, n)`: the same local time of day on the local date `n` calendar months after
    /// the local date of `t`, in the order's time zone; a day the month lacks becomes its last day
    /// (29 February + 12 months → 28 February).
    static let addMonths = FunctionDefinition(name: "add_months", parameters: .timestamp, .int, result: .timestamp) { first, second, context throws(EvaluationError) in
        guard case .timestamp(let start) = first, case .int(let months) = second,
              let state = context.host as? EvaluationState else {
            throw EvaluationError(code: "internal", message: "add_months called with wrong arguments")
        }
        return .timestamp(state.request.order.zone.addingMonths(months, to: start))
    }
}

extension DomainFunctions {
    /// `kept_units(line)`: the units of the order's line `line` that the buyer keeps after this
    /// request, neither refunded earlier nor granted now (rules in `scope: settlement` or `request`).
    static let keptUnitsOfLine = FunctionDefinition(name: "kept_units", parameter: .string, result: .int) { argument, context throws(EvaluationError) in
        let (state, index) = try item(named: argument, context, "kept_units")
        return .int(Int64(state.keptUnits[index]))
    }

    /// `kept_gross(line)`: the gross of those units (unit price × kept units).
    static let keptGrossOfLine = FunctionDefinition(name: "kept_gross", parameter: .string, result: .money) { argument, context throws(EvaluationError) in
        let (state, index) = try item(named: argument, context, "kept_gross")
        return .money(state.request.order.items[index].unitPrice * Int64(state.keptUnits[index]))
    }

    /// The decision's state and the index of the item whose `line` is `argument`.
    private static func item(named argument: Value, _ context: any EvaluationContext, _ function: String) throws(EvaluationError) -> (EvaluationState, Int) {
        guard case .string(let line) = argument, let state = context.host as? EvaluationState else {
            throw EvaluationError(code: "internal", message: "\(function) called without a line id")
        }
        guard let index = state.request.order.items.firstIndex(where: { $0.line == line }), index < state.keptUnits.count else {
            throw EvaluationError(code: "internal", message: "\(function)('\(line)'): the order has no line '\(line)'")
        }
        return (state, index)
    }
}
