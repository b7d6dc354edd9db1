/// The answer to one request (SPEC section 5), a value the JSON writer serialises.
/// Amounts are minor units of `currency`.
///
/// `Equatable` and `Codable` so that a service embedding the engine can compare and store
/// decisions as values. The `Codable` form is Swift's own (amounts as integers of minor units);
/// the protocol's bytes are `DecisionWriter`'s, which `Decider.answer(line:)` returns.
public struct Decision: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable { case approve, partial, reject, review }

    public var id: String
    public var outcome: Outcome
    public var currency: Currency
    public var lines: [LineDecision]
    public var refund: RefundSummary
    public var returnShippingPayer: ReturnShippingPayer
    public var compensation: [Grant]
    public var offers: [Grant]
    public var reasons: [DecisionReason]
    public var deadlines: Deadlines
    public var audit: AuditRecord?
}

public struct LineDecision: Sendable, Equatable, Codable {
    public var line: String
    public var quantity: Int
    public var verdict: Verdict
    public var gross: Int64
    public var discount: Int64
    public var paid: Int64
    public var refund: Int64
    public var reasons: [String]
}

public struct RefundSummary: Sendable, Equatable, Codable {
    public var items: Int64
    public var shipping: Int64
    public var adjustments: [Adjustment]
    public var total: Int64
    /// What goes back to each payment of the order, in the order given (SPEC section 8); nil
    /// when the order lists no payments.
    public var byMethod: [MethodRefund]?
}

/// The part of a refund that goes back to one means of payment.
public struct MethodRefund: Sendable, Hashable, Codable {
    public var method: String
    public var amount: Int64
}

/// A signed change to the refund (a deduction is negative).
public struct Adjustment: Sendable, Hashable, Codable {
    public var code: String
    public var amount: Int64
    public var rule: String
    /// The discount it was made for (a settlement rule with `for_each: discount`, e.g. a
    /// threshold clawback): what the caller adds to that discount's `clawed_back`. Without it
    /// the caller could not tell two discounts' clawbacks apart, nor match them by position
    /// (an adjustment capped to zero is not listed).
    public var discount: String?
    /// The gift line it was made for (a settlement rule with `for_each: gift`).
    public var line: String?

    public init(code: String, amount: Int64, rule: String, discount: String? = nil, line: String? = nil) {
        self.code = code
        self.amount = amount
        self.rule = rule
        self.discount = discount
        self.line = line
    }
}

/// Compensation granted, or an offer the customer may accept instead.
public struct Grant: Sendable, Hashable, Codable {
    public var kind: String
    public var amount: Int64
    public var code: String
    public var rule: String
    /// The requested line an offer is about, when it is about one.
    public var line: String?
}

public struct DecisionReason: Sendable, Hashable, Codable {
    public var code: String
    public var rule: String
    public var message: String
}

public struct Deadlines: Sendable, Equatable, Codable {
    public var returnBy: Timestamp?
    /// When the refund must be paid at the latest (SPEC section 12 rule 11); null where a pack sets none.
    public var refundBy: Timestamp?
    public var refundWithinDaysOfReceipt: Int64?
}

/// How much of the audit trail a decision carries (SPEC section 5).
public enum AuditLevel: String, Sendable, CaseIterable, Codable {
    case full, summary, none
}

public struct AuditRecord: Sendable, Equatable, Codable {
    public var policyName: String
    public var policyVersion: String
    public var policyDigest: String
    public var inputDigest: String
    public var engine: String
    /// Ids of the rules that fired, in policy order (summary and full).
    public var rulesFired: [String]
    /// Every rule considered (full only, nil at `summary`), in the order considered: each
    /// rule's id, source `file:line`, the line it was considered for, whether it fired, each
    /// condition step's value and operands, and the effects applied.
    public var trace: [TraceEntry]?
    /// Every amount's derivation (full only).
    public var computations: [Computation]

    /// The most bytes the trace and computations of one answer may take (SPEC section 8: no
    /// answer over 16 MiB). The rest of an answer is at most a few MiB: the request's own line
    /// ids, once per line and offer.
    public static let maximumTrailBytes = 10 * 1_048_576
}

