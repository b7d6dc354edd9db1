/// A loaded, type-checked policy: everything the engine needs to decide requests.
public struct Policy: Sendable {
    public var name: String
    public var version: String
    public var description: String
    public var schema: RequestSchema
    public var parameters: [Parameter]
    public var codes: [String: ReasonCode]
    /// Rules with `scope: line`, in policy order, evaluated once per requested line.
    public var lineRules: [Rule]
    /// `scope: settlement` rules, evaluated after line verdicts: they propose the adjustments and
    /// the shipping refund; the engine applies the adjustments, capped, in their order.
    public var settlementRules: [Rule]
    /// Other request rules, evaluated last (they may read `refund.*`).
    public var requestRules: [Rule]
    /// `sha256:<hex>` over the policy's files (see `PolicyDigest`).
    public var digest: String
    /// How many `define:` values the rules have in all (each has its own slot).
    public var defineCount: Int
    /// When this version is in force (SPEC section 9): `[effectiveFrom, effectiveUntil)` of the
    /// request's selecting timestamp. Required in a set; a lone pack may omit it (not enforced).
    public var effectiveFrom: Timestamp? = nil
    /// Exclusive end; nil for open-ended.
    public var effectiveUntil: Timestamp? = nil
    /// Which request timestamp selects the version in force.
    public var selectedBy: SelectingTimestamp = .placedAt
    /// Where `policy:` is declared (set diagnostics name the version's file by it), and where
    /// `effective_from` / `effective_until` / `selected_by` are written when they are.
    public var headerLocation = SourceLocation(file: "")
    public var effectiveFromLocation: SourceLocation? = nil
    public var effectiveUntilLocation: SourceLocation? = nil
    public var selectedByLocation: SourceLocation? = nil

    public var currency: Currency { schema.currency }

    /// All rules in policy order (files sorted by path, rules in file order).
    public var allRules: [Rule] {
        (lineRules + settlementRules + requestRules).sorted { $0.order < $1.order }
    }
}

/// The request timestamp whose instant selects the version of a pack in force (`selected_by`).
public enum SelectingTimestamp: String, Sendable, CaseIterable {
    /// `order.placed_at`: the rules in force when the contract was made (the default).
    case placedAt = "placed_at"
    /// `requested_at`: the rules in force when the request is made.
    case requestedAt = "requested_at"

    /// The request path of the timestamp, as errors name it.
    public var path: String { self == .placedAt ? "$.order.placed_at" : "$.requested_at" }
}

/// A named, typed number (or list) that rules refer to, so authors change values without touching logic.
public struct Parameter: Sendable {
    public var name: String
    public var type: ValueType
    public var value: Value
    public var description: String
    public var location: SourceLocation
}

/// A declared reason code with its messages.
public struct ReasonCode: Sendable {
    public var code: String {
        didSet { resolved = Resolved(messages, code) }
    }
    public var messages: [MessageLocale: String] {
        didSet { resolved = Resolved(messages, code) }
    }
    public var location: SourceLocation
    /// `message(in:)` for each locale, worked out once: every decision shows a message per
    /// reason (two dictionary lookups each otherwise).
    private var resolved: Resolved

    private struct Resolved {
        var zhCN, en, de: String
        init(_ messages: [MessageLocale: String], _ code: String) {
            let fallback = messages[.en] ?? code
            zhCN = messages[.zhCN] ?? fallback
            en = fallback
            de = messages[.de] ?? fallback
        }
    }

    public init(code: String, messages: [MessageLocale: String], location: SourceLocation) {
        self.code = code
        self.messages = messages
        self.location = location
        resolved = Resolved(messages, code)
    }

    /// The message in `locale`, else in English, else the code itself.
    public func message(in locale: MessageLocale) -> String {
        switch locale {
        case .zhCN: return resolved.zhCN
        case .en: return resolved.en
        case .de: return resolved.de
        }
    }
}

public enum RuleScope: String, Sendable, CaseIterable {
    case line
    /// After line verdicts, before amounts are final: adjustments and the shipping refund.
    case settlement
    case request
}

public enum Verdict: String, Sendable, Comparable, CaseIterable, Codable {
    case approve, review, reject

    /// Precedence when several rules speak to one line: reject > review > approve.
    var rank: Int {
        switch self {
        case .approve: return 0
        case .review: return 1
        case .reject: return 2
        }
    }

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }
}

public enum ReturnShippingPayer: String, Sendable, CaseIterable, Codable {
    case buyer, seller, insurance, none
}

