/// Decodes a request straight from a `JSONTape`: the same `AfterSaleRequest`, or the same
/// `RequestError` (path and message), as `RequestDecoder.decode(_: JSONValue)` gives for the
/// same document, without building the tree.
///
/// It is that decoder step for step: members are visited in input order, every occurrence of
/// a duplicated key is validated and the last one is kept, and checks run in the same order,
/// so the first error found is the same one. Keys and enumeration values are matched as bytes
/// (`KeyTable`); strings are made only for values the request keeps and for error messages.
/// The differential tests in `Tests/ArbiterCoreTests/Request/` hold the two decoders together:
/// a change to one must be made to the other.
struct TapeRequestDecoder {
    let decoder: RequestDecoder
    /// The document being decoded.
    let tape: JSONTape.View

    var schema: RequestSchema { decoder.schema }

    func decode(_ root: Int) throws(RequestError) -> AfterSaleRequest {
        guard tape.kind(root) == .object else { throw RequestError(path: "$", "a request must be a JSON object") }
        var id: String?
        var kind: RequestKind?
        var reason: Reason?
        var requestedAt: Timestamp?
        var orderJSON: Int?
        var linesJSON: Int?
        var customer = Customer(id: nil, tier: "regular", refunds90d: 0, orders90d: 0)
        var evidence = Evidence(photos: 0, videos: 0)
        var facts = schema.facts.map(\.defaultValue)
        var locale = MessageLocale.zhCN
        for (key, value) in tape.members(of: root) {
            switch RequestKeys.top.match(tape, key) {
            case .id?: id = try string(value, "$.id")
            case .kind?: kind = try enumeration(value, "$.kind", RequestKeys.kinds)
            case .reason?: reason = try enumeration(value, "$.reason", RequestKeys.reasons)
            case .requestedAt?: requestedAt = try timestamp(value, "$.requested_at")
            case .order?: orderJSON = value
            case .lines?: linesJSON = value
            case .customer?: customer = try decodeCustomer(value)
            case .evidence?: evidence = try decodeEvidence(value)
            case .facts?: try decodeDeclared(value, "$.facts", schema.facts, decoder.factKeys, into: &facts)
            case .locale?:
                if tape.kind(value) == .null { break }
                locale = try enumeration(value, "$.locale", RequestKeys.locales)
            case nil: continue
            }
        }
        guard let id else { throw RequestError(path: "$.id", "missing required field 'id'") }
        guard let kind else { throw RequestError(path: "$.kind", "missing required field 'kind'") }
        guard let reason else { throw RequestError(path: "$.reason", "missing required field 'reason'") }
        guard let requestedAt else { throw RequestError(path: "$.requested_at", "missing required field 'requested_at'") }
        guard let orderJSON else { throw RequestError(path: "$.order", "missing required field 'order'") }
        let order = try decodeOrder(orderJSON)
        // A compensation claim is about the order, not lines: its `lines` are ignored (SPEC rule 13).
        let lines = kind == .compensation ? [] : try decodeLines(linesJSON, order: order)
        return AfterSaleRequest(
            id: id, kind: kind, reason: reason, requestedAt: requestedAt, order: order, lines: lines,
            customer: customer, evidence: evidence, facts: facts, locale: locale)
    }

    // MARK: - Order

