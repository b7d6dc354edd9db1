/// Everything known about one request while it is being decided: the request, the proration
/// of every line, line verdicts so far and the settled amounts. Expressions read it through slots.
final class EvaluationState: EvaluationContext {
    let request: AfterSaleRequest
    /// Per item: gross = unit_price × quantity.
    let itemGross: [Int64]
    /// Per discount, per item: the discount's allocation to that item (0 outside its scope).
    let allocations: [[Int64]]
    /// Per item: paid P = gross − allocated discounts.
    let itemPaid: [Int64]
    let orderGross: Int64
    let orderPaidTotal: Int64
    var lines: [LineState]
    /// The requested line that line-scope rules are looking at.
    var currentLine = 0

    // Known after line rules.
    var approvedCount = 0
    var reviewCount = 0
    var rejectedCount = 0
    var requestedGross: Int64 = 0
    var requestedPaid: Int64 = 0
    var requestedCategories: Value = .list([])

    /// Rows the audit trail's tables (discount allocations, clawbacks) may still list. Those
    /// tables grow with items × discounts; the budget grows with the request's size, so that a
    /// full audit trail stays linear in the request (a table past the budget gives its totals and
    /// how many rows it left out: every one can be recomputed from the request).
    var auditRowsLeft: Int

    // Known after settlement.
    var refundItems: Int64 = 0
    var refundShipping: Int64 = 0
    var refundTotal: Int64 = 0

    init(request: AfterSaleRequest) {
        self.request = request
        let items = request.order.items
        let proration = request.proration
        self.itemGross = proration.itemGross
        self.allocations = proration.allocations
        self.itemPaid = proration.itemPaid
        self.orderGross = proration.orderGross
        self.orderPaidTotal = proration.orderPaidTotal
        let paid = proration.itemPaid
        self.auditRowsLeft = Self.auditRowsPerEntry * (items.count + request.lines.count + request.order.discounts.count) + 64
        self.lines = request.lines.map { requested in
            let item = items[requested.itemIndex]
            let refundable = item.quantity - item.refundedQuantity
            // Units beyond what is left are not priced (the line is rejected by policy); amounts
            // cover at most the refundable units.
            let units = max(0, min(requested.quantity, refundable))
            let linePaid = Proration.refundOfUnits(
                paid: paid[requested.itemIndex], quantity: item.quantity,
                alreadyRefunded: item.refundedQuantity, units: units)
            let lineGross = item.unitPrice * Int64(units)
            return LineState(
                itemIndex: requested.itemIndex, requestedUnits: requested.quantity, units: units,
                gross: lineGross, paid: linePaid)
        }
    }

    var currentLineState: LineState { lines[currentLine] }

    static let auditRowsPerEntry = 8

    /// The rows of an audit table, or nil when listing them would exceed the budget (and the
    /// table names how many it left out instead); `count` rows are taken from the budget if they fit.
    func auditRows(_ count: Int, _ make: () -> [[(StaticString, AuditValue)]]) -> (StaticString, AuditValue) {
        guard count <= auditRowsLeft else { return ("rows_omitted", .int(Int64(count))) }
        auditRowsLeft -= count
        return ("rows", .rows(make()))
    }

