import Foundation
@testable import ArbiterCore

/// The reference decoder the tape decoder is tested against: the straightforward walk over a
/// `JSONValue` tree that production used before the tape (see `TapeRequestDecoderTests`).
/// Same rules, written independently of byte-level concerns, so that drift in either shows.
extension RequestDecoder {
    /// Reads the request id if there is one, for error answers about requests that fail validation.
    static func referenceRequestID(in json: JSONValue) -> String? {
        if case .string(let id)? = json["id"] { return id }
        return nil
    }

    func referenceDecode(_ json: JSONValue) throws(RequestError) -> AfterSaleRequest {
        guard case .object(let members) = json else { throw RequestError(path: "$", "a request must be a JSON object") }
        var id: String?
        var kind: RequestKind?
        var reason: Reason?
        var requestedAt: Timestamp?
        var orderJSON: JSONValue?
        var linesJSON: JSONValue?
        var customer = Customer(id: nil, tier: "regular", refunds90d: 0, orders90d: 0)
        var evidence = Evidence(photos: 0, videos: 0)
        var facts = schema.facts.map(\.defaultValue)
        var locale = MessageLocale.zhCN
        for member in members {
            let value = member.value
            switch member.key {
            case "id": id = try ref_string(value, "$.id")
            case "kind": kind = try ref_enumeration(value, "$.kind", RequestKind.self)
            case "reason": reason = try ref_enumeration(value, "$.reason", Reason.self)
            case "requested_at": requestedAt = try ref_timestamp(value, "$.requested_at")
            case "order": orderJSON = value
            case "lines": linesJSON = value
            case "customer": customer = try ref_decodeCustomer(value)
            case "evidence": evidence = try ref_decodeEvidence(value)
            case "facts": try ref_decodeDeclared(value, "$.facts", schema.facts, into: &facts)
            case "locale":
                if case .null = value { break }
                locale = try ref_enumeration(value, "$.locale", MessageLocale.self)
            default: continue
            }
        }
        guard let id else { throw RequestError(path: "$.id", "missing required field 'id'") }
        guard let kind else { throw RequestError(path: "$.kind", "missing required field 'kind'") }
        guard let reason else { throw RequestError(path: "$.reason", "missing required field 'reason'") }
        guard let requestedAt else { throw RequestError(path: "$.requested_at", "missing required field 'requested_at'") }
        guard let orderJSON else { throw RequestError(path: "$.order", "missing required field 'order'") }
        let order = try ref_decodeOrder(orderJSON)
        // A compensation claim is about the order, not lines: its `lines` are ignored (SPEC rule 13).
        let lines = kind == .compensation ? [] : try ref_decodeLines(linesJSON, order: order)
        return AfterSaleRequest(
            id: id, kind: kind, reason: reason, requestedAt: requestedAt, order: order, lines: lines,
            customer: customer, evidence: evidence, facts: facts, locale: locale)
    }

    // MARK: - Order