    private func decodeOrder(_ json: Int) throws(RequestError) -> Order {
        guard tape.kind(json) == .object else { throw RequestError(path: "$.order", "must be an object") }
        var id: String?
        var currencyJSON: Int?
        var zone: Zone?
        var placedAt, paidAt, promisedShipBy, promisedDeliveryBy, shippedAt, deliveredAt: Timestamp?
        var shippingInsurance = false
        var itemsJSON: Int?
        var discountsJSON: Int?
        // The stretch of members holding the money fields, read again once the currency is known.
        var moneyFirst = Int.max, moneyEnd = 0
        for (key, value) in tape.members(of: json) {
            switch RequestKeys.order.match(tape, key) {
            case .id?: id = try string(value, "$.order.id")
            case .currency?:
                try expectString(value, "$.order.currency")
                currencyJSON = value
            case .timezone?:
                if tape.kind(value) == .null { break }
                try expectString(value, "$.order.timezone")
                // The policy's own zone (the usual case) is the zone `Zone.named` would return
                // for its name: no lookup and no `String` needed.
                if let known = decoder.zoneKeys.match(tape, value) {
                    zone = known
                    break
                }
                let name = tape.string(value)
                guard let found = Zone.named(name) else {
                    throw RequestError(path: "$.order.timezone", "unknown time zone '\(name)' (expected an IANA name like 'Asia/Shanghai')")
                }
                zone = found
            case .placedAt?: placedAt = try optionalTimestamp(value, "$.order.placed_at")
            case .paidAt?: paidAt = try optionalTimestamp(value, "$.order.paid_at")
            case .promisedShipBy?: promisedShipBy = try optionalTimestamp(value, "$.order.promised_ship_by")
            case .promisedDeliveryBy?: promisedDeliveryBy = try optionalTimestamp(value, "$.order.promised_delivery_by")
            case .shippedAt?: shippedAt = try optionalTimestamp(value, "$.order.shipped_at")
            case .deliveredAt?: deliveredAt = try optionalTimestamp(value, "$.order.delivered_at")
            case .shippingFee?, .freeShippingThreshold?, .shippingWaived?, .shippingClawedBack?:
                // Validated below, after the currency checks, in input order.
                moneyFirst = min(moneyFirst, key)
                moneyEnd = tape.next(after: value)
            case .shippingInsurance?:
                if tape.kind(value) == .null { break }
                shippingInsurance = try bool(value, "$.order.shipping_insurance")
            case .items?: itemsJSON = value
            case .discounts?: discountsJSON = value
            case nil: continue
            }
        }
        guard let id else { throw RequestError(path: "$.order.id", "missing required field 'id'") }
        guard let currencyJSON else { throw RequestError(path: "$.order.currency", "missing required field 'currency'") }
        guard let currency = RequestKeys.currencies.match(tape, currencyJSON) else {
            throw RequestError(path: "$.order.currency", "unknown currency '\(tape.string(currencyJSON))'")
        }
        guard currency == schema.currency else {
            throw RequestError(path: "$.order.currency", "currency mismatch: the order is in \(currency.code) but the policy decides \(schema.currency.code); the arbiter never converts")
        }
        var shippingFee: Int64 = 0
        var freeShippingThreshold, shippingWaived: Int64?
        var shippingClawedBack: Int64 = 0
        // The money fields, in input order (the tree decoder collects them in the loop above).
        for (key, value) in tape.members(of: json, in: moneyFirst..<max(moneyFirst, moneyEnd)) {
            switch RequestKeys.order.match(tape, key) {
            case .shippingFee?: shippingFee = try optionalMoney(value, "$.order.shipping_fee") ?? 0
            case .freeShippingThreshold?: freeShippingThreshold = try optionalMoney(value, "$.order.free_shipping_threshold")
            case .shippingWaived?: shippingWaived = try optionalMoney(value, "$.order.shipping_waived")
            case .shippingClawedBack?: shippingClawedBack = try optionalMoney(value, "$.order.shipping_clawed_back") ?? 0
            default: continue
            }
        }
        guard let itemsJSON, tape.kind(itemsJSON) == .array else {
            throw RequestError(path: "$.order.items", itemsJSON == nil ? "missing required field 'items'" : "must be an array")
        }
        guard tape.elementCount(itemsJSON) > 0 else { throw RequestError(path: "$.order.items", "an order has at least one item") }
        var items: [OrderItem] = []
        items.reserveCapacity(tape.elementCount(itemsJSON))
        var giftTargets: [(index: Int, line: String)] = []
        for (index, itemJSON) in tape.elements(of: itemsJSON).enumerated() {
            let (item, giftFor) = try decodeItem(itemJSON, path: "$.order.items[\(index)]")
            if items.contains(where: { $0.line == item.line }) {
                throw RequestError(path: "$.order.items[\(index)].line", "duplicate line id '\(item.line)'")
            }
            if let giftFor { giftTargets.append((index, giftFor)) }
            items.append(item)
        }
        for (index, line) in giftTargets {
            guard let target = items.firstIndex(where: { $0.line == line }), target != index else {
                throw RequestError(path: "$.order.items[\(index)].gift_for", "gift_for '\(line)' names no other item of the order")
            }
            items[index].giftFor = target
        }
        let discounts = try decodeDiscounts(discountsJSON, items: items)
        return Order(
            id: id, currency: currency, zone: zone ?? schema.defaultZone, placedAt: placedAt, paidAt: paidAt,
            promisedShipBy: promisedShipBy, promisedDeliveryBy: promisedDeliveryBy, shippedAt: shippedAt,
            deliveredAt: deliveredAt, shippingFee: shippingFee, freeShippingThreshold: freeShippingThreshold,
            shippingWaived: shippingWaived, shippingClawedBack: shippingClawedBack,
            shippingInsurance: shippingInsurance, items: items, discounts: discounts)
    }