    // Reads go field by field (`request.order.shippingFee`), never through a local copy of
    // `request.order` or of an item: copying those structs retains every string and array in them.
    func value(ofSlot slot: Int) -> Value {
        if slot >= RequestField.factSlotBase {
            return request.facts[slot - RequestField.factSlotBase]
        }
        if slot >= RequestField.attributeSlotBase {
            return request.order.items[lines[currentLine].itemIndex].attributes[slot - RequestField.attributeSlotBase]
        }
        guard let field = RequestField(rawValue: slot) else { return .null }
        switch field {
        case .kind: return .string(request.kind.rawValue)
        case .reason: return .string(request.reason.rawValue)
        case .requestedAt: return .timestamp(request.requestedAt)
        case .orderPlacedAt: return Self.optional(request.order.placedAt)
        case .orderPaidAt: return Self.optional(request.order.paidAt)
        case .orderPromisedShipBy: return Self.optional(request.order.promisedShipBy)
        case .orderPromisedDeliveryBy: return Self.optional(request.order.promisedDeliveryBy)
        case .orderShippedAt: return Self.optional(request.order.shippedAt)
        case .orderDeliveredAt: return Self.optional(request.order.deliveredAt)
        case .orderShippingFee: return .money(request.order.shippingFee)
        case .orderFreeShippingThreshold: return request.order.freeShippingThreshold.map(Value.money) ?? .null
        case .orderShippingWaived: return request.order.shippingWaived.map(Value.money) ?? .null
        case .orderShippingClawedBack: return .money(request.order.shippingClawedBack)
        case .orderShippingInsurance: return .bool(request.order.shippingInsurance)
        case .orderGross: return .money(orderGross)
        case .orderPaidTotal: return .money(orderPaidTotal)
        case .customerTier: return .string(request.customer.tier)
        case .customerRefunds90d: return .int(Int64(request.customer.refunds90d))
        case .customerOrders90d: return .int(Int64(request.customer.orders90d))
        case .evidencePhotos: return .int(Int64(request.evidence.photos))
        case .evidenceVideos: return .int(Int64(request.evidence.videos))
        case .lineID: return .string(request.order.items[lines[currentLine].itemIndex].line)
        case .lineQuantity: return .int(Int64(lines[currentLine].requestedUnits))
        case .lineCondition: return .string(request.lines[currentLine].condition.rawValue)
        case .lineGross: return .money(lines[currentLine].gross)
        case .lineDiscount: return .money(lines[currentLine].gross - lines[currentLine].paid)
        case .linePaid: return .money(lines[currentLine].paid)
        case .lineRefundable:
            let itemIndex = lines[currentLine].itemIndex
            return .int(Int64(request.order.items[itemIndex].quantity - request.order.items[itemIndex].refundedQuantity))
        case .lineVerdict: return .string(lines[currentLine].verdict?.rawValue ?? "none")
        case .itemSKU: return request.order.items[lines[currentLine].itemIndex].sku.map(Value.string) ?? .null
        case .itemCategory: return request.order.items[lines[currentLine].itemIndex].category.map(Value.string) ?? .null
        case .itemUnitPrice: return .money(request.order.items[lines[currentLine].itemIndex].unitPrice)
        case .itemQuantity: return .int(Int64(request.order.items[lines[currentLine].itemIndex].quantity))
        case .itemRefundedQuantity: return .int(Int64(request.order.items[lines[currentLine].itemIndex].refundedQuantity))
        case .itemIsGift: return .bool(request.order.items[lines[currentLine].itemIndex].giftFor != nil)
        case .requestedCount: return .int(Int64(lines.count))
        case .requestedApproved: return .int(Int64(approvedCount))
        case .requestedReview: return .int(Int64(reviewCount))
        case .requestedRejected: return .int(Int64(rejectedCount))
        case .requestedGross: return .money(requestedGross)
        case .requestedPaid: return .money(requestedPaid)
        case .requestedCategories: return requestedCategories
        case .refundItems: return .money(refundItems)
        case .refundShipping: return .money(refundShipping)
        case .refundTotal: return .money(refundTotal)
        }
    }

    private static func optional(_ timestamp: Timestamp?) -> Value {
        timestamp.map(Value.timestamp) ?? .null
    }
}

/// A requested line while it is decided.
struct LineState {
    let itemIndex: Int
    /// Units the caller asked for.
    let requestedUnits: Int
    /// Units priced: the requested units, at most what is left to refund.
    let units: Int
    let gross: Int64
    let paid: Int64
    var verdict: Verdict?
    /// Codes given with each verdict, with the index of the rule that gave them, in rule order.
    var approveCodes: [RuleCode] = []
    var reviewCodes: [RuleCode] = []
    var rejectCodes: [RuleCode] = []

    init(itemIndex: Int, requestedUnits: Int, units: Int, gross: Int64, paid: Int64) {
        self.itemIndex = itemIndex
        self.requestedUnits = requestedUnits
        self.units = units
        self.gross = gross
        self.paid = paid
    }

    /// Approved or in review: the line's paid amount is (proposed to be) refunded.
    var isGranted: Bool { verdict == .approve || verdict == .review }

    /// The codes a decision shows for this line: a rejection's reasons, or what approved it
    /// plus what sent it to review.
    var reasonCodes: [RuleCode] {
        switch verdict {
        case .reject?: return rejectCodes
        case .review?: return approveCodes + reviewCodes
        case .approve?: return approveCodes
        case nil: return []
        }
    }
}

struct RuleCode: Hashable {
    let code: String
    let rule: String
}
