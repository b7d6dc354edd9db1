/// A request whose every field has the right format (SPEC section 8: "format of each field in
/// document order") but whose references and sums are not yet checked: line ids are still
/// strings, discounts are not allocated, gifts are not linked to their items. Both decoders
/// (the tape's, and the tree-walking one the tests keep) build a draft;
/// `RequestDecoder.resolve` makes the one `AfterSaleRequest` of it, so the consistency checks
/// exist once.
struct RequestDraft {
    var id: String
    var kind: RequestKind
    var reason: Reason
    var requestedAt: Timestamp
    /// The pack the request names (`"policy"`), nil when absent or null.
    var policy: String?
    var order: OrderDraft
    /// nil when absent or null.
    var lines: [LineDraft]?
    var customer: Customer
    var evidence: Evidence
    var facts: [Value]
    var locale: MessageLocale
}

struct OrderDraft {
    var id: String
    var currency: Currency
    var zone: Zone?
    var placedAt: Timestamp?
    var paidAt: Timestamp?
    var promisedShipBy: Timestamp?
    var promisedDeliveryBy: Timestamp?
    var shippedAt: Timestamp?
    var deliveredAt: Timestamp?
    var shippingFee: Int64 = 0
    var freeShippingThreshold: Int64?
    var shippingWaived: Int64?
    var shippingClawedBack: Int64 = 0
    var standardShippingFee: Int64?
    var shippingInsurance = false
    /// The items as the request will hold them, each gift's `giftFor` still nil: `resolve` sets
    /// it from `giftLines` in place (the items are not copied into the request).
    var items: [OrderItem]
    /// The line each gift's `gift_for` names, by the gift's index in `items` (empty for the
    /// usual order without gifts).
    var giftLines: [(item: Int, line: String)] = []
    var discounts: [DiscountDraft]
    /// nil when absent or null.
    var payments: [Payment]?
}

struct DiscountDraft {
    var id: String
    var kind: DiscountKind
    var amount: Int64
    /// Line ids as written; nil means the whole order.
    var appliesTo: [String]?
    var threshold: Int64?
    var clawedBack: Int64
}

struct LineDraft {
    var line: String
    var quantity: Int
    var condition: ItemCondition
}
