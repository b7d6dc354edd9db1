/// The request facts rules can read, each resolved to a slot when a policy loads so that
/// evaluation never looks a name up. Attributes and facts declared by the policy get slots
/// after these (`attributeSlotBase`, `factSlotBase`).
public enum RequestField: Int, CaseIterable, Sendable {
    // Anywhere
    case kind, reason, requestedAt
    case orderPlacedAt, orderPaidAt, orderPromisedShipBy, orderPromisedDeliveryBy, orderShippedAt, orderDeliveredAt
    case orderShippingFee, orderFreeShippingThreshold, orderShippingWaived, orderShippingClawedBack
    case orderShippingInsurance, orderGross, orderPaidTotal
    case customerTier, customerRefunds90d, customerOrders90d
    case evidencePhotos, evidenceVideos
    // scope: line
    case lineID, lineQuantity, lineCondition, lineGross, lineDiscount, linePaid, lineRefundable, lineVerdict
    case itemSKU, itemCategory, itemUnitPrice, itemQuantity, itemRefundedQuantity, itemIsGift
    // scope: request
    case requestedCount, requestedApproved, requestedReview, requestedRejected
    case requestedGross, requestedPaid, requestedCategories
    // scope: request, not in settlement rules
    case refundItems, refundShipping, refundTotal
    // scope: settlement and request: what the order keeps after this request
    case requestedGranted, keptUnits, keptGross
    // for_each: discount (settlement)
    case discountID, discountAmount, discountThreshold, discountClawedBack, discountKeptGross, discountAllocationOnKept
    // for_each: gift (settlement)
    case giftLine, giftValue, giftKeptUnits, giftMainKeptUnits, giftMainGrantedUnits
    // for_each: payment (request)
    case paymentMethod, paymentAmount, paymentRefunded, paymentRefundable, paymentRefundableBefore
    // Anywhere
    case orderPaymentCount
    // Anywhere: deliveries item by item (SPEC section 8) and the cheapest standard delivery
    case orderLastDeliveredAt, orderStandardShippingFee
    // scope: line
    case itemDeliveredAt
    // scope: request: the categories of the requested lines approved or in review
    case requestedGrantedCategories
    // for_each: discount (settlement): the lines a discount applies to
    case discountScope
    // A rule with `split:`: its share of the split for the current element, and what was split
    case splitShare, splitTotal

    public static let attributeSlotBase = 1_000
    public static let factSlotBase = 2_000
    /// Slots of the values rules `define:`, evaluated before the rule's expressions that read them.
    public static let defineSlotBase = 3_000

    /// Whether a slot's value stays the same while one request is decided, for a given current
    /// line: the request's own fields, its order's and the current line's and item's, declared
    /// attributes and facts. Not: line verdicts and what is derived from them (`requested.*`,
    /// `kept.*`, `refund.*`), the elements of a `for_each`, or defines.
    public static func isFixedWhileDeciding(slot: Int) -> Bool {
        if slot >= defineSlotBase { return false }
        if slot >= attributeSlotBase { return true }
        guard let field = RequestField(rawValue: slot) else { return false }
        switch field {
        case .kind, .reason, .requestedAt, .orderPlacedAt, .orderPaidAt, .orderPromisedShipBy, .orderPromisedDeliveryBy,
             .orderShippedAt, .orderDeliveredAt, .orderShippingFee, .orderFreeShippingThreshold, .orderShippingWaived,
             .orderShippingClawedBack, .orderShippingInsurance, .orderGross, .orderPaidTotal, .customerTier,
             .customerRefunds90d, .customerOrders90d, .evidencePhotos, .evidenceVideos,
             .lineID, .lineQuantity, .lineCondition, .lineGross, .lineDiscount, .linePaid, .lineRefundable,
             .itemSKU, .itemCategory, .itemUnitPrice, .itemQuantity, .itemRefundedQuantity, .itemIsGift,
             .orderPaymentCount, .orderLastDeliveredAt, .orderStandardShippingFee, .itemDeliveredAt:
            return true
        case .lineVerdict, .requestedCount, .requestedApproved, .requestedReview, .requestedRejected, .requestedGross,
             .requestedPaid, .requestedCategories, .refundItems, .refundShipping, .refundTotal, .requestedGranted,
             .keptUnits, .keptGross, .discountID, .discountAmount, .discountThreshold, .discountClawedBack,
             .discountKeptGross, .discountAllocationOnKept, .giftLine, .giftValue, .giftKeptUnits, .giftMainKeptUnits,
             .giftMainGrantedUnits, .paymentMethod, .paymentAmount, .paymentRefunded, .paymentRefundable,
             .paymentRefundableBefore, .requestedGrantedCategories, .discountScope, .splitShare, .splitTotal:
            return false
        }
    }