/// One rule considered while deciding (`audit.trace[]`, SPEC section 5).
///
/// The engine records an entry as the rule and the condition steps it evaluated, and converts
/// nothing until the entry is read: the writer copies the rule's texts as JSON escaped once at
/// load. Read through its properties, compared or encoded, an entry is plain values.
public struct TraceEntry: Sendable, Equatable, Codable {
    enum Storage: Sendable {
        /// `steps` is this rule's stretch of the one array of steps its decision recorded
        /// (`RuleRun.finishTrace`): one buffer per decision, not one per rule considered.
        case recorded(Rule, steps: ArraySlice<ConditionStep>)
        case values(rule: String, at: String, basis: String, conditions: [TraceCondition])
    }

    var storage: Storage
    /// The requested line the rule was considered for (line rules only).
    public var line: String?
    public var fired: Bool
    /// The effects applied, as text (`approve SEVEN_DAY_NO_REASON`); empty when none.
    public var effects: [String]

    public init(rule: String, at: String, basis: String, line: String?, fired: Bool, conditions: [TraceCondition], effects: [String] = []) {
        storage = .values(rule: rule, at: at, basis: basis, conditions: conditions)
        self.line = line
        self.fired = fired
        self.effects = effects
    }

    init(recorded rule: Rule, steps: ArraySlice<ConditionStep>, line: String?, fired: Bool, effects: [String]) {
        storage = .recorded(rule, steps: steps)
        self.line = line
        self.fired = fired
        self.effects = effects
    }

    /// `init(recorded:…)` made in the uninitialized memory at `entry`, field by field: built
    /// first and then stored, an entry is copied and the original destroyed (its rule, steps,
    /// line and effects retained and released once more; see `ConditionStep.initialize`).
    @inline(__always)
    static func initialize(
        _ entry: UnsafeMutablePointer<TraceEntry>, recorded rule: Rule, steps: ArraySlice<ConditionStep>, line: String?,
        fired: Bool, effects: [String]
    ) {
        let raw = UnsafeMutableRawPointer(entry)
        (raw + MemoryLayout<TraceEntry>.offset(of: \TraceEntry.storage)!).initializeMemory(as: Storage.self, to: .recorded(rule, steps: steps))
        (raw + MemoryLayout<TraceEntry>.offset(of: \TraceEntry.line)!).initializeMemory(as: String?.self, to: line)
        (raw + MemoryLayout<TraceEntry>.offset(of: \TraceEntry.fired)!).initializeMemory(as: Bool.self, to: fired)
        (raw + MemoryLayout<TraceEntry>.offset(of: \TraceEntry.effects)!).initializeMemory(as: [String].self, to: effects)
    }

    public var rule: String {
        switch storage {
        case .recorded(let rule, _): return rule.id
        case .values(let rule, _, _, _): return rule
        }
    }

    /// `file:line` of the rule in its pack.
    public var at: String {
        switch storage {
        case .recorded(let rule, _): return rule.source
        case .values(_, let at, _, _): return at
        }
    }

    public var basis: String {
        switch storage {
        case .recorded(let rule, _): return rule.basis
        case .values(_, _, let basis, _): return basis
        }
    }

    /// Each step of the condition that decided it, in evaluation order; a condition with no
    /// comparison or chain in it (a parameter alone) is one step, its own value.
    public var conditions: [TraceCondition] {
        switch storage {
        case .values(_, _, _, let conditions):
            return conditions
        case .recorded(let rule, let steps):
            guard let condition = rule.condition else { return [] }
            if steps.isEmpty { return [TraceCondition(expr: condition.source, value: .bool(fired))] }
            // The steps come from this rule's own condition, so their text indexes are its own.
            return steps.map { step in
                TraceCondition(expr: condition.texts[step.textIndex], value: AuditValue(step.value),
                               left: step.left.map(AuditValue.init), right: step.right.map(AuditValue.init))
            }
        }
    }

    public static func == (lhs: TraceEntry, rhs: TraceEntry) -> Bool {
        lhs.rule == rhs.rule && lhs.at == rhs.at && lhs.basis == rhs.basis && lhs.line == rhs.line && lhs.fired == rhs.fired
            && lhs.effects == rhs.effects && lhs.conditions == rhs.conditions
    }