/// A rule's `split:` (SPEC section 8, "Refund by payment method", written as policy): `total`
/// is computed once, before the elements; `weight` once for each element of the rule's
/// `for_each`; each element's `split.share` is min(total, Σ weights) split in proportion to the
/// weights by the largest remainder, ties to the element listed first (`Proration.allocate`),
/// so no share exceeds its weight and the shares sum to `split.total`.
public struct RuleSplit: Sendable {
    public let total: CompiledExpression
    public let weight: CompiledExpression

    public init(total: CompiledExpression, weight: CompiledExpression) {
        self.total = total
        self.weight = weight
    }
}

/// One compiled rule. A class so that the engine's per-request walk over the policy's rules
/// costs one reference-count operation per rule rather than a copy of every field.
public final class Rule: Sendable {
    public let id: String
    public let description: String
    public let basis: String
    public let scope: RuleScope
    /// nil means the rule always applies.
    public let condition: CompiledExpression?
    /// Named values the rule computes before its condition (or, with `for_each`, for each
    /// element before its effects), in order; each may read the ones before it.
    public let defines: [Define]
    /// The elements the rule's effects apply to one by one; nil for once.
    public let forEach: RuleIteration?
    /// `split: {total:, weight:}`: an amount split over the elements in proportion to a weight
    /// each, which the effects read as `split.share`; nil when the rule splits nothing.
    public let split: RuleSplit?
    /// `otherwise: true`: a line rule considered after every other line rule, only for a line
    /// no other rule gave a verdict.
    public let isOtherwise: Bool
    public let effects: [Effect]
    public let location: SourceLocation
    /// Position in the whole policy, for stable ordering.
    public let order: Int
    /// `file:line` with the file relative to the policy folder, as the audit trail shows it
    /// (independent of where the policy sits on a machine, so decisions are the same everywhere).
    public let source: String
    /// `"rule":"<id>","at":"<source>","basis":"<legal basis>"`, encoded once for every audit trail that lists the rule.
    var auditHeader: EncodedJSON { EncodedJSON(headerMembers, 0) }
    /// The same members in canonical (sorted) order, where other members go between them:
    /// `"at":"<source>","basis":"<legal basis>"` first, `"rule":"<id>"` last (the decision log's records).
    var canonicalAuditHead: EncodedJSON { EncodedJSON(headerMembers, 1) }
    var canonicalAuditRule: EncodedJSON { EncodedJSON(headerMembers, 2) }
    /// `"expr":"<whole condition>"`, for a condition no step explains (a parameter alone: `when: clawback_enabled`).
    var conditionSourceMember: EncodedJSON { EncodedJSON(headerMembers, 3) }
    /// `"expr":"<text>"` for each traced sub-expression of the condition (by `ConditionStep.textIndex`).
    func conditionTextMember(_ textIndex: Int) -> EncodedJSON { EncodedJSON(conditionTexts, textIndex) }
    /// The members above, encoded when the rule is made (`EncodedFragments`: the writers copy
    /// them without retaining an array each time).
    private let headerMembers: EncodedFragments
    private let conditionTexts: EncodedFragments
    /// `"right":"[\"a\", \"b\"]"` for each `in` step of the condition that tests a constant list,
    /// by `ConditionStep.textIndex` (empty for other steps): the list a step shows as its `right`
    /// is that constant, so its text is encoded once here rather than at every step of every answer.
    private let conditionConstantRightMembers: EncodedFragments
    /// How each effect is named in its trace entry's `effects` (`Effect.traceText`), made once:
    /// the trace of every answer lists them.
    let effectTexts: [String]
    /// How each effect's computed amount is named in a `full` trail's computations (`what`:
    /// `offer CODE`, `compensation CODE`, `adjust CODE`), made once rather than per answer.
    let computationNames: [String]

    public init(
        id: String, description: String, basis: String, scope: RuleScope, condition: CompiledExpression?,
        defines: [Define] = [], forEach: RuleIteration? = nil, split: RuleSplit? = nil, isOtherwise: Bool = false,
        effects: [Effect], location: SourceLocation, order: Int, source: String
    ) {
        self.id = id
        self.description = description
        self.basis = basis
        self.scope = scope
        self.condition = condition
        self.defines = defines
        self.forEach = forEach
        self.split = split
        self.isOtherwise = isOtherwise
        self.effects = effects
        self.location = location
        self.order = order
        self.source = source
        self.headerMembers = EncodedFragments([
            JSONWriter.encodedMembers([("rule", id), ("at", source), ("basis", basis)]),
            JSONWriter.encodedMembers([("at", source), ("basis", basis)]),
            JSONWriter.encodedMembers([("rule", id)]),
            condition.map { JSONWriter.encodedMembers([("expr", $0.source)]) } ?? [],
        ])
        self.conditionTexts = EncodedFragments(condition?.texts.map { JSONWriter.encodedMembers([("expr", $0)]) } ?? [])
        var rightMembers = [[UInt8]](repeating: [], count: condition?.texts.count ?? 0)
        for (text, values) in condition?.constantListsByText ?? [:] where text < rightMembers.count {
            guard case .string(let shown) = AuditValue(Value.list(values)) else { continue }
            rightMembers[text] = JSONWriter.encodedMembers([("right", shown)])
        }
        self.conditionConstantRightMembers = EncodedFragments(rightMembers)
        self.effectTexts = effects.map(\.traceText)
        self.computationNames = effects.map(\.computationName)
    }

