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
    /// Request rules with a `settle` effect, evaluated after line verdicts and before amounts are final.
    public var settlementRules: [Rule]
    /// Other request rules, evaluated last (they may read `refund.*`).
    public var requestRules: [Rule]
    /// `sha256:<hex>` over the policy's files (see `PolicyDigest`).
    public var digest: String

    public var currency: Currency { schema.currency }

    /// All rules in policy order (files sorted by path, rules in file order).
    public var allRules: [Rule] {
        (lineRules + settlementRules + requestRules).sorted { $0.order < $1.order }
    }
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
    public var code: String
    public var messages: [MessageLocale: String]
    public var location: SourceLocation

    public func message(in locale: MessageLocale) -> String {
        messages[locale] ?? messages[.en] ?? code
    }
}

public enum RuleScope: String, Sendable, CaseIterable {
    case line
    case request
}

public enum Verdict: String, Sendable, Comparable, CaseIterable {
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

/// A built-in settlement computation a rule switches on (SPEC section 6, rules 6–8).
public enum SettlementStep: String, Sendable, CaseIterable {
    case thresholdClawback = "threshold_clawback"
    case freeShippingClawback = "free_shipping_clawback"
    /// Gives an earlier free-shipping clawback back once nothing of the order is kept.
    case freeShippingRelease = "free_shipping_release"
    case giftNotReturned = "gift_not_returned"
    case refundShipping = "refund_shipping"
}

public enum ReturnShippingPayer: String, Sendable, CaseIterable {
    case buyer, seller, insurance, none
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
    public let effects: [Effect]
    public let location: SourceLocation
    /// Position in the whole policy, for stable ordering.
    public let order: Int
    /// `file:line` with the file relative to the policy folder, as the audit trail shows it
    /// (independent of where the policy sits on a machine, so decisions are the same everywhere).
    public let source: String
    /// `"rule":"<id>","at":"<source>"`, encoded once for every audit trail that lists the rule.
    let auditHeader: [UInt8]
    /// `"expr":"<text>"` for each traced sub-expression of the condition (by `ConditionStep.textIndex`).
    let conditionTextMembers: [[UInt8]]

    public init(
        id: String, description: String, basis: String, scope: RuleScope, condition: CompiledExpression?,
        effects: [Effect], location: SourceLocation, order: Int, source: String
    ) {
        self.id = id
        self.description = description
        self.basis = basis
        self.scope = scope
        self.condition = condition
        self.effects = effects
        self.location = location
        self.order = order
        self.source = source
        self.auditHeader = JSONWriter.encodedMembers([("rule", id), ("at", source)])
        self.conditionTextMembers = condition?.texts.map { JSONWriter.encodedMembers([("expr", $0)]) } ?? []
    }
}

public enum Effect: Sendable {
    case verdict(Verdict, codes: [String])
    case offer(kind: String, amount: CompiledExpression, code: String)
    case compensation(kind: CompensationKind, amount: CompiledExpression, code: String)
    case returnShipping(ReturnShippingPayer)
    /// Approved lines become review and carry this code (request scope).
    case routeToReview(code: String)
    case settle(SettlementStep)
    case deadlines(returnBy: CompiledExpression?, windowDays: CompiledExpression?)

    /// The reason codes this effect can put in a decision.
    var codes: [String] {
        switch self {
        case .verdict(_, let codes): return codes
        case .offer(_, _, let code), .compensation(_, _, let code), .routeToReview(let code): return [code]
        case .returnShipping, .settle, .deadlines: return []
        }
    }
}

public enum CompensationKind: String, Sendable, CaseIterable {
    case coupon, cash
}