    /// Where a field can be read.
    public enum Availability: Sendable {
        case anywhere
        case lineScope
        case requestScope
        /// Request scope after settlement: amounts are final.
        case afterSettlement
        /// The element of a rule's `for_each`.
        case element(RuleIteration)
        /// The effects of a rule with `split:` (after its weights are known).
        case split
    }

    public static let kindDomain = EnumDomain(name: "kind", cases: RequestKind.allCases.map(\.rawValue))
    public static let reasonDomain = EnumDomain(name: "reason", cases: Reason.allCases.map(\.rawValue))
    public static let conditionDomain = EnumDomain(name: "condition", cases: ItemCondition.allCases.map(\.rawValue))
    public static let verdictDomain = EnumDomain(name: "verdict", cases: ["none"] + Verdict.allCases.map(\.rawValue))

    /// Whether the value is a request field as written (its path, after `$.`, names it in the
    /// request), rather than one the engine derives from several fields.
    public var isWrittenInRequest: Bool {
        switch self {
        case .orderLastDeliveredAt, .itemDeliveredAt: return false
        default: return true
        }
    }

    /// The dotted name policy authors write.
    public var path: String {
        switch self {
        case .kind: return "kind"
        case .reason: return "reason"
        case .requestedAt: return "requested_at"
        case .orderPlacedAt: return "order.placed_at"
        case .orderPaidAt: return "order.paid_at"
        case .orderPromisedShipBy: return "order.promised_ship_by"
        case .orderPromisedDeliveryBy: return "order.promised_delivery_by"
        case .orderShippedAt: return "order.shipped_at"
        case .orderDeliveredAt: return "order.delivered_at"
        case .orderShippingFee: return "order.shipping_fee"
        case .orderFreeShippingThreshold: return "order.free_shipping_threshold"
        case .orderShippingWaived: return "order.shipping_waived"
        case .orderShippingClawedBack: return "order.shipping_clawed_back"
        case .orderShippingInsurance: return "order.shipping_insurance"
        case .orderGross: return "order.gross"
        case .orderPaidTotal: return "order.paid_total"
        case .customerTier: return "customer.tier"
        case .customerRefunds90d: return "customer.refunds_90d"
        case .customerOrders90d: return "customer.orders_90d"
        case .evidencePhotos: return "evidence.photos"
        case .evidenceVideos: return "evidence.videos"
        case .lineID: return "line.line"
        case .lineQuantity: return "line.quantity"
        case .lineCondition: return "line.condition"
        case .lineGross: return "line.gross"
        case .lineDiscount: return "line.discount"
        case .linePaid: return "line.paid"
        case .lineRefundable: return "line.refundable"
        case .lineVerdict: return "line.verdict"
        case .itemSKU: return "item.sku"
        case .itemCategory: return "item.category"
        case .itemUnitPrice: return "item.unit_price"
        case .itemQuantity: return "item.quantity"
        case .itemRefundedQuantity: return "item.refunded_quantity"
        case .itemIsGift: return "item.is_gift"
        case .requestedCount: return "requested.count"
        case .requestedApproved: return "requested.approved"
        case .requestedReview: return "requested.review"
        case .requestedRejected: return "requested.rejected"
        case .requestedGross: return "requested.gross"
        case .requestedPaid: return "requested.paid"
        case .requestedCategories: return "requested.categories"
        case .refundItems: return "refund.items"
        case .refundShipping: return "refund.shipping"
        case .refundTotal: return "refund.total"
        case .requestedGranted: return "requested.granted"
        case .requestedGrantedCategories: return "requested.granted_categories"
        case .keptUnits: return "kept.units"
        case .keptGross: return "kept.gross"
        case .discountID: return "discount.id"
        case .discountAmount: return "discount.amount"
        case .discountThreshold: return "discount.threshold"
        case .discountClawedBack: return "discount.clawed_back"
        case .discountKeptGross: return "discount.kept_gross"
        case .discountAllocationOnKept: return "discount.allocation_on_kept"
        case .giftLine: return "gift.line"
        case .giftValue: return "gift.value"
        case .giftKeptUnits: return "gift.kept_units"
        case .giftMainKeptUnits: return "gift.main_kept_units"
        case .giftMainGrantedUnits: return "gift.main_granted_units"
        case .paymentMethod: return "payment.method"
        case .paymentAmount: return "payment.amount"
        case .paymentRefunded: return "payment.refunded"
        case .paymentRefundable: return "payment.refundable"
        case .paymentRefundableBefore: return "payment.refundable_before"
        case .orderPaymentCount: return "order.payments.count"
        case .discountScope: return "discount.scope"
        case .splitShare: return "split.share"
        case .splitTotal: return "split.total"
        case .orderLastDeliveredAt: return "order.last_delivered_at"
        case .orderStandardShippingFee: return "order.standard_shipping_fee"
        case .itemDeliveredAt: return "item.delivered_at"
        }
    }