    private func decodeItem(_ json: Int, path: @autoclosure () -> String) throws(RequestError) -> (OrderItem, giftFor: String?) {
        guard tape.kind(json) == .object else { throw RequestError(path: path(), "must be an object") }
        var line: String?
        var sku, title, category: String?
        var unitPrice: Int64?
        var quantity: Int?
        var refundedQuantity = 0
        var attributes = schema.attributes.map(\.defaultValue)
        var giftFor: String?
        var giftValue: Int64?
        for (key, value) in tape.members(of: json) {
            switch RequestKeys.item.match(tape, key) {
            case .line?: line = try string(value, path() + ".line")
            case .sku?: sku = try optionalString(value, path() + ".sku")
            case .title?: title = try optionalString(value, path() + ".title")
            case .category?: category = try optionalString(value, path() + ".category")
            case .unitPrice?: unitPrice = try money(value, path() + ".unit_price")
            case .quantity?: quantity = try integer(value, path() + ".quantity", in: 1...1_000_000)
            case .refundedQuantity?:
                if tape.kind(value) == .null { break }
                refundedQuantity = try integer(value, path() + ".refunded_quantity", in: 0...1_000_000)
            case .attributes?: try decodeDeclared(value, path() + ".attributes", schema.attributes, decoder.attributeKeys, into: &attributes)
            case .giftFor?: giftFor = try optionalString(value, path() + ".gift_for")
            case .giftValue?: giftValue = try optionalMoney(value, path() + ".gift_value")
            case nil: continue
            }
        }
        guard let line else { throw RequestError(path: path() + ".line", "missing required field 'line'") }
        guard let unitPrice else { throw RequestError(path: path() + ".unit_price", "missing required field 'unit_price'") }
        guard let quantity else { throw RequestError(path: path() + ".quantity", "missing required field 'quantity'") }
        guard refundedQuantity <= quantity else {
            throw RequestError(path: path() + ".refunded_quantity", "refunded_quantity \(refundedQuantity) is more than quantity \(quantity)")
        }
        guard unitPrice.multipliedReportingOverflow(by: Int64(quantity)).partialValue <= Money.maxMinorUnits,
              !unitPrice.multipliedReportingOverflow(by: Int64(quantity)).overflow else {
            throw RequestError(path: path() + ".quantity", "unit_price × quantity is too large")
        }
        if giftFor != nil, giftValue == nil {
            throw RequestError(path: path() + ".gift_value", "gift_value is required when gift_for is set")
        }
        let item = OrderItem(
            line: line, sku: sku, title: title, category: category, unitPrice: unitPrice, quantity: quantity,
            refundedQuantity: refundedQuantity, attributes: attributes, giftFor: nil, giftValue: giftValue)
        return (item, giftFor)
    }

