/// What the caller asks for (SPEC section 4), decoded and validated.
public enum RequestKind: String, CaseIterable, Sendable {
    case cancel
    case `return`
    case refundOnly = "refund_only"
    case compensation
}

/// Why the caller asks (SPEC section 4).
public enum Reason: String, CaseIterable, Sendable {
    case noReason = "no_reason"
    case qualityIssue = "quality_issue"
    case notAsDescribed = "not_as_described"
    case wrongItem = "wrong_item"
    case damagedInTransit = "damaged_in_transit"
    case missingParts = "missing_parts"
    case notReceived = "not_received"
    case lateShipment = "late_shipment"
    case lateDelivery = "late_delivery"
    case counterfeit
    case outOfStock = "out_of_stock"
    case changedMind = "changed_mind"

    /// Reasons where the seller is at fault (SPEC section 4).
    public var isSellerFault: Bool {
        switch self {
        case .noReason, .changedMind: return false
        default: return true
        }
    }
}

/// The state of the goods in a requested line.
public enum ItemCondition: String, CaseIterable, Sendable {
    case new, opened, used, damaged, incomplete
}

public enum DiscountKind: String, CaseIterable, Sendable {
    case coupon
    case fullReduction = "full_reduction"
    case platformSubsidy = "platform_subsidy"
}

/// The language reason messages are written in; a pack without messages in it answers in `en`.
public enum MessageLocale: String, CaseIterable, Sendable {
    case zhCN = "zh-CN"
    case en
    case de
}

public struct AfterSaleRequest: Sendable {
    public var id: String
    public var kind: RequestKind
    public var reason: Reason
    public var requestedAt: Timestamp
    public var order: Order
    public var lines: [RequestedLine]
    public var customer: Customer
    public var evidence: Evidence
    /// Values of the facts the policy declares, by declaration index (absent → the declared default).
    public var facts: [Value]
    public var locale: MessageLocale
    /// Every discount allocated over the items (SPEC rule 5), computed once when the request
    /// is validated: a discount that would make a line's paid amount negative is refused there.
    public var proration: OrderProration
}

public struct Order: Sendable {
    public var id: String
    public var currency: Currency
    public var zone: Zone
    public var placedAt: Timestamp?
    public var paidAt: Timestamp?
    public var promisedShipBy: Timestamp?
    public var promisedDeliveryBy: Timestamp?
    public var shippedAt: Timestamp?
    public var deliveredAt: Timestamp?
    /// Amounts in minor units of `currency`.
    public var shippingFee: Int64
    public var freeShippingThreshold: Int64?
    public var shippingWaived: Int64?
    public var shippingClawedBack: Int64
    /// The least expensive standard delivery offered (SPEC section 12, rule 6); nil when not given.
    public var standardShippingFee: Int64?
    public var shippingInsurance: Bool
    public var items: [OrderItem]
    public var discounts: [Discount]
    /// How the buyer paid (SPEC section 8), in the order given; nil when not given.
    public var payments: [Payment]?
}

/// One means of payment of an order and what earlier refunds returned to it (caller-owned state).
public struct Payment: Sendable {
    public var method: String
    public var amount: Int64
    public var refunded: Int64
}

public struct OrderItem: Sendable {
    public var line: String
    public var sku: String?
    public var title: String?
    public var category: String?
    public var unitPrice: Int64
    public var quantity: Int
    public var refundedQuantity: Int
    /// Values of the attributes the policy declares, by declaration index.
    public var attributes: [Value]
    /// Index in `order.items` of the line this item is a free gift for.
    public var giftFor: Int?
    public var giftValue: Int64?
    /// When this item was delivered, if apart from the order (SPEC section 12).
    public var deliveredAt: Timestamp?

    /// unit_price × quantity, in minor units.
    public var gross: Int64 { unitPrice * Int64(quantity) }
}

extension OrderItem {
    /// An item being decoded: its attributes at their defaults, everything else still to be read
    /// (the decoders set the required fields before they hand it on; `resolve` links gifts).
    init(unlinked attributes: [Value]) {
        self.init(
            line: "", sku: nil, title: nil, category: nil, unitPrice: 0, quantity: 0, refundedQuantity: 0,
            attributes: attributes, giftFor: nil, giftValue: nil, deliveredAt: nil)
    }
}

public struct Discount: Sendable {
    public var id: String
    public var kind: DiscountKind
    public var amount: Int64
    /// Indices in `order.items`; nil means the whole order.
    public var appliesTo: [Int]?
    public var threshold: Int64?
    public var clawedBack: Int64
}

public struct RequestedLine: Sendable {
    /// Index in `order.items`.
    public var itemIndex: Int
    public var quantity: Int
    public var condition: ItemCondition
}

public struct Customer: Sendable {
    public var id: String?
    public var tier: String
    public var refunds90d: Int
    public var orders90d: Int
}

public struct Evidence: Sendable {
    public var photos: Int
    public var videos: Int
}