    /// A step's `right` member as encoded with the policy, when it shows a constant list (from
    /// the step's text index and `right` value).
    func encodedRight(textIndex: Int, right: Value?) -> EncodedJSON? {
        guard case .list? = right, !conditionConstantRightMembers.views[textIndex].isEmpty else { return nil }
        return EncodedJSON(conditionConstantRightMembers, textIndex)
    }
}

public enum Effect: Sendable {
    case verdict(Verdict, codes: [String])
    case offer(kind: String, amount: CompiledExpression, code: String)
    case compensation(kind: CompensationKind, amount: CompiledExpression, code: String)
    case returnShipping(ReturnShippingPayer)
    /// Approved lines become review and carry this code (request scope).
    case routeToReview(code: String)
    case deadlines(returnBy: CompiledExpression?, refundBy: CompiledExpression?, windowDays: CompiledExpression?)
    /// A request-level reason code that changes no verdict (request scope).
    case note(code: String)
    /// A signed amount added to the refund, when its condition holds (settlement scope).
    case adjust(AdjustmentEffect)
    /// `refund.shipping` (settlement scope; the first rule that sets it wins).
    case refundShipping(CompiledExpression)
    /// What goes back to the current payment of `for_each: payment` (request scope; the first
    /// rule that sets it for a payment wins).
    case refundTo(CompiledExpression)

    /// An adjustment a settlement rule proposes: `{code, amount, when}`.
    public struct AdjustmentEffect: Sendable {
        public var code: String
        public var amount: CompiledExpression
        public var condition: CompiledExpression?
    }

    /// The name of the amount the effect computes, as a `full` trail's computations show it
    /// (`Rule.computationNames`); effects that compute no named amount have their trace text.
    var computationName: String {
        switch self {
        case .offer(_, _, let code): return "offer \(code)"
        case .compensation(_, _, let code): return "compensation \(code)"
        case .adjust(let adjustment): return "adjust \(adjustment.code)"
        default: return traceText
        }
    }

    /// The effect as its trace entry names it (`approve SEVEN_DAY_NO_REASON`), or for the
    /// effects whose text depends on the request (`adjust` of a `for_each` element,
    /// `route_to_review`, `refund_to`), the part that does not.
    var traceText: String {
        switch self {
        case .verdict(let verdict, let codes): return "\(verdict.rawValue) \(codes.joined(separator: ", "))"
        case .offer(let kind, _, let code): return "offer \(kind) \(code)"
        case .compensation(let kind, _, let code): return "compensation \(kind.rawValue) \(code)"
        case .returnShipping(let payer): return "return_shipping \(payer.rawValue)"
        case .routeToReview(let code): return "route_to_review \(code)"
        case .deadlines: return "deadlines"
        case .note(let code): return "note \(code)"
        case .adjust(let adjustment): return "adjust \(adjustment.code)"
        case .refundShipping: return "refund_shipping"
        case .refundTo: return "refund_to"
        }
    }

    /// The reason codes this effect can put in a decision.
    var codes: [String] {
        switch self {
        case .verdict(_, let codes): return codes
        case .offer(_, _, let code), .compensation(_, _, let code), .routeToReview(let code), .note(let code): return [code]
        case .adjust(let adjustment): return [adjustment.code]
        case .returnShipping, .deadlines, .refundShipping, .refundTo: return []
        }
    }
}

/// A value a rule names with `define:` (like a helper rule in OPA): computed once per
/// evaluation, read by the rule's later expressions through its slot.
public struct Define: Sendable {
    public var name: String
    public var slot: Int
    public var expression: CompiledExpression
    /// The rules of a group (`- define: … rules: …`) each compile the group's defines into
    /// slots of their own. A group define that reads only what stays fixed while a request is
    /// decided (request, order, item and line fields, attributes, facts, parameters, the
    /// group's earlier such defines) has the same key in each of them: an untraced run
    /// computes it once per line and reuses it for the group's other rules. Nil otherwise.
    public var shareKey: Int? = nil
    /// A pack define (`define:` at the top of the pack) reads only the request, so its shared
    /// value holds for the whole decision, whatever the line or the scope.
    public var isPerDecision = false
}

public enum CompensationKind: String, Sendable, CaseIterable {
    case coupon, cash
}