    fileprivate func ref_decodeOrder(_ json: JSONValue) throws(RequestError) -> Order {
        guard case .object(let members) = json else { throw RequestError(path: "$.order", "must be an object") }
        var id: String?
        var currencyCode: String?
        var zone: Zone?
        var placedAt, paidAt, promisedShipBy, promisedDeliveryBy, shippedAt, deliveredAt: Timestamp?
        var moneyFields: [(key: String, value: JSONValue)] = []
        var shippingInsurance = false
        var itemsJSON: JSONValue?
        var discountsJSON: JSONValue?
        for member in members {
            let value = member.value
            switch member.key {
            case "id": id = try ref_string(value, "$.order.id")
            case "currency": currencyCode = try ref_string(value, "$.order.currency")
            case "timezone":
                if case .null = value { break }
                let name = try ref_string(value, "$.order.timezone")
                guard let found = Zone.named(name) else {
                    throw RequestError(path: "$.order.timezone", "unknown time zone '\(name)' (expected an IANA name like 'Asia/Shanghai')")
                }
                zone = found
            case "placed_at": placedAt = try ref_optionalTimestamp(value, "$.order.placed_at")
            case "paid_at": paidAt = try ref_optionalTimestamp(value, "$.order.paid_at")
            case "promised_ship_by": promisedShipBy = try ref_optionalTimestamp(value, "$.order.promised_ship_by")
            case "promised_delivery_by": promisedDeliveryBy = try ref_optionalTimestamp(value, "$.order.promised_delivery_by")
            case "shipped_at": shippedAt = try ref_optionalTimestamp(value, "$.order.shipped_at")
            case "delivered_at": deliveredAt = try ref_optionalTimestamp(value, "$.order.delivered_at")
            case "shipping_fee", "free_shipping_threshold", "shipping_waived", "shipping_clawed_back":
                moneyFields.append((member.key, value))
            case "shipping_insurance":
                if case .null = value { break }
                shippingInsurance = try ref_bool(value, "$.order.shipping_insurance")
            case "items": itemsJSON = value
            case "discounts": discountsJSON = value
            default: continue
            }
        }
        guard let id else { throw RequestError(path: "$.order.id", "missing required field 'id'") }
        guard let currencyCode else { throw RequestError(path: "$.order.currency", "missing required field 'currency'") }
        guard let currency = Currency.named(currencyCode) else {
            throw RequestError(path: "$.order.currency", "unknown currency '\(currencyCode)'")
        }
        guard currency == schema.currency else {
            throw RequestError(path: "$.order.currency", "currency mismatch: the order is in \(currency.code) but the policy decides \(schema.currency.code); the arbiter never converts")
        }
        var shippingFee: Int64 = 0
        var freeShippingThreshold, shippingWaived: Int64?
        var shippingClawedBack: Int64 = 0
        for (key, value) in moneyFields {
            let amount = try ref_optionalMoney(value, "$.order.\(key)")
            switch key {
            case "shipping_fee": shippingFee = amount ?? 0
            case "free_shipping_threshold": freeShippingThreshold = amount
            case "shipping_waived": shippingWaived = amount
            default: shippingClawedBack = amount ?? 0
            }
        }
        guard let itemsJSON, case .array(let itemValues) = itemsJSON else {
            throw RequestError(path: "$.order.items", itemsJSON == nil ? "missing required field 'items'" : "must be an array")
        }
        guard !itemValues.isEmpty else { throw RequestError(path: "$.order.items", "an order has at least one item") }
        var items: [OrderItem] = []
        items.reserveCapacity(itemValues.count)
        var giftTargets: [(index: Int, line: String)] = []
        for (index, itemJSON) in itemValues.enumerated() {
            let (item, giftFor) = try ref_decodeItem(itemJSON, path: "$.order.items[\(index)]")
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
        let discounts = try ref_decodeDiscounts(discountsJSON, items: items)
        return Order(
            id: id, currency: currency, zone: zone ?? schema.defaultZone, placedAt: placedAt, paidAt: paidAt,
            promisedShipBy: promisedShipBy, promisedDeliveryBy: promisedDeliveryBy, shippedAt: shippedAt,
            deliveredAt: deliveredAt, shippingFee: shippingFee, freeShippingThreshold: freeShippingThreshold,
            shippingWaived: shippingWaived, shippingClawedBack: shippingClawedBack,
            shippingInsurance: shippingInsurance, items: items, discounts: discounts)
    }

    fileprivate func ref_decodeItem(_ json: JSONValue, path: @autoclosure () -> String) throws(RequestError) -> (OrderItem, giftFor: String?) {
        guard case .object(let members) = json else { throw RequestError(path: path(), "must be an object") }
        var line: String?
        var sku, title, category: String?
        var unitPrice: Int64?
        var quantity: Int?
        var refundedQuantity = 0
        var attributes = schema.attributes.map(\.defaultValue)
        var giftFor: String?
        var giftValue: Int64?
        for member in members {
            let value = member.value
            switch member.key {
            case "line": line = try ref_string(value, path() + ".line")
            case "sku": sku = try ref_optionalString(value, path() + ".sku")
            case "title": title = try ref_optionalString(value, path() + ".title")
            case "category": category = try ref_optionalString(value, path() + ".category")
            case "unit_price": unitPrice = try ref_money(value, path() + ".unit_price")
            case "quantity": quantity = try ref_integer(value, path() + ".quantity", in: 1...1_000_000)
            case "refunded_quantity":
                if case .null = value { break }
                refundedQuantity = try ref_integer(value, path() + ".refunded_quantity", in: 0...1_000_000)
            case "attributes": try ref_decodeDeclared(value, path() + ".attributes", schema.attributes, into: &attributes)
            case "gift_for": giftFor = try ref_optionalString(value, path() + ".gift_for")
            case "gift_value": giftValue = try ref_optionalMoney(value, path() + ".gift_value")
            default: continue
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

    fileprivate func ref_decodeDiscounts(_ json: JSONValue?, items: [OrderItem]) throws(RequestError) -> [Discount] {
        guard let json else { return [] }
        if case .null = json { return [] }
        guard case .array(let values) = json else { throw RequestError(path: "$.order.discounts", "must be an array") }
        var discounts: [Discount] = []
        for (index, value) in values.enumerated() {
            let path = { "$.order.discounts[\(index)]" }
            guard case .object(let members) = value else { throw RequestError(path: path(), "must be an object") }
            var id: String?
            var kind: DiscountKind?
            var amount: Int64?
            var appliesTo: [Int]?
            var threshold: Int64?
            var clawedBack: Int64 = 0
            for member in members {
                let field = member.value
                switch member.key {
                case "id": id = try ref_string(field, path() + ".id")
                case "kind": kind = try ref_enumeration(field, path() + ".kind", DiscountKind.self)
                case "amount": amount = try ref_money(field, path() + ".amount")
                case "threshold": threshold = try ref_optionalMoney(field, path() + ".threshold")
                case "clawed_back": clawedBack = try ref_optionalMoney(field, path() + ".clawed_back") ?? 0
                case "applies_to":
                    if case .null = field { break }
                    guard case .array(let lineValues) = field else { throw RequestError(path: path() + ".applies_to", "must be an array of line ids or null") }
                    var indices: [Int] = []
                    for (position, lineValue) in lineValues.enumerated() {
                        let linePath = { path() + ".applies_to[\(position)]" }
                        let line = try ref_string(lineValue, linePath())
                        guard let itemIndex = items.firstIndex(where: { $0.line == line }) else {
                            throw RequestError(path: linePath(), "'\(line)' names no item of the order")
                        }
                        guard !indices.contains(itemIndex) else { throw RequestError(path: linePath(), "line '\(line)' is listed twice") }
                        indices.append(itemIndex)
                    }
                    guard !indices.isEmpty else { throw RequestError(path: path() + ".applies_to", "must name at least one line (null means the whole order)") }
                    // Scope in order.items order: allocation ties go to the earlier line of the order.
                    appliesTo = indices.sorted()
                default: continue
                }
            }
            guard let id else { throw RequestError(path: path() + ".id", "missing required field 'id'") }
            guard let kind else { throw RequestError(path: path() + ".kind", "missing required field 'kind'") }
            guard let amount else { throw RequestError(path: path() + ".amount", "missing required field 'amount'") }
            let scopeGross = (appliesTo ?? Array(items.indices)).reduce(Int64(0)) { $0 + items[$1].gross }
            guard amount <= scopeGross else {
                throw RequestError(path: path() + ".amount", "discount \(ref_format(amount)) is larger than the gross \(ref_format(scopeGross)) it applies to")
            }
            if discounts.contains(where: { $0.id == id }) { throw RequestError(path: path() + ".id", "duplicate discount id '\(id)'") }
            discounts.append(Discount(id: id, kind: kind, amount: amount, appliesTo: appliesTo, threshold: threshold, clawedBack: clawedBack))
        }
        return discounts
    }

    fileprivate func ref_decodeLines(_ json: JSONValue?, order: Order) throws(RequestError) -> [RequestedLine] {
        var values: [JSONValue] = []
        switch json {
        case .array(let array)?: values = array
        case nil, .null?: break
        default: throw RequestError(path: "$.lines", "must be an array")
        }
        if values.isEmpty { throw RequestError(path: "$.lines", "must name at least one line of the order") }
        var lines: [RequestedLine] = []
        lines.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            let path = { "$.lines[\(index)]" }
            guard case .object(let members) = value else { throw RequestError(path: path(), "must be an object") }
            var lineID: String?
            var quantity: Int?
            var condition = ItemCondition.new
            for member in members {
                switch member.key {
                case "line": lineID = try ref_string(member.value, path() + ".line")
                case "quantity": quantity = try ref_integer(member.value, path() + ".quantity", in: 1...1_000_000)
                case "condition":
                    if case .null = member.value { break }
                    condition = try ref_enumeration(member.value, path() + ".condition", ItemCondition.self)
                default: continue
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

    fileprivate func ref_decodeCustomer(_ json: JSONValue) throws(RequestError) -> Customer {
        var customer = Customer(id: nil, tier: "regular", refunds90d: 0, orders90d: 0)
        if case .null = json { return customer }
        guard case .object(let members) = json else { throw RequestError(path: "$.customer", "must be an object") }
        for member in members {
            switch member.key {
            case "id": customer.id = try ref_optionalString(member.value, "$.customer.id")
            case "tier": customer.tier = try ref_optionalString(member.value, "$.customer.tier") ?? "regular"
            case "refunds_90d": customer.refunds90d = try ref_integer(member.value, "$.customer.refunds_90d", in: 0...1_000_000_000)
            case "orders_90d": customer.orders90d = try ref_integer(member.value, "$.customer.orders_90d", in: 0...1_000_000_000)
            default: continue
            }
        }
        return customer
    }

    fileprivate func ref_decodeEvidence(_ json: JSONValue) throws(RequestError) -> Evidence {
        var evidence = Evidence(photos: 0, videos: 0)
        if case .null = json { return evidence }
        guard case .object(let members) = json else { throw RequestError(path: "$.evidence", "must be an object") }
        for member in members {
            switch member.key {
            case "photos": evidence.photos = try ref_integer(member.value, "$.evidence.photos", in: 0...1_000_000)
            case "videos": evidence.videos = try ref_integer(member.value, "$.evidence.videos", in: 0...1_000_000)
            default: continue
            }
        }
        return evidence
    }

    /// Reads the declared keys of an open map (`attributes`, `facts`); undeclared keys are ignored.
    fileprivate func ref_decodeDeclared(_ json: JSONValue, _ path: @autoclosure () -> String, _ declared: [DeclaredField], into values: inout [Value]) throws(RequestError) {
        if case .null = json { return }
        guard case .object(let members) = json else { throw RequestError(path: path(), "must be an object") }
        for member in members {
            guard let index = declared.firstIndex(where: { $0.name == member.key }) else { continue }
            let value = member.value
            if case .null = value {
                values[index] = declared[index].defaultValue
                continue
            }
            switch declared[index].type {
            case .bool: values[index] = .bool(try ref_bool(value, path() + "." + member.key))
            case .int: values[index] = .int(Int64(try ref_integer(value, path() + "." + member.key, in: Int.min...Int.max)))
            case .string: values[index] = .string(try ref_string(value, path() + "." + member.key))
            case .money: values[index] = .money(try ref_money(value, path() + "." + member.key))
            }
        }
    }

    // MARK: - Scalars

    fileprivate func ref_string(_ value: JSONValue, _ path: @autoclosure () -> String) throws(RequestError) -> String {
        guard case .string(let text) = value else { throw RequestError(path: path(), "must be a string, found \(ref_describe(value))") }
        return text
    }

    fileprivate func ref_optionalString(_ value: JSONValue, _ path: @autoclosure () -> String) throws(RequestError) -> String? {
        if case .null = value { return nil }
        return try ref_string(value, path())
    }

    fileprivate func ref_bool(_ value: JSONValue, _ path: @autoclosure () -> String) throws(RequestError) -> Bool {
        guard case .bool(let flag) = value else { throw RequestError(path: path(), "must be true or false, found \(ref_describe(value))") }
        return flag
    }

    fileprivate func ref_enumeration<E: RawRepresentable & CaseIterable>(_ value: JSONValue, _ path: @autoclosure () -> String, _: E.Type) throws(RequestError) -> E where E.RawValue == String {
        let text = try ref_string(value, path())
        guard let result = E(rawValue: text) else {
            let allowed = E.allCases.map(\.rawValue)
            var message = "unknown value '\(text)'"
            if let suggestion = Suggestion.closest(to: text, in: allowed) { message += " (did you mean '\(suggestion)'?)" }
            throw RequestError(path: path(), message + "; expected one of " + allowed.joined(separator: ", "))
        }
        return result
    }

    fileprivate func ref_integer(_ value: JSONValue, _ path: @autoclosure () -> String, in range: ClosedRange<Int>) throws(RequestError) -> Int {
        guard case .number(let literal) = value else { throw RequestError(path: path(), "must be an integer, found \(ref_describe(value))") }
        guard let number = Int(literal) else { throw RequestError(path: path(), "must be an integer, found \(literal)") }
        guard range.contains(number) else {
            throw RequestError(path: path(), number < range.lowerBound ? "must be at least \(range.lowerBound), found \(number)" : "must be at most \(range.upperBound), found \(number)")
        }
        return number
    }

    fileprivate func ref_money(_ value: JSONValue, _ path: @autoclosure () -> String) throws(RequestError) -> Int64 {
        guard case .string(let text) = value else {
            if case .number(let literal) = value {
                throw RequestError(path: path(), "money must be a decimal string like \"\(literal)\", not a JSON number")
            }
            throw RequestError(path: path(), "money must be a decimal string, found \(ref_describe(value))")
        }
        do {
            return try Money.parseMinorUnits(text, fractionDigits: schema.currency.fractionDigits)
        } catch {
            throw RequestError(path: path(), error.message)
        }
    }

    fileprivate func ref_optionalMoney(_ value: JSONValue, _ path: @autoclosure () -> String) throws(RequestError) -> Int64? {
        if case .null = value { return nil }
        return try ref_money(value, path())
    }

    fileprivate func ref_timestamp(_ value: JSONValue, _ path: @autoclosure () -> String) throws(RequestError) -> Timestamp {
        let text = try ref_string(value, path())
        do {
            return try Timestamp.parse(text)
        } catch {
            throw RequestError(path: path(), error.message)
        }
    }

    fileprivate func ref_optionalTimestamp(_ value: JSONValue, _ path: @autoclosure () -> String) throws(RequestError) -> Timestamp? {
        if case .null = value { return nil }
        return try ref_timestamp(value, path())
    }

    fileprivate func ref_format(_ minorUnits: Int64) -> String {
        Money.format(minorUnits: minorUnits, fractionDigits: schema.currency.fractionDigits)
    }

    fileprivate func ref_describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let literal): return "number \(literal)"
        case .string(let text): return "string \"\(text)\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

extension ProtocolHandler {
    /// The answer the tree path gave before the tape: the oracle the tape path is compared with.
    func referenceRespond(to json: JSONValue, lineNumber: Int, into writer: inout JSONWriter) {
        guard case .object = json else {
            writeError(.invalidRequest, "a line must hold a JSON object", path: "$", id: nil, lineNumber: lineNumber, into: &writer)
            return
        }
        let id = RequestDecoder.referenceRequestID(in: json)
        if let op = json["op"] {
            guard case .string(let name) = op, name == "ping" else {
                let shown: String
                if case .string(let name) = op { shown = "'\(name)'" } else { shown = "a non-string value" }
                writeError(.unsupportedOp, "unsupported op \(shown); supported: ping (or no op for a request)", path: "$.op", id: id, lineNumber: lineNumber, into: &writer)
                return
            }
            writePong(into: &writer)
            return
        }
        let request: AfterSaleRequest
        do {
            request = try engine.decoder.referenceDecode(json)
        } catch {
            writeError(.invalidRequest(error), id: id, lineNumber: lineNumber, into: &writer)
            return
        }
        let digest = audit == .none ? "" : Engine.inputDigest(of: json)
        do {
            DecisionWriter.write(try engine.decide(request, inputDigest: digest, audit: audit), into: &writer)
        } catch {
            writeError(.evaluation(error), id: id, lineNumber: lineNumber, into: &writer)
        }
    }
}
