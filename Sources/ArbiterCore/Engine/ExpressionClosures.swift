/// The closure form (`ClosureExpression`) of every amount, value and define expression of a
/// policy's rules, and the traced closure form (`TracedClosureExpression`) of every rule
/// condition, found by the compiled expression's identity.
///
/// Untraced conditions have their closures in the rule sets (specialised per kind and reason);
/// the expressions effects and defines compute were walked as trees, about 470 instructions
/// each on the shared workload against ~150 as closures, and a `full` trail's conditions about
/// 1,400 each. Closures compute exactly what the tree walker computes, errors and recorded
/// steps included (`ExpressionPropertyTests`), so the audit trail is the same either way.
///
/// Looked up by address in an open-addressed table (a few instructions, no hashing of names):
/// the expressions are objects the policy keeps alive as long as the engine.
final class ExpressionClosures: @unchecked Sendable {
    private let keys: UnsafeMutableBufferPointer<UnsafeRawPointer?>
    private let closures: UnsafeMutableBufferPointer<Unmanaged<ClosureBox>?>
    private let tracedClosures: UnsafeMutableBufferPointer<Unmanaged<TracedClosureBox>?>
    /// Own the closures the table refers to without counting.
    private let boxes: [ClosureBox]
    private let tracedBoxes: [TracedClosureBox]
    private let mask: Int
    /// Keeps the expressions the table's keys point to alive.
    private let expressions: [CompiledExpression]