    public var type: ValueType {
        switch self {
        case .kind: return .enumeration(Self.kindDomain)
        case .reason: return .enumeration(Self.reasonDomain)
        case .requestedAt: return .timestamp
        case .orderPlacedAt, .orderPaidAt, .orderPromisedShipBy, .orderPromisedDeliveryBy, .orderShippedAt, .orderDeliveredAt:
            return .optional(.timestamp)
        case .orderShippingFee, .orderShippingClawedBack, .orderGross, .orderPaidTotal: return .money
        case .orderFreeShippingThreshold, .orderShippingWaived: return .optional(.money)
        case .orderShippingInsurance, .itemIsGift: return .bool
        case .customerTier, .lineID: return .string
        case .customerRefunds90d, .customerOrders90d, .evidencePhotos, .evidenceVideos: return .int
        case .lineQuantity, .lineRefundable, .itemQuantity, .itemRefundedQuantity: return .int
        case .lineCondition: return .enumeration(Self.conditionDomain)
        case .lineGross, .lineDiscount, .linePaid, .itemUnitPrice: return .money
        case .lineVerdict: return .enumeration(Self.verdictDomain)
        case .itemSKU, .itemCategory: return .optional(.string)
        case .requestedCount, .requestedApproved, .requestedReview, .requestedRejected: return .int
        case .requestedGross, .requestedPaid: return .money
        case .requestedCategories, .requestedGrantedCategories: return .list(.string)
        case .refundItems, .refundShipping, .refundTotal: return .money
        case .requestedGranted, .keptUnits: return .int
        case .keptGross: return .money
        case .discountID, .giftLine, .paymentMethod: return .string
        case .discountThreshold: return .optional(.money)
        case .discountAmount, .discountClawedBack, .discountKeptGross, .discountAllocationOnKept: return .money
        case .giftValue: return .money
        case .giftKeptUnits, .giftMainKeptUnits, .giftMainGrantedUnits, .orderPaymentCount: return .int
        case .paymentAmount, .paymentRefunded, .paymentRefundable, .paymentRefundableBefore, .splitShare, .splitTotal: return .money
        case .discountScope: return .list(.string)
        case .orderLastDeliveredAt, .itemDeliveredAt: return .optional(.timestamp)
        case .orderStandardShippingFee: return .optional(.money)
        }
    }

    public var availability: Availability {
        switch self {
        case .lineID, .lineQuantity, .lineCondition, .lineGross, .lineDiscount, .linePaid, .lineRefundable, .lineVerdict,
             .itemSKU, .itemCategory, .itemUnitPrice, .itemQuantity, .itemRefundedQuantity, .itemIsGift, .itemDeliveredAt:
            return .lineScope
        case .requestedCount, .requestedApproved, .requestedReview, .requestedRejected, .requestedGross, .requestedPaid,
             .requestedCategories, .requestedGranted, .requestedGrantedCategories, .keptUnits, .keptGross:
            return .requestScope
        case .discountID, .discountAmount, .discountThreshold, .discountClawedBack, .discountKeptGross, .discountAllocationOnKept,
             .discountScope:
            return .element(.discount)
        case .giftLine, .giftValue, .giftKeptUnits, .giftMainKeptUnits, .giftMainGrantedUnits:
            return .element(.gift)
        case .paymentMethod, .paymentAmount, .paymentRefunded, .paymentRefundable, .paymentRefundableBefore:
            return .element(.payment)
        case .splitShare, .splitTotal:
            return .split
        case .refundItems, .refundShipping, .refundTotal:
            return .afterSettlement
        default:
            return .anywhere
        }
    }

    static let byPath: [String: RequestField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.path, $0) })
}

/// What a rule's `for_each` iterates over; its elements are read as `discount.*`, `gift.*` or
/// `payment.*` by the rule's `define:` values and effects.
public enum RuleIteration: String, Sendable, CaseIterable {
    /// The order's discounts, in `discounts` order (settlement rules).
    case discount
    /// The order's free gifts (`gift_for`), in `items` order (settlement rules).
    case gift
    /// The order's payments, in the order given (request rules, after settlement).
    case payment

    /// The phase whose rules may iterate over these elements.
    var phase: RulePhase {
        switch self {
        case .discount, .gift: return .settlement
        case .payment: return .request
        }
    }
}
