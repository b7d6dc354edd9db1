/// Evaluates rule conditions and amounts for one decision, and records the trace when asked.
/// With tracing off it keeps only the ids of rules that fired (for `--audit summary`), and
/// nothing of the trace is built.
struct RuleRun: ~Copyable {
    let tracing: Bool
    /// Whether `firedRules` is kept (an audit trail lists them; `--audit none` has none).
    let listsFiredRules: Bool
    /// Rules that fired, in the order they first fired (compared by identity: no string work).
    var firedRules: [Rule] = []
    var offers: [Grant] = []
    /// The trace so far, as pending entries (the `TraceEntry` values are made once the
    /// steps are complete, in `finishTrace`); effects are attached to the last one once known.
    private var trace: InPlaceBuffer<PendingEntry>?
    private var entryOpen = false
    /// The trace is left in the buffers for the answer's writer (`deferTrace`).
    private var traceDeferred = false
    /// The condition steps of every rule traced, one after the other; each pending entry
    /// holds its stretch. One run for the whole decision: an array per rule allocated and
    /// freed a buffer for each of the ~40 rules a `full` trail shows.
    private var steps: InPlaceBuffer<ConditionStep>?
    /// Untraced: the value of each shared group define (`Define.shareKey`) and the line it was
    /// computed for (-1: not yet), so the group's other rules reuse it.
    private var sharedDefines: [(line: Int, value: Value)] = []

    /// The closure form of the rules' amounts, values and defines (computed the same, faster
    /// than walking their trees).
    private let closures: ExpressionClosures

    /// Arrays a run gives back when the decision is made, for the next run to fill (an
    /// `EvaluationState` keeps them): a run allocates nothing for them once they have grown.
    struct Buffers {
        var firedRules: [Rule] = []
        var sharedDefines: [(line: Int, value: Value)] = []
        /// The trace's buffers (`full` only), empty between decisions unless the last one left
        /// its trace here for its answer to be written from (`deferTrace`, `DeferredTrail`).
        var trace: InPlaceBuffer<PendingEntry>?
        var steps: InPlaceBuffer<ConditionStep>?
    }

    /// A rule considered, until the decision's steps are complete. The rule is held without
    /// counting: the engine that runs the decision holds it.
    struct PendingEntry {
        let rule: Unmanaged<Rule>
        let line: String?
        let fired: Bool
        let steps: Range<Int>
        var effects: [String]

        /// Made where it is stored, field by field (see `ConditionStep.initialize`).
        @inline(__always)
        static func initialize(_ entry: UnsafeMutablePointer<PendingEntry>, rule: Rule, line: String?, fired: Bool, steps: Range<Int>) {
            let raw = UnsafeMutableRawPointer(entry)
            (raw + MemoryLayout<PendingEntry>.offset(of: \PendingEntry.rule)!).initializeMemory(as: Unmanaged<Rule>.self, to: .passUnretained(rule))
            (raw + MemoryLayout<PendingEntry>.offset(of: \PendingEntry.line)!).initializeMemory(as: String?.self, to: line)
            (raw + MemoryLayout<PendingEntry>.offset(of: \PendingEntry.fired)!).initializeMemory(as: Bool.self, to: fired)
            (raw + MemoryLayout<PendingEntry>.offset(of: \PendingEntry.steps)!).initializeMemory(as: Range<Int>.self, to: steps)
            (raw + MemoryLayout<PendingEntry>.offset(of: \PendingEntry.effects)!).initializeMemory(as: [String].self, to: [])
        }
    }

    /// `buffers`: empty arrays whose memory the run takes (`finish(into:)` gives them back).
    init(tracing: Bool, listsFiredRules: Bool, closures: ExpressionClosures, reusing buffers: inout Buffers) {
        self.closures = closures
        self.tracing = tracing
        self.listsFiredRules = listsFiredRules || tracing
        swap(&firedRules, &buffers.firedRules)
        swap(&sharedDefines, &buffers.sharedDefines)
        // One allocation for the usual number of fired rules, not five as the array doubles.
        if self.listsFiredRules { firedRules.reserveCapacity(16) }
        if tracing {
            // A `full` trail considers ~40 rules with ~4 steps each: room for them at once,
            // kept from one decision to the next.
            trace = buffers.trace.take() ?? InPlaceBuffer(capacity: 64)
            steps = buffers.steps.take() ?? InPlaceBuffer(capacity: 256)
            // A deferred trace nobody wrote (its answer was never asked for) goes now.
            trace!.removeAll()
            steps!.removeAll()
        }
    }

