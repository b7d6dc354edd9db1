/// The answer to one request (SPEC section 5), a value the JSON writer serialises.
/// Amounts are minor units of `currency`.
public struct Decision: Sendable {
    public enum Outcome: String, Sendable { case approve, partial, reject, review }

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

public struct LineDecision: Sendable {
    public var line: String
    public var quantity: Int
    public var verdict: Verdict
    public var gross: Int64
    public var discount: Int64
    public var paid: Int64
    public var refund: Int64
    public var reasons: [String]
}

public struct RefundSummary: Sendable {
    public var items: Int64
    public var shipping: Int64
    public var adjustments: [Adjustment]
    public var total: Int64
    /// What goes back to each payment of the order, in the order given (SPEC section 8); nil
    /// when the order lists no payments.
    public var byMethod: [MethodRefund]?
}

/// The part of a refund that goes back to one means of payment.
public struct MethodRefund: Sendable, Hashable {
    public var method: String
    public var amount: Int64
}

/// A signed change to the refund (a deduction is negative).
public struct Adjustment: Sendable, Hashable {
    public var code: String
    public var amount: Int64
    public var rule: String
}

/// Compensation granted, or an offer the customer may accept instead.
public struct Grant: Sendable, Hashable {
    public var kind: String
    public var amount: Int64
    public var code: String
    public var rule: String
    /// The requested line an offer is about, when it is about one.
    public var line: String?
}

public struct DecisionReason: Sendable, Hashable {
    public var code: String
    public var rule: String
    public var message: String
}

public struct Deadlines: Sendable {
    public var returnBy: Timestamp?
    /// When the refund must be paid at the latest (SPEC section 12 rule 11); null where a pack sets none.
    public var refundBy: Timestamp?
    public var refundWithinDaysOfReceipt: Int64?
}

/// How much of the audit trail a decision carries (SPEC section 5).
public enum AuditLevel: String, Sendable, CaseIterable {
    case full, summary, none
}

public struct AuditRecord: Sendable {
    public var policyName: String
    public var policyVersion: String
    public var policyDigest: String
    public var inputDigest: String
    public var engine: String
    /// Ids of the rules that fired, in policy order (summary and full).
    public var rulesFired: [String]
    /// Every rule considered (full only, nil at `summary`): the `trace` array as compact JSON,
    /// written by the engine while it evaluated the rules — each rule's id, source
    /// `file:line`, the line it was considered for, whether it fired, each condition step's
    /// value and operands, and the effects applied.
    public var traceJSON: [UInt8]?
    /// Every amount's derivation (full only).
    public var computations: [Computation]

    /// The most bytes the trace and computations of one answer may take (SPEC section 8: no
    /// answer over 16 MiB). The rest of an answer is at most a few MiB: the request's own line
    /// ids, once per line and offer.
    public static let maximumTrailBytes = 10 * 1_048_576
}

/// One step of arithmetic an auditor can redo: a name, the inputs and the result, in order.
///
/// Names are literals (`StaticString`): the writer copies them without escaping, and an audit
/// trail's vocabulary is fixed by the engine, not by input.
public struct Computation: Sendable {
    public var step: StaticString
    public var fields: [(StaticString, AuditValue)]

    public init(_ step: StaticString, _ fields: [(StaticString, AuditValue)]) {
        self.step = step
        self.fields = fields
    }
}

/// A value in the audit trail, written as JSON.
public enum AuditValue: Sendable {
    case money(Int64)
    case int(Int64)
    case string(String)
    case bool(Bool)
    case null
    case rows([[(StaticString, AuditValue)]])
}