    /// `computed`: the expressions evaluated for their value; `conditions`: those a `full`
    /// trail records the steps of.
    init(computed: [CompiledExpression], conditions: [CompiledExpression] = []) {
        var unique: [CompiledExpression] = []
        var seen = Set<ObjectIdentifier>()
        for expression in computed + conditions where seen.insert(ObjectIdentifier(expression)).inserted { unique.append(expression) }
        self.expressions = unique
        // At most half full, so a probe ends at an empty slot after a step or two.
        var capacity = 8
        while capacity < 2 * unique.count { capacity *= 2 }
        mask = capacity - 1
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: nil)
        closures = .allocate(capacity: capacity)
        closures.initialize(repeating: nil)
        tracedClosures = .allocate(capacity: capacity)
        tracedClosures.initialize(repeating: nil)
        let computedSet = Set(computed.map(ObjectIdentifier.init))
        let conditionSet = Set(conditions.map(ObjectIdentifier.init))
        var boxes: [ClosureBox] = []
        var tracedBoxes: [TracedClosureBox] = []
        for expression in unique {
            var slot = Self.hash(Unmanaged.passUnretained(expression).toOpaque()) & mask
            while keys[slot] != nil { slot = (slot + 1) & mask }
            keys[slot] = UnsafeRawPointer(Unmanaged.passUnretained(expression).toOpaque())
            if computedSet.contains(ObjectIdentifier(expression)) {
                let box = ClosureBox(ClosureExpression(expression))
                boxes.append(box)
                closures[slot] = Unmanaged.passUnretained(box)
            }
            if conditionSet.contains(ObjectIdentifier(expression)) {
                let box = TracedClosureBox(TracedClosureExpression(expression), texts: expression.texts)
                tracedBoxes.append(box)
                tracedClosures[slot] = Unmanaged.passUnretained(box)
            }
        }
        self.boxes = boxes
        self.tracedBoxes = tracedBoxes
    }

    deinit {
        keys.deallocate()
        closures.deallocate()
        tracedClosures.deallocate()
    }

    /// The closure form of `expression`, or nil for one this table was not made with.
    @inline(__always)
    func closure(for expression: CompiledExpression) -> Unmanaged<ClosureBox>? {
        guard let slot = slot(of: expression) else { return nil }
        return closures[slot]
    }

    /// The traced closure form of the condition `expression`, or nil for one this table was not
    /// made with.
    @inline(__always)
    func tracedClosure(for expression: CompiledExpression) -> Unmanaged<TracedClosureBox>? {
        guard let slot = slot(of: expression) else { return nil }
        return tracedClosures[slot]
    }

    @inline(__always)
    private func slot(of expression: CompiledExpression) -> Int? {
        let key = UnsafeRawPointer(Unmanaged.passUnretained(expression).toOpaque())
        var slot = Self.hash(key) & mask
        while let candidate = keys[slot] {
            if candidate == key { return slot }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Objects are 16-byte aligned: the low bits carry nothing; the multiply mixes the rest.
    @inline(__always)
    private static func hash(_ pointer: UnsafeRawPointer) -> Int {
        let bits = UInt(bitPattern: pointer) >> 4
        return Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }
}

extension Rule {
    /// The expressions the rule computes besides its condition: its defines, and its effects'
    /// amounts, values and conditions.
    var computedExpressions: [CompiledExpression] {
        var expressions = defines.map(\.expression)
        for effect in effects { expressions += effect.expressions }
        return expressions
    }
}

extension Effect {
    /// The expressions an effect computes: amounts, values and conditions.
    var expressions: [CompiledExpression] {
        switch self {
        case .offer(_, let amount, _), .compensation(_, let amount, _): return [amount]
        case .adjust(let adjustment): return [adjustment.amount] + (adjustment.condition.map { [$0] } ?? [])
        case .refundShipping(let amount), .refundTo(let amount): return [amount]
        case .deadlines(let returnBy, let refundBy, let windowDays): return [returnBy, refundBy, windowDays].compactMap { $0 }
        case .verdict, .returnShipping, .routeToReview, .note: return []
        }
    }
}

/// An expression's closures in an object of constants. Evaluated through an uncounted
/// reference (`Unmanaged.borrowing`), the closure is called in place, where one
/// copied out of an array or a buffer was retained and released around each call (about 2,000
/// instructions per decision on the shared workload).
final class ClosureBox: Sendable {
    let expression: ClosureExpression<EvaluationState>

    init(_ expression: ClosureExpression<EvaluationState>) { self.expression = expression }

    /// The boxed expression's value as a `Bool` when it has a boolean operator at its root
    /// (`ClosureExpression.test`), else nil (`evaluate` gives its value); whoever made `box`
    /// keeps the box alive.
    @inline(__always)
    static func test(_ box: Unmanaged<ClosureBox>, _ state: EvaluationState) throws(EvaluationError) -> Bool? {
        try box.borrowing { (box) throws(EvaluationError) in
            guard let test = box.expression.test else { return nil }
            return try test(state)
        }
    }

    /// The value of the boxed expression; whoever made `box` keeps the box alive.
    @inline(__always)
    static func evaluate(_ box: Unmanaged<ClosureBox>, _ state: EvaluationState) throws(EvaluationError) -> Value {
        try box.borrowing { (box) throws(EvaluationError) in try box.expression.evaluate(state) }
    }
}

/// A condition's traced closures, and the texts its steps are recorded with (`StepTrace`).
final class TracedClosureBox: Sendable {
    let expression: TracedClosureExpression<EvaluationState>
    let texts: [String]

    init(_ expression: TracedClosureExpression<EvaluationState>, texts: [String]) {
        self.expression = expression
        self.texts = texts
    }

    /// The condition's value, its steps appended to `steps` (texts left empty, found by
    /// `textIndex`, as `CompiledExpression.evaluate(in:steps:)` records them).
    @inline(__always)
    static func evaluate(_ box: Unmanaged<TracedClosureBox>, _ state: EvaluationState, steps: InPlaceBuffer<ConditionStep>) throws(EvaluationError) -> Value {
        try box.borrowing { (box) throws(EvaluationError) in
            try StepTrace.withTrace(texts: box.texts, includeTexts: false, steps: steps) { (trace) throws(EvaluationError) in
                try box.expression.evaluate(state, trace)
            }
        }
    }
}