    /// Evaluates a rule's condition; records it in the trace and, if it fired, in `firedRules`.
    /// Untraced, `untraced` (the condition with what the rule set knows decided in it, as
    /// closures) is evaluated instead of the condition as written.
    mutating func evaluate(_ rule: Rule, _ state: EvaluationState, line: String?, untraced: Unmanaged<ClosureBox>?) throws(EvaluationFailure) -> Bool {
        var fired = true
        // A rule that iterates computes its defines per element (`forEachElement`).
        if rule.forEach == nil, !rule.defines.isEmpty { try evaluateDefines(rule, state, element: nil) }
        let firstStep = steps?.count ?? 0
        let value: Value?
        do {
            if tracing, let condition = rule.condition {
                // The engine's table has every condition of its policy; the walker records the
                // same steps for one it does not (`TracedClosureExpression`).
                value = if let traced = closures.tracedClosure(for: condition) {
                    try TracedClosureBox.evaluate(traced, state, steps: steps!)
                } else {
                    try condition.evaluate(in: state, steps: steps!)
                }
            } else if tracing {
                value = nil
            } else if let untraced {
                // Most conditions are tests (`a && b`, `x != null`): their `Bool` is the answer.
                if let result = try ClosureBox.test(untraced, state) {
                    fired = result
                    value = nil
                } else {
                    value = try ClosureBox.evaluate(untraced, state)
                }
            } else {
                value = nil
            }
        } catch {
            throw EvaluationFailure(rule: rule.id, source: rule.source, message: "when: \(error.message)")
        }
        if let value {
            guard case .bool(let result) = value else {
                throw EvaluationFailure(rule: rule.id, source: rule.source, message: "when: condition did not produce a boolean")
            }
            fired = result
        }
        if fired, listsFiredRules, !firedRules.contains(where: { $0 === rule }) { firedRules.append(rule) }
        if tracing {
            // The rule's entry, open for `recordEffects`. Its steps are attached when the trace
            // is finished: a slice taken now would share the array, and the next rule's steps
            // would copy it all.
            PendingEntry.initialize(trace!.nextSlot(), rule: rule, line: line, fired: fired, steps: firstStep..<steps!.count)
            entryOpen = true
        }
        return fired
    }

    /// Attaches the effects applied to the last trace entry (their list is made only when
    /// traced). Inlined: an untraced run pays one test per fired rule, not a call.
    @inline(__always)
    mutating func recordEffects(_ applied: borrowing AppliedEffects) {
        guard tracing, entryOpen else { return }
        let effects = applied.texts
        guard !effects.isEmpty else { return }
        trace!.modify(trace!.count - 1) { $0.effects = effects }
    }

    /// The finished trace; nil unless tracing. The steps move into one array that the
    /// entries share, and each entry is made once, in place.
    mutating func finishTrace() -> [TraceEntry]? {
        guard let trace, let steps else { return nil }
        entryOpen = false
        let allSteps = steps.moveToArray()
        // Each pending entry moved straight into its trace entry: no array of them in between.
        let count = trace.count
        return [TraceEntry](unsafeUninitializedCapacity: count) { entries, initialized in
            trace.moveOut { index, pending in
                TraceEntry.initialize(
                    entries.baseAddress! + index, recorded: pending.rule.takeUnretainedValue(), steps: allSteps[pending.steps],
                    line: pending.line, fired: pending.fired, effects: pending.effects)
            }
            initialized = count
        }
    }

    /// Leaves the trace, as recorded, in the buffers `finish(into:)` gives back, instead of
    /// making its `[TraceEntry]`: the caller writes the answer from them at once
    /// (`DeferredTrail`), and the entries are never built, copied or destroyed as values.
    mutating func deferTrace() {
        entryOpen = false
        traceDeferred = tracing
    }

    /// Gives the run's reusable arrays, emptied, to `buffers` (a deferred trace stays in them).
    mutating func finish(into buffers: inout Buffers) {
        firedRules.removeAllKeepingMemory()
        // Kept at their count, marked not computed: the next decision does not append them again.
        for index in sharedDefines.indices { sharedDefines[index].line = -1 }
        swap(&firedRules, &buffers.firedRules)
        swap(&sharedDefines, &buffers.sharedDefines)
        if let trace, let steps {
            if !traceDeferred {
                trace.removeAll()
                steps.removeAll()
            }
            buffers.trace = trace
            buffers.steps = steps
        }
    }

