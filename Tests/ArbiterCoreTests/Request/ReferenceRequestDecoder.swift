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
        guard case .object = json else { throw RequestError(path: "$", "a request must be a JSON object") }
        try ref_checkLimits(json)
        return try resolve(try ref_decodeDraft(json))
    }

    /// The members that count: each key's last occurrence, in the document order of those.
    fileprivate func ref_lastMembers(_ members: [JSONMember]) -> [JSONMember] {
        var seen = Set<String>()
        var kept: [JSONMember] = []
        for member in members.reversed() where seen.insert(member.key).inserted { kept.append(member) }
        return kept.reversed()
    }

    fileprivate func ref_checkLimits(_ json: JSONValue) throws(RequestError) {
        func count(_ value: JSONValue?) -> Int {
            if case .array(let elements)? = value { return elements.count }
            return 0
        }
        var order: JSONValue?
        if case .object? = json["order"] { order = json["order"] }
        try RequestLimits.check(
            items: count(order?["items"]), lines: count(json["lines"]),
            discounts: count(order?["discounts"]), payments: count(order?["payments"]))
    }

    fileprivate func ref_decodeDraft(_ json: JSONValue) throws(RequestError) -> RequestDraft {
        guard case .object(let members) = json else { throw RequestError(path: "$", "a request must be a JSON object") }
        var digits = schema.currency.fractionDigits
        if case .string(let code)? = json["order"]?["currency"], let currency = Currency.named(code) { digits = currency.fractionDigits }
        var id: String?
        var kind: RequestKind?
        var reason: Reason?
        var requestedAt: Timestamp?
        var policy: String?
        var order: OrderDraft?
        var lines: [LineDraft]?
        var customer = Customer(id: nil, tier: "regular", refunds90d: 0, orders90d: 0)
        var evidence = Evidence(photos: 0, videos: 0)
        var facts = schema.facts.map(\.defaultValue)
        var locale = MessageLocale.zhCN
        for member in ref_lastMembers(members) {
            let value = member.value
            switch member.key {
            case "id": id = try ref_string(value, "$.id")
            case "kind": kind = try ref_enumeration(value, "$.kind", RequestKind.self)
            case "reason": reason = try ref_enumeration(value, "$.reason", Reason.self)
            case "requested_at": requestedAt = try ref_timestamp(value, "$.requested_at")
            case "policy": policy = try ref_optionalString(value, "$.policy")
            case "order": order = try ref_decodeOrder(value, digits: digits)
            case "lines": lines = try ref_decodeLines(value)
            case "customer": customer = try ref_decodeCustomer(value)
            case "evidence": evidence = try ref_decodeEvidence(value)
            case "facts": try ref_decodeDeclared(value, "$.facts", schema.facts, digits: digits, into: &facts)
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
        guard let order else { throw RequestError(path: "$.order", "missing required field 'order'") }
        return RequestDraft(
            id: id, kind: kind, reason: reason, requestedAt: requestedAt, policy: policy, order: order, lines: lines,
            customer: customer, evidence: evidence, facts: facts, locale: locale)
    }

    // MARK: - Order

    fileprivate func ref_decodeOrder(_ json: JSONValue, digits: Int) throws(RequestError) -> OrderDraft {
        guard case .object(let members) = json else { throw RequestError(path: "$.order", "must be an object") }
        var id: String?
        var currency: Currency?
        var items: [(OrderItem, giftFor: String?)]?
        var draft = OrderDraft(id: "", currency: schema.currency, items: [], discounts: [])
        for member in ref_lastMembers(members) {
            let value = member.value
            let path = "$.order." + member.key
            switch member.key {
            case "id": id = try ref_string(value, path)
            case "currency":
                let code = try ref_string(value, path)
                guard let known = Currency.named(code) else { throw RequestError(path: path, "unknown currency '\(code)'") }
                currency = known
            case "timezone":
                if case .null = value { break }
                let name = try ref_string(value, path)
                guard let found = Zone.named(name) else { throw RequestError(path: path, Zone.unknownNameMessage(name)) }
                draft.zone = found
            case "placed_at": draft.placedAt = try ref_optionalTimestamp(value, path)
            case "paid_at": draft.paidAt = try ref_optionalTimestamp(value, path)
            case "promised_ship_by": draft.promisedShipBy = try ref_optionalTimestamp(value, path)
            case "promised_delivery_by": draft.promisedDeliveryBy = try ref_optionalTimestamp(value, path)
            case "shipped_at": draft.shippedAt = try ref_optionalTimestamp(value, path)
            case "delivered_at": draft.deliveredAt = try ref_optionalTimestamp(value, path)
            case "shipping_fee": draft.shippingFee = try ref_optionalMoney(value, path, digits: digits) ?? 0
            case "free_shipping_threshold": draft.freeShippingThreshold = try ref_optionalMoney(value, path, digits: digits)
            case "shipping_waived": draft.shippingWaived = try ref_optionalMoney(value, path, digits: digits)
            case "shipping_clawed_back": draft.shippingClawedBack = try ref_optionalMoney(value, path, digits: digits) ?? 0
            case "standard_shipping_fee": draft.standardShippingFee = try ref_optionalMoney(value, path, digits: digits)
            case "shipping_insurance":
                if case .null = value { break }
                draft.shippingInsurance = try ref_bool(value, path)
            case "items":
                guard case .array(let values) = value else { throw RequestError(path: path, "must be an array") }
                guard !values.isEmpty else { throw RequestError(path: path, "an order has at least one item") }
                var decoded: [(OrderItem, giftFor: String?)] = []
                for (index, itemJSON) in values.enumerated() {
                    decoded.append(try ref_decodeItem(itemJSON, path: "$.order.items[\(index)]", digits: digits))
                }
                items = decoded
            case "discounts": draft.discounts = try ref_decodeDiscounts(value, digits: digits)
            case "payments": draft.payments = try ref_decodePayments(value, digits: digits)
            default: continue
            }
        }
        guard let id else { throw RequestError(path: "$.order.id", "missing required field 'id'") }
        guard let currency else { throw RequestError(path: "$.order.currency", "missing required field 'currency'") }
        guard let items else { throw RequestError(path: "$.order.items", "missing required field 'items'") }
        draft.id = id
        draft.currency = currency
        draft.items = items.map(\.0)
        draft.giftLines = items.enumerated().compactMap { index, item in item.giftFor.map { (index, $0) } }
        return draft
    }

    fileprivate func ref_decodeItem(_ json: JSONValue, path: String, digits: Int) throws(RequestError) -> (OrderItem, giftFor: String?) {
        guard case .object(let members) = json else { throw RequestError(path: path, "must be an object") }
        var line: String?
        var unitPrice: Int64?
        var quantity: Int?
        var giftFor: String?
        var item = OrderItem(unlinked: schema.attributes.map(\.defaultValue))
        for member in ref_lastMembers(members) {
            let value = member.value
            let fieldPath = path + "." + member.key
            switch member.key {
            case "line": line = try ref_string(value, fieldPath)
            case "sku": item.sku = try ref_optionalString(value, fieldPath)
            case "title": item.title = try ref_optionalString(value, fieldPath)
            case "category": item.category = try ref_optionalString(value, fieldPath)
            case "unit_price": unitPrice = try ref_money(value, fieldPath, digits: digits)
            case "quantity": quantity = try ref_integer(value, fieldPath, in: 1...1_000_000)
            case "refunded_quantity":
                if case .null = value { item.refundedQuantity = 0; break }
                item.refundedQuantity = try ref_integer(value, fieldPath, in: 0...1_000_000)
            case "attributes": try ref_decodeDeclared(value, fieldPath, schema.attributes, digits: digits, into: &item.attributes)
            case "gift_for": giftFor = try ref_optionalString(value, fieldPath)
            case "gift_value": item.giftValue = try ref_optionalMoney(value, fieldPath, digits: digits)
            case "delivered_at": item.deliveredAt = try ref_optionalTimestamp(value, fieldPath)
            default: continue
            }
        }
        guard let line else { throw RequestError(path: path + ".line", "missing required field 'line'") }
        guard let unitPrice else { throw RequestError(path: path + ".unit_price", "missing required field 'unit_price'") }
        guard let quantity else { throw RequestError(path: path + ".quantity", "missing required field 'quantity'") }
        item.line = line
        item.unitPrice = unitPrice
        item.quantity = quantity
        return (item, giftFor)
    }

    fileprivate func ref_decodeDiscounts(_ json: JSONValue, digits: Int) throws(RequestError) -> [DiscountDraft] {
        if case .null = json { return [] }
        guard case .array(let values) = json else { throw RequestError(path: "$.order.discounts", "must be an array") }
        var discounts: [DiscountDraft] = []
        for (index, value) in values.enumerated() {
            let path = "$.order.discounts[\(index)]"
            guard case .object(let members) = value else { throw RequestError(path: path, "must be an object") }
            var id: String?
            var kind: DiscountKind?
            var amount: Int64?
            var appliesTo: [String]?
            var threshold: Int64?
            var clawedBack: Int64 = 0
            for member in ref_lastMembers(members) {
                let field = member.value
                let fieldPath = path + "." + member.key
                switch member.key {
                case "id": id = try ref_string(field, fieldPath)
                case "kind": kind = try ref_enumeration(field, fieldPath, DiscountKind.self)
                case "amount": amount = try ref_money(field, fieldPath, digits: digits)
                case "threshold": threshold = try ref_optionalMoney(field, fieldPath, digits: digits)
                case "clawed_back": clawedBack = try ref_optionalMoney(field, fieldPath, digits: digits) ?? 0
                case "applies_to":
                    if case .null = field { appliesTo = nil; break }
                    guard case .array(let lineValues) = field else { throw RequestError(path: fieldPath, "must be an array of line ids or null") }
                    guard !lineValues.isEmpty else { throw RequestError(path: fieldPath, "must name at least one line (null means the whole order)") }
                    var lines: [String] = []
                    for (position, lineValue) in lineValues.enumerated() {
                        lines.append(try ref_string(lineValue, fieldPath + "[\(position)]"))
                    }
                    appliesTo = lines
                default: continue
                }
            }
            guard let id else { throw RequestError(path: path + ".id", "missing required field 'id'") }
            guard let kind else { throw RequestError(path: path + ".kind", "missing required field 'kind'") }
            guard let amount else { throw RequestError(path: path + ".amount", "missing required field 'amount'") }
            discounts.append(DiscountDraft(id: id, kind: kind, amount: amount, appliesTo: appliesTo, threshold: threshold, clawedBack: clawedBack))
        }
        return discounts
    }

    fileprivate func ref_decodePayments(_ json: JSONValue, digits: Int) throws(RequestError) -> [Payment]? {
        if case .null = json { return nil }
        guard case .array(let values) = json else { throw RequestError(path: "$.order.payments", "must be an array or null") }
        guard !values.isEmpty else { throw RequestError(path: "$.order.payments", "must list at least one payment (null when not given)") }
        var payments: [Payment] = []
        for (index, value) in values.enumerated() {
            let path = "$.order.payments[\(index)]"
            guard case .object(let members) = value else { throw RequestError(path: path, "must be an object") }
            var method: String?
            var amount: Int64?
            var refunded: Int64 = 0
            for member in ref_lastMembers(members) {
                let fieldPath = path + "." + member.key
                switch member.key {
                case "method":
                    let text = try ref_string(member.value, fieldPath)
                    guard !text.isEmpty else { throw RequestError(path: fieldPath, "must name the method (e.g. 'card', 'alipay')") }
                    method = text
                case "amount": amount = try ref_money(member.value, fieldPath, digits: digits)
                case "refunded": refunded = try ref_optionalMoney(member.value, fieldPath, digits: digits) ?? 0
                default: continue
                }
            }
            guard let method else { throw RequestError(path: path + ".method", "missing required field 'method'") }
            guard let amount else { throw RequestError(path: path + ".amount", "missing required field 'amount'") }
            payments.append(Payment(method: method, amount: amount, refunded: refunded))
        }
        return payments
    }

    fileprivate func ref_decodeLines(_ json: JSONValue) throws(RequestError) -> [LineDraft]? {
        if case .null = json { return nil }
        guard case .array(let values) = json else { throw RequestError(path: "$.lines", "must be an array") }
        var lines: [LineDraft] = []
        for (index, value) in values.enumerated() {
            let path = "$.lines[\(index)]"
            guard case .object(let members) = value else { throw RequestError(path: path, "must be an object") }
            var lineID: String?
            var quantity: Int?
            var condition = ItemCondition.new
            for member in ref_lastMembers(members) {
                let fieldPath = path + "." + member.key
                switch member.key {
                case "line": lineID = try ref_string(member.value, fieldPath)
                case "quantity": quantity = try ref_integer(member.value, fieldPath, in: 1...1_000_000)
                case "condition":
                    if case .null = member.value { condition = .new; break }
                    condition = try ref_enumeration(member.value, fieldPath, ItemCondition.self)
                default: continue
                }
            }
            guard let lineID else { throw RequestError(path: path + ".line", "missing required field 'line'") }
            guard let quantity else { throw RequestError(path: path + ".quantity", "missing required field 'quantity'") }
            lines.append(LineDraft(line: lineID, quantity: quantity, condition: condition))
        }
        return lines
    }

    // MARK: - Customer, evidence, open maps

    fileprivate func ref_decodeCustomer(_ json: JSONValue) throws(RequestError) -> Customer {
        var customer = Customer(id: nil, tier: "regular", refunds90d: 0, orders90d: 0)
        if case .null = json { return customer }
        guard case .object(let members) = json else { throw RequestError(path: "$.customer", "must be an object") }
        for member in ref_lastMembers(members) {
            let path = "$.customer." + member.key
            switch member.key {
            case "id": customer.id = try ref_optionalString(member.value, path)
            case "tier": customer.tier = try ref_optionalString(member.value, path) ?? "regular"
            case "refunds_90d": customer.refunds90d = try ref_integer(member.value, path, in: 0...1_000_000_000)
            case "orders_90d": customer.orders90d = try ref_integer(member.value, path, in: 0...1_000_000_000)
            default: continue
            }
        }
        return customer
    }

    fileprivate func ref_decodeEvidence(_ json: JSONValue) throws(RequestError) -> Evidence {
        var evidence = Evidence(photos: 0, videos: 0)
        if case .null = json { return evidence }
        guard case .object(let members) = json else { throw RequestError(path: "$.evidence", "must be an object") }
        for member in ref_lastMembers(members) {
            let path = "$.evidence." + member.key
            switch member.key {
            case "photos": evidence.photos = try ref_integer(member.value, path, in: 0...1_000_000)
            case "videos": evidence.videos = try ref_integer(member.value, path, in: 0...1_000_000)
            default: continue
            }
        }
        return evidence
    }

    fileprivate func ref_decodeDeclared(_ json: JSONValue, _ path: String, _ declared: [DeclaredField], digits: Int, into values: inout [Value]) throws(RequestError) {
        if case .null = json { return }
        guard case .object(let members) = json else { throw RequestError(path: path, "must be an object") }
        for member in ref_lastMembers(members) {
            guard let index = declared.firstIndex(where: { $0.name == member.key }) else { continue }
            let value = member.value
            if case .null = value {
                values[index] = declared[index].defaultValue
                continue
            }
            let fieldPath = path + "." + declared[index].name
            switch declared[index].type {
            case .bool, .optionalBool: values[index] = .bool(try ref_bool(value, fieldPath))
            case .int: values[index] = .int(Int64(try ref_integer(value, fieldPath, in: Int.min...Int.max)))
            case .string: values[index] = .string(try ref_string(value, fieldPath))
            case .money: values[index] = .money(try ref_money(value, fieldPath, digits: digits))
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

    fileprivate func ref_money(_ value: JSONValue, _ path: @autoclosure () -> String, digits: Int) throws(RequestError) -> Int64 {
        guard case .string(let text) = value else {
            if case .number(let literal) = value {
                throw RequestError(path: path(), "money must be a decimal string like \"\(literal)\", not a JSON number")
            }
            throw RequestError(path: path(), "money must be a decimal string, found \(ref_describe(value))")
        }
        do {
            return try Money.parseMinorUnits(text, fractionDigits: digits)
        } catch {
            throw RequestError(path: path(), error.message)
        }
    }

    fileprivate func ref_optionalMoney(_ value: JSONValue, _ path: @autoclosure () -> String, digits: Int) throws(RequestError) -> Int64? {
        if case .null = value { return nil }
        return try ref_money(value, path(), digits: digits)
    }

    fileprivate func ref_timestamp(_ value: JSONValue, _ path: @autoclosure () -> String) throws(RequestError) -> Timestamp {
        let text = try ref_string(value, path())
        do {
            return try Timestamp.parse(text).wholeSeconds
        } catch {
            throw RequestError(path: path(), error.message)
        }
    }

    fileprivate func ref_optionalTimestamp(_ value: JSONValue, _ path: @autoclosure () -> String) throws(RequestError) -> Timestamp? {
        if case .null = value { return nil }
        return try ref_timestamp(value, path())
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
        if let op = json["op"], op != .null {
            guard case .string(let name) = op, name == "ping" else {
                let shown: String
                if case .string(let name) = op { shown = "unsupported op '\(name)'" } else { shown = "'op' must be a string" }
                writeError(.unsupportedOp, "\(shown); supported: ping (or no op for a request)", path: "$.op", id: id, lineNumber: lineNumber, into: &writer)
                return
            }
            writePong(into: &writer)
            return
        }
        let request: AfterSaleRequest
        do {
            request = try engine.decoder.referenceDecode(json)
        } catch {
            write(AnswerError(.invalidRequest(error), id: id, line: lineNumber), into: &writer)
            return
        }
        let digest = audit == .none ? "" : Engine.inputDigest(of: json)
        do {
            DecisionWriter.write(try engine.decide(request, inputDigest: digest, audit: audit), into: &writer)
        } catch {
            write(AnswerError(DecideError(error), id: id, line: lineNumber), into: &writer)
        }
    }
}