    private func decodeDiscounts(_ json: Int?, items: [OrderItem]) throws(RequestError) -> [Discount] {
        guard let json else { return [] }
        if tape.kind(json) == .null { return [] }
        guard tape.kind(json) == .array else { throw RequestError(path: "$.order.discounts", "must be an array") }
        var discounts: [Discount] = []
        for (index, value) in tape.elements(of: json).enumerated() {
            let path = { "$.order.discounts[\(index)]" }
            guard tape.kind(value) == .object else { throw RequestError(path: path(), "must be an object") }
            var id: String?
            var kind: DiscountKind?
            var amount: Int64?
            var appliesTo: [Int]?
            var threshold: Int64?
            var clawedBack: Int64 = 0
            for (key, field) in tape.members(of: value) {
                switch RequestKeys.discount.match(tape, key) {
                case .id?: id = try string(field, path() + ".id")
                case .kind?: kind = try enumeration(field, path() + ".kind", RequestKeys.discountKinds)
                case .amount?: amount = try money(field, path() + ".amount")
                case .threshold?: threshold = try optionalMoney(field, path() + ".threshold")
                case .clawedBack?: clawedBack = try optionalMoney(field, path() + ".clawed_back") ?? 0
                case .appliesTo?:
                    if tape.kind(field) == .null { break }
                    guard tape.kind(field) == .array else { throw RequestError(path: path() + ".applies_to", "must be an array of line ids or null") }
                    var indices: [Int] = []
                    for (position, lineValue) in tape.elements(of: field).enumerated() {
                        let linePath = { path() + ".applies_to[\(position)]" }
                        let line = try string(lineValue, linePath())
                        guard let itemIndex = items.firstIndex(where: { $0.line == line }) else {
                            throw RequestError(path: linePath(), "'\(line)' names no item of the order")
                        }
                        guard !indices.contains(itemIndex) else { throw RequestError(path: linePath(), "line '\(line)' is listed twice") }
                        indices.append(itemIndex)
                    }
                    guard !indices.isEmpty else { throw RequestError(path: path() + ".applies_to", "must name at least one line (null means the whole order)") }
                    // Scope in order.items order: allocation ties go to the earlier line of the order.
                    appliesTo = indices.sorted()
                case nil: continue
                }
            }
            guard let id else { throw RequestError(path: path() + ".id", "missing required field 'id'") }
            guard let kind else { throw RequestError(path: path() + ".kind", "missing required field 'kind'") }
            guard let amount else { throw RequestError(path: path() + ".amount", "missing required field 'amount'") }
            let scopeGross = (appliesTo ?? Array(items.indices)).reduce(Int64(0)) { $0 + items[$1].gross }
            guard amount <= scopeGross else {
                throw RequestError(path: path() + ".amount", "discount \(format(amount)) is larger than the gross \(format(scopeGross)) it applies to")
            }
            if discounts.contains(where: { $0.id == id }) { throw RequestError(path: path() + ".id", "duplicate discount id '\(id)'") }
            discounts.append(Discount(id: id, kind: kind, amount: amount, appliesTo: appliesTo, threshold: threshold, clawedBack: clawedBack))
        }
        return discounts
    }