    /// Computes a rule's `define:` values, in order, into their slots.
    ///
    /// Each define is read in place, field by field: `for define in rule.defines` copied each
    /// one (its name and expression retained and released).
    mutating func evaluateDefines(_ rule: Rule, _ state: EvaluationState, element: String?) throws(EvaluationFailure) {
        for index in rule.defines.indices {
            let value: Value
            let slot = rule.defines[index].slot - RequestField.defineSlotBase
            // A trace lists every define a rule computed: only untraced runs reuse them.
            let shareKey = tracing || element != nil ? nil : rule.defines[index].shareKey
            let line = rule.defines[index].isPerDecision ? Int.max : state.currentLine
            if let key = shareKey {
                while sharedDefines.count <= key { sharedDefines.append((-1, .null)) }
                if sharedDefines[key].line == line {
                    state.defineValues[slot] = sharedDefines[key].value
                    continue
                }
            }
            do {
                value = try compute(rule.defines[index].expression, state)
            } catch {
                throw EvaluationFailure(rule: rule.id, source: rule.source, message: "define \(rule.defines[index].name): \(error.message)")
            }
            if let key = shareKey { sharedDefines[key] = (line, value) }
            state.defineValues[slot] = value
            state.computations?.record(.define) { values in
                values.append(idOf: rule)
                values.append(element.map(AuditValue.string) ?? .null)
                values.append(.string(rule.defines[index].name))
                values.append(sourceOf: rule.defines[index].expression)
                values.append(value: value)
            }
        }
    }

    /// An expression's value, from its closures when the policy's rules have it (always, but
    /// for an expression of another policy).
    @inline(__always)
    private func compute(_ expression: CompiledExpression, _ state: EvaluationState) throws(EvaluationError) -> Value {
        if let closure = closures.closure(for: expression) { return try ClosureBox.evaluate(closure, state) }
        return try expression.evaluate(in: state)
    }

    /// How many times a rule's effects apply: once per element of its `for_each`, else once.
    func elementCount(of rule: Rule, _ state: EvaluationState) -> Int {
        rule.forEach.map { state.elementCount($0) } ?? 1
    }

    /// Computes a rule's `split:` before its elements: the total once, each element's weight,
    /// and the shares the elements read as `split.share`.
    /// The engine fixes only the arithmetic (largest remainder, ties to the first element, never
    /// more than the weights add up to); what is split and by what weight is the pack's.
    /// Only a rule with `split:` reads `split.*` (the loader makes sure), so a rule without one
    /// does not call this and leaves the last shares alone.
    mutating func split(_ split: RuleSplit, of rule: Rule, _ state: EvaluationState) throws(EvaluationFailure) {
        guard let iteration = rule.forEach else { return }  // the loader requires one with split:
        let total = try money(split.total, state, rule: rule, what: "split total", line: nil)
        let count = state.elementCount(iteration)
        var weights: [Int64] = []
        weights.reserveCapacity(count)
        var sum: Int64 = 0
        for index in 0..<count {
            state.currentElement = index
            guard case .money(let weight) = try value(split.weight, state, rule: rule, what: ValueName("split weight", " for ", state.elementName(iteration, index))),
                  weight >= 0 else {
                throw EvaluationFailure(rule: rule.id, source: rule.source,
                                        message: "split weight for \(state.elementName(iteration, index)): must be a non-negative money value")
            }
            let (added, overflow) = sum.addingReportingOverflow(weight)
            guard !overflow else {
                throw EvaluationFailure(rule: rule.id, source: rule.source, message: "split weight: the weights' sum overflows")
            }
            sum = added
            weights.append(weight)
        }
        state.splitTotal = min(total, sum)
        state.splitShares = Proration.allocate(state.splitTotal, proportionalTo: weights) ?? [Int64](repeating: 0, count: count)
        guard state.computations != nil else { return }
        let shares = state.splitShares
        let table = state.auditTable(.split, rows: count) { log in
            for index in 0..<count {
                log.cell(.string(state.elementName(iteration, index)))
                log.cell(.money(weights[index]))
                log.cell(.money(shares[index]))
            }
        }
        state.computations?.record(ComputationLayout.split, table) { values in
            values.append(idOf: rule)
            values.append(.money(total))
            values.append(.money(sum))
            values.append(.money(state.splitTotal))
            values.append(.string("min(total, weights) split in proportion to the weights, largest remainder, ties to the element listed first"))
            values.append(table)
        }
    }