    private enum CodingKeys: String, CodingKey { case rule, at, basis, line, fired, conditions, effects }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule, forKey: .rule)
        try container.encode(at, forKey: .at)
        try container.encode(basis, forKey: .basis)
        try container.encodeIfPresent(line, forKey: .line)
        try container.encode(fired, forKey: .fired)
        try container.encode(conditions, forKey: .conditions)
        try container.encode(effects, forKey: .effects)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            rule: try container.decode(String.self, forKey: .rule), at: try container.decode(String.self, forKey: .at),
            basis: try container.decode(String.self, forKey: .basis), line: try container.decodeIfPresent(String.self, forKey: .line),
            fired: try container.decode(Bool.self, forKey: .fired), conditions: try container.decode([TraceCondition].self, forKey: .conditions),
            effects: try container.decode([String].self, forKey: .effects))
    }
}

/// One step of a rule's condition: the sub-expression's text and value, and for a comparison
/// the operands that decided it.
public struct TraceCondition: Sendable, Equatable, Codable {
    public var expr: String
    public var value: AuditValue
    public var left: AuditValue?
    public var right: AuditValue?

    public init(expr: String, value: AuditValue, left: AuditValue? = nil, right: AuditValue? = nil) {
        self.expr = expr
        self.value = value
        self.left = left
        self.right = right
    }
}

/// One step of arithmetic an auditor can redo: a name, the inputs and the result, in order.
///
/// Names are the engine's vocabulary (`allocate_discount`, `scope_gross`), not input: each kind
/// of step is a `ComputationLayout` made once, and a computation holds only its values.
public struct Computation: Sendable, Equatable, Codable {
    private(set) var layout: ComputationLayout
    /// The fields' values, in the order of `layout.names`: a stretch of the one array a
    /// decision's computations share (`ComputationLog`), or an array of its own.
    private(set) var values: ArraySlice<AuditValue>

    public var step: String {
        get { layout.step }
        set { layout = ComputationLayout(newValue, layout.names) }
    }

    public var fields: [AuditField] {
        get { zip(layout.names, values).map { AuditField(name: $0, value: $1) } }
        set {
            layout = ComputationLayout(layout.step, newValue.map(\.name))
            values = newValue.map(\.value)[...]
        }
    }

    public init(_ step: String, _ fields: [(String, AuditValue)]) {
        self.init(ComputationLayout(step, fields.map(\.0)), fields.map(\.1)[...])
    }

    /// A step of a kind the engine declares once (`ComputationLayout.define`), `values` in the
    /// order of its names.
    init(_ layout: ComputationLayout, _ values: ArraySlice<AuditValue>) {
        precondition(values.count == layout.names.count, "a \(layout.step) computation has \(layout.names.count) fields")
        self.layout = layout
        self.values = values
    }

    public static func == (lhs: Computation, rhs: Computation) -> Bool {
        (lhs.layout === rhs.layout || (lhs.layout.step == rhs.layout.step && lhs.layout.names == rhs.layout.names)) && lhs.values == rhs.values
    }

    private enum CodingKeys: String, CodingKey { case step, fields }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(step, forKey: .step)
        try container.encode(fields, forKey: .fields)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let fields = try container.decode([AuditField].self, forKey: .fields)
        self.init(try container.decode(String.self, forKey: .step), fields.map { ($0.name, $0.value) })
    }
}

/// A named value of a computation or of a row of its table.
public struct AuditField: Sendable, Equatable, Codable {
    public var name: String
    public var value: AuditValue

    public init(name: String, value: AuditValue) {
        self.name = name
        self.value = value
    }

    /// A field as the engine's tables write it (`AuditField("line", .string(id))`).
    init(_ name: String, _ value: AuditValue) {
        self.init(name: name, value: value)
    }
}

/// A value in the audit trail, written as JSON.
public enum AuditValue: Sendable, Equatable, Codable {
    /// Minor units of the decision's currency.
    case money(Int64)
    case int(Int64)
    case string(String)
    case bool(Bool)
    case null
    case rows([[AuditField]])
}