    private func decodeLines(_ json: Int?, order: Order) throws(RequestError) -> [RequestedLine] {
        var values: JSONTape.Elements?
        if let json {
            switch tape.kind(json) {
            case .array: if tape.elementCount(json) > 0 { values = tape.elements(of: json) }
            case .null: break
            default: throw RequestError(path: "$.lines", "must be an array")
            }
        }
        guard let values, let json else { throw RequestError(path: "$.lines", "must name at least one line of the order") }
        var lines: [RequestedLine] = []
        lines.reserveCapacity(tape.elementCount(json))
        for (index, value) in values.enumerated() {
            let path = { "$.lines[\(index)]" }
            guard tape.kind(value) == .object else { throw RequestError(path: path(), "must be an object") }
            var lineID: String?
            var quantity: Int?
            var condition = ItemCondition.new
            for (key, field) in tape.members(of: value) {
                switch RequestKeys.line.match(tape, key) {
                case .line?: lineID = try string(field, path() + ".line")
                case .quantity?: quantity = try integer(field, path() + ".quantity", in: 1...1_000_000)
                case .condition?:
                    if tape.kind(field) == .null { break }
                    condition = try enumeration(field, path() + ".condition", RequestKeys.conditions)
                case nil: continue
                }
            }
            guard let lineID else { throw RequestError(path: path() + ".line", "missing required field 'line'") }
            guard let itemIndex = order.items.firstIndex(where: { $0.line == lineID }) else {
                throw RequestError(path: path() + ".line", "'\(lineID)' names no item of the order")
            }
            guard let quantity else { throw RequestError(path: path() + ".quantity", "missing required field 'quantity'") }
            if lines.contains(where: { $0.itemIndex == itemIndex }) {
                throw RequestError(path: path() + ".line", "line '\(lineID)' is requested twice")
            }
            lines.append(RequestedLine(itemIndex: itemIndex, quantity: quantity, condition: condition))
        }
        return lines
    }

    // MARK: - Customer, evidence, open maps

    private func decodeCustomer(_ json: Int) throws(RequestError) -> Customer {
        var customer = Customer(id: nil, tier: "regular", refunds90d: 0, orders90d: 0)
        if tape.kind(json) == .null { return customer }
        guard tape.kind(json) == .object else { throw RequestError(path: "$.customer", "must be an object") }
        for (key, value) in tape.members(of: json) {
            switch RequestKeys.customer.match(tape, key) {
            case .id?: customer.id = try optionalString(value, "$.customer.id")
            case .tier?: customer.tier = try optionalString(value, "$.customer.tier") ?? "regular"
            case .refunds90d?: customer.refunds90d = try integer(value, "$.customer.refunds_90d", in: 0...1_000_000_000)
            case .orders90d?: customer.orders90d = try integer(value, "$.customer.orders_90d", in: 0...1_000_000_000)
            case nil: continue
            }
        }
        return customer
    }

    private func decodeEvidence(_ json: Int) throws(RequestError) -> Evidence {
        var evidence = Evidence(photos: 0, videos: 0)
        if tape.kind(json) == .null { return evidence }
        guard tape.kind(json) == .object else { throw RequestError(path: "$.evidence", "must be an object") }
        for (key, value) in tape.members(of: json) {
            switch RequestKeys.evidence.match(tape, key) {
            case .photos?: evidence.photos = try integer(value, "$.evidence.photos", in: 0...1_000_000)
            case .videos?: evidence.videos = try integer(value, "$.evidence.videos", in: 0...1_000_000)
            case nil: continue
            }
        }
        return evidence
    }

    /// Reads the declared keys of an open map (`attributes`, `facts`); undeclared keys are ignored.
    private func decodeDeclared(_ json: Int, _ path: @autoclosure () -> String, _ declared: [DeclaredField], _ keys: KeyTable<Int>, into values: inout [Value]) throws(RequestError) {
        if tape.kind(json) == .null { return }
        guard tape.kind(json) == .object else { throw RequestError(path: path(), "must be an object") }
        for (key, value) in tape.members(of: json) {
            guard let index = keys.match(tape, key) else { continue }
            if tape.kind(value) == .null {
                values[index] = declared[index].defaultValue
                continue
            }
            switch declared[index].type {
            case .bool: values[index] = .bool(try bool(value, path() + "." + tape.string(key)))
            case .int: values[index] = .int(Int64(try integer(value, path() + "." + tape.string(key), in: Int.min...Int.max)))
            case .string: values[index] = .string(try string(value, path() + "." + tape.string(key)))
            case .money: values[index] = .money(try money(value, path() + "." + tape.string(key)))
            }
        }
    }

    private func format(_ minorUnits: Int64) -> String {
        Money.format(minorUnits: minorUnits, fractionDigits: schema.currency.fractionDigits)
    }
}