    /// Makes element `index` of the rule's `for_each` current and computes its defines; the
    /// element's name for the audit trail (nil for a rule that does not iterate).
    mutating func enterElement(_ index: Int, of rule: Rule, _ state: EvaluationState) throws(EvaluationFailure) -> String? {
        guard let iteration = rule.forEach else { return nil }
        state.currentElement = index
        let name = state.elementName(iteration, index)
        try evaluateDefines(rule, state, element: name)
        return name
    }

    /// The value of an effect's own `when:` (an effect without one holds: the caller does not
    /// ask), in the computations when traced.
    mutating func holds(_ condition: CompiledExpression, _ state: EvaluationState, rule: Rule, what: @autoclosure () -> String, element: String?) throws(EvaluationFailure) -> Bool {
        let value = try self.value(condition, state, rule: rule, what: element.map { ValueName(what(), " for ", $0, ending: " when") } ?? ValueName(what(), ending: " when"))
        guard case .bool(let result) = value else {
            throw EvaluationFailure(rule: rule.id, source: rule.source, message: "\(what()): condition did not produce a boolean")
        }
        return result
    }

    /// A signed amount of money (an adjustment: deductions are negative).
    mutating func signedMoney(_ expression: CompiledExpression, _ state: EvaluationState, rule: Rule, what: @autoclosure () -> String, element: String?) throws(EvaluationFailure) -> Int64 {
        guard case .money(let amount) = try value(expression, state, rule: rule, what: element.map { ValueName(what(), " for ", $0) } ?? ValueName(what())) else {
            throw EvaluationFailure(rule: rule.id, source: rule.source, message: "\(what()): amount must be a money value")
        }
        return amount
    }

    /// `what` names the value in the audit trail and in errors: built only when one is written.
    mutating func value(_ expression: CompiledExpression, _ state: EvaluationState, rule: Rule, what: @autoclosure () -> ValueName) throws(EvaluationFailure) -> Value {
        do {
            let value = try compute(expression, state)
            state.computations?.record(.expression) { values in
                values.append(idOf: rule)
                values.append(name: what())
                values.append(sourceOf: expression)
                values.append(value: value)
            }
            return value
        } catch {
            throw EvaluationFailure(rule: rule.id, source: rule.source, message: "\(what().text): \(error.message)")
        }
    }

    mutating func money(_ expression: CompiledExpression, _ state: EvaluationState, rule: Rule, what: @autoclosure () -> String, line: String?) throws(EvaluationFailure) -> Int64 {
        let value = try value(expression, state, rule: rule, what: line.map { ValueName(what(), " for line ", $0) } ?? ValueName(what()))
        guard case .money(let amount) = value, amount >= 0 else {
            throw EvaluationFailure(rule: rule.id, source: rule.source, message: "\(what()): amount must be a non-negative money value")
        }
        return amount
    }
}

extension AuditValue {
    /// An expression value as the audit trail shows it.
    init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .money(let amount): self = .money(amount)
        case .percent(let basisPoints): self = .string(Percent(basisPoints: basisPoints).description)
        case .duration(let seconds): self = .string(Self.duration(seconds))
        case .string(let text): self = .string(text)
        case .timestamp(let timestamp): self = .string(timestamp.rfc3339)
        case .list(let values): self = .string(Self.listText(values))
        }
    }

    static func duration(_ seconds: Int64) -> String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    /// `["a", "b"]`: built in one string (named lists are shown at every step that tests them).
    static func listText(_ values: [Value]) -> String {
        var text = "["
        text.reserveCapacity(2 + values.count * 16)
        for (index, value) in values.enumerated() {
            if index > 0 { text += ", " }
            switch value {
            case .string(let element):
                text += "\""
                text += element
                text += "\""
            default: text += Self.text(value)
            }
        }
        text += "]"
        return text
    }

    static func text(_ value: Value) -> String {
        switch value {
        case .string(let text): return "\"\(text)\""
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        default:
            if case .string(let text) = AuditValue(value) { return text }
            return "?"
        }
    }
}
