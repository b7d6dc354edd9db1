/// The field names of each object of a request (SPEC section 4) and the raw values of its
/// enumerations, as key tables for decoding from a `JSONTape`. The names are the ones
/// `RequestDecoder.decode(_: JSONValue)` switches on; fields not listed are ignored.
enum RequestKeys {
    enum Top: Int, CaseIterable { case id, kind, reason, requestedAt, policy, order, lines, customer, evidence, facts, locale }
    enum Order: Int, CaseIterable {
        case id, currency, timezone, placedAt, paidAt, promisedShipBy, promisedDeliveryBy, shippedAt, deliveredAt
        case shippingFee, freeShippingThreshold, shippingWaived, shippingClawedBack, standardShippingFee, shippingInsurance
        case items, discounts, payments
    }
    enum Item: Int, CaseIterable {
        case line, sku, title, category, unitPrice, quantity, refundedQuantity, attributes, giftFor, giftValue, deliveredAt
    }
    enum Discount: Int, CaseIterable { case id, kind, amount, threshold, clawedBack, appliesTo }
    enum Payment: Int, CaseIterable { case method, amount, refunded }
    enum Line: Int, CaseIterable { case line, quantity, condition }
    enum Customer: Int, CaseIterable { case id, tier, refunds90d, orders90d }
    enum Evidence: Int, CaseIterable { case photos, videos }

    static let top = KeyTable<Top>([
        ("id", .id), ("kind", .kind), ("reason", .reason), ("requested_at", .requestedAt), ("policy", .policy),
        ("order", .order), ("lines", .lines), ("customer", .customer), ("evidence", .evidence), ("facts", .facts),
        ("locale", .locale),
    ])
    static let order = KeyTable<Order>([
        ("id", .id), ("currency", .currency), ("timezone", .timezone), ("placed_at", .placedAt), ("paid_at", .paidAt),
        ("promised_ship_by", .promisedShipBy), ("promised_delivery_by", .promisedDeliveryBy),
        ("shipped_at", .shippedAt), ("delivered_at", .deliveredAt), ("shipping_fee", .shippingFee),
        ("free_shipping_threshold", .freeShippingThreshold), ("shipping_waived", .shippingWaived),
        ("shipping_clawed_back", .shippingClawedBack), ("standard_shipping_fee", .standardShippingFee),
        ("shipping_insurance", .shippingInsurance), ("items", .items), ("discounts", .discounts), ("payments", .payments),
    ])
    static let item = KeyTable<Item>([
        ("line", .line), ("sku", .sku), ("title", .title), ("category", .category), ("unit_price", .unitPrice),
        ("quantity", .quantity), ("refunded_quantity", .refundedQuantity), ("attributes", .attributes),
        ("gift_for", .giftFor), ("gift_value", .giftValue), ("delivered_at", .deliveredAt),
    ])
    static let discount = KeyTable<Discount>([
        ("id", .id), ("kind", .kind), ("amount", .amount), ("threshold", .threshold),
        ("clawed_back", .clawedBack), ("applies_to", .appliesTo),
    ])
    static let payment = KeyTable<Payment>([("method", .method), ("amount", .amount), ("refunded", .refunded)])
    static let line = KeyTable<Line>([("line", .line), ("quantity", .quantity), ("condition", .condition)])
    static let customer = KeyTable<Customer>([
        ("id", .id), ("tier", .tier), ("refunds_90d", .refunds90d), ("orders_90d", .orders90d),
    ])
    static let evidence = KeyTable<Evidence>([("photos", .photos), ("videos", .videos)])

    /// The currencies by code: `Currency.named` as a table.
    static let currencies = KeyTable(Currency.known.map { ($0.code, $0) })

    static let kinds = KeyTable(RequestKind.self)
    static let reasons = KeyTable(Reason.self)
    static let conditions = KeyTable(ItemCondition.self)
    static let discountKinds = KeyTable(DiscountKind.self)
    static let locales = KeyTable(MessageLocale.self)
}
