/// Decodes a request straight from a `JSONTape`: checks the limits, then the format of every
/// field in document order into a `RequestDraft`, which `RequestDecoder.resolve` checks for
/// consistency (SPEC section 8's order of checks).
///
/// A duplicated key counts once, with its last value (SPEC section 8): only the last occurrence
/// of each known key is read, and earlier ones are neither validated nor used. Keys and
/// enumeration values are matched as bytes (`KeyTable`); strings are made only for values the
/// request keeps and for error messages. The tests keep a tree-walking reference decoder
/// (`Tests/ArbiterCoreTests/Request/ReferenceRequestDecoder.swift`) and require both to agree on
/// every input: a change to one must be made to the other.
struct TapeRequestDecoder {
    let decoder: RequestDecoder
    /// The document being decoded.
    let tape: JSONTape.View
    /// Fraction digits of money amounts: the order's currency's when it names a known one (the
    /// currency mismatch is reported later, SPEC section 8), else the policy's.
    var fractionDigits: Int
    /// Where this thread found each member's key last time (`KeyHints.slots`), when the caller
    /// keeps them (its buffers hold them while the request is decoded).
    private var hints: UnsafeMutablePointer<Int16>?

    init(decoder: RequestDecoder, tape: JSONTape.View) {
        self.decoder = decoder
        self.tape = tape
        fractionDigits = decoder.schema.currency.fractionDigits
    }

    var schema: RequestSchema { decoder.schema }

    /// `buffers`: the arrays of the last request, filled instead of new ones (`RequestBuffers`).
    /// `outline`: the request's outline (`RequestOutline`).
    mutating func decode(_ root: Int, outline: RequestOutline, selectionError: RequestError? = nil, buffers: inout RequestBuffers) throws(RequestError) -> AfterSaleRequest {
        guard tape.kind(root) == .object else { throw RequestError(path: "$", "a request must be a JSON object") }
        try checkLimits(outline)
        hints = buffers.keyHints?.slots
        return try decoder.resolve(try decodeDraft(root, buffers: &buffers), selectionError: selectionError, buffers: &buffers)
    }

    /// SPEC section 8, "Limits": checked before anything else, so that no work is done on a
    /// request too large to accept. The outline also finds the order's currency, whose
    /// fraction digits money amounts are read with.
    private mutating func checkLimits(_ outline: RequestOutline) throws(RequestError) {
        func count(_ array: Int?) -> Int {
            guard let array, tape.kind(array) == .array else { return 0 }
            return tape.elementCount(array)
        }
        try RequestLimits.check(
            items: count(outline.items), lines: count(outline.lines), discounts: count(outline.discounts),
            payments: count(outline.payments))
        if let currency = outline.currency, tape.kind(currency) == .string, let known = RequestKeys.currencies.match(tape, currency) {
            fractionDigits = known.fractionDigits
        }
    }

    /// Calls `body` with each known key's last value, in the document order of those values.
    ///
    /// One pass over the members matches each key once and notes, per member, its ordinal and
    /// value; a second pass over those notes calls `body` for the members that are their key's
    /// last occurrence. Inlined into each caller, so that `match` and `body` are too: no closure
    /// context and no indirect call per member.
    ///
    /// - Parameters:
    ///   - keyCount: how many keys `match` can return (ordinals `0..<keyCount`).
    ///   - match: the ordinal of a key token (given with its member position), or nil for a key
    ///     that is ignored.
    @inline(__always)
    private func forEachLastMember(
        of object: Int, keyCount: Int, match: (_ key: Int, _ position: Int) -> Int?, _ body: (_ ordinal: Int, _ value: Int) throws(RequestError) -> Void
    ) throws(RequestError) {
        let memberCount = tape.elementCount(object)
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: keyCount + 2 * memberCount) { (buffer) throws(RequestError) in
            guard let base = buffer.baseAddress else { return }
            // last[ordinal] = the value token of the key's last occurrence, or -1.
            let last = base
            last.initialize(repeating: -1, count: keyCount)
            // Per member in document order: its key's ordinal (-1 when ignored) and its value token.
            let ordinals = base + keyCount
            let values = ordinals + memberCount
            var members = 0
            for (key, value) in tape.members(of: object) {
                let ordinal = match(key, members) ?? -1
                ordinals[members] = ordinal
                values[members] = value
                if ordinal >= 0 { last[ordinal] = value }
                members += 1
            }
            for member in 0..<members {
                let ordinal = ordinals[member]
                if ordinal >= 0, last[ordinal] == values[member] { try body(ordinal, values[member]) }
            }
        }
    }

    /// The same over a request object's known keys (an enumeration whose raw values are
    /// `0..<count`, one name each in `table`), without building anything per object.
    @inline(__always)
    private func forEachLastMember<Key: RawRepresentable>(
        of object: Int, _ table: KeyTable<Key>, hints site: KeyHints.Site, _ body: (Key, Int) throws(RequestError) -> Void
    ) throws(RequestError) where Key.RawValue == Int {
        // The closures written at the call, not held in a `let`: a closure value is allocated.
        try forEachLastMember(of: object, keyCount: table.count, match: { (key, position) in
            table.match(tape, key, hint: KeyHints.hint(in: hints, site, position: position))?.rawValue
        }) { (ordinal, value) throws(RequestError) in
            guard let key = Key(rawValue: ordinal) else { return }
            try body(key, value)
        }
    }

    // MARK: - Format, in document order

    /// Not `mutating`: the member closure below calls the decoder's other methods, and on a
    /// mutable `self` each call took a copy of the decoder (its references retained and released).
    private func decodeDraft(_ root: Int, buffers: inout RequestBuffers) throws(RequestError) -> RequestDraft {
        var id: String?
        var kind: RequestKind?
        var reason: Reason?
        var requestedAt: Timestamp?
        var policy: String?
        var order: OrderDraft?
        var lines: [LineDraft]?
        var customer = Customer(id: nil, tier: "regular", refunds90d: 0, orders90d: 0)
        var evidence = Evidence(photos: 0, videos: 0)
        var facts = decoder.factDefaults
        var locale = MessageLocale.zhCN
        try forEachLastMember(of: root, RequestKeys.top, hints: .top) { (key, value) throws(RequestError) in
            switch key {
            case .id: id = try string(value, "$.id")
            case .kind: kind = try enumeration(value, "$.kind", RequestKeys.kinds)
            case .reason: reason = try enumeration(value, "$.reason", RequestKeys.reasons)
            case .requestedAt: requestedAt = try timestamp(value, "$.requested_at")
            case .policy: policy = try optionalString(value, "$.policy")
            case .order:
                order = OrderDraft(id: "", currency: schema.currency, items: [], discounts: [])
                try decodeOrder(value, into: &order!, buffers: &buffers)
            case .lines: lines = try decodeLines(value, buffers: &buffers)
            case .customer: customer = try decodeCustomer(value)
            case .evidence: evidence = try decodeEvidence(value)
            case .facts: try decodeDeclared(value, "$.facts", schema.facts, facts: true, hints: .facts, into: &facts)
            case .locale:
                if tape.kind(value) == .null { break }
                locale = try enumeration(value, "$.locale", RequestKeys.locales)
            }
        }
        guard let id else { throw RequestError(path: "$.id", "missing required field 'id'") }
        guard let kind else { throw RequestError(path: "$.kind", "missing required field 'kind'") }
        guard let reason else { throw RequestError(path: "$.reason", "missing required field 'reason'") }
        guard let requestedAt else { throw RequestError(path: "$.requested_at", "missing required field 'requested_at'") }
        // Taken out of the optional, not bound to a copy of it (its arrays and strings retained once more).
        guard let order = order.take() else { throw RequestError(path: "$.order", "missing required field 'order'") }
        return RequestDraft(
            id: id, kind: kind, reason: reason, requestedAt: requestedAt, policy: policy, order: order, lines: lines,
            customer: customer, evidence: evidence, facts: facts, locale: locale)
    }

    /// Decodes the order into `draft` (made empty by the caller), in place: a draft returned
    /// from here was copied once more (its arrays and strings retained and released).
    private func decodeOrder(_ json: Int, into draft: inout OrderDraft, buffers: inout RequestBuffers) throws(RequestError) {
        guard tape.kind(json) == .object else { throw RequestError(path: "$.order", "must be an object") }
        var id: String?
        var currency: Currency?
        var items: (items: [OrderItem], giftLines: [(item: Int, line: String)])?
        try forEachLastMember(of: json, RequestKeys.order, hints: .order) { (key, value) throws(RequestError) in
            switch key {
            case .id: id = try string(value, "$.order.id")
            case .currency:
                try expectString(value, "$.order.currency")
                guard let known = RequestKeys.currencies.match(tape, value) else {
                    throw RequestError(path: "$.order.currency", "unknown currency '\(tape.string(value))'")
                }
                currency = known
            case .timezone:
                if tape.kind(value) == .null { break }
                try expectString(value, "$.order.timezone")
                // The policy's own zone (the usual case) is matched by its name's bytes: no
                // lookup and no `String` needed. Any other is this decoder's own copy.
                if let known = decoder.zoneKeys.match(tape, value) {
                    draft.zone = known
                    break
                }
                let name = tape.string(value)
                guard let found = decoder.zone(named: name) else { throw RequestError(path: "$.order.timezone", Zone.unknownNameMessage(name)) }
                draft.zone = found
            case .placedAt: draft.placedAt = try optionalTimestamp(value, "$.order.placed_at")
            case .paidAt: draft.paidAt = try optionalTimestamp(value, "$.order.paid_at")
            case .promisedShipBy: draft.promisedShipBy = try optionalTimestamp(value, "$.order.promised_ship_by")
            case .promisedDeliveryBy: draft.promisedDeliveryBy = try optionalTimestamp(value, "$.order.promised_delivery_by")
            case .shippedAt: draft.shippedAt = try optionalTimestamp(value, "$.order.shipped_at")
            case .deliveredAt: draft.deliveredAt = try optionalTimestamp(value, "$.order.delivered_at")
            case .shippingFee: draft.shippingFee = try optionalMoney(value, "$.order.shipping_fee") ?? 0
            case .freeShippingThreshold: draft.freeShippingThreshold = try optionalMoney(value, "$.order.free_shipping_threshold")
            case .shippingWaived: draft.shippingWaived = try optionalMoney(value, "$.order.shipping_waived")
            case .shippingClawedBack: draft.shippingClawedBack = try optionalMoney(value, "$.order.shipping_clawed_back") ?? 0
            case .standardShippingFee: draft.standardShippingFee = try optionalMoney(value, "$.order.standard_shipping_fee")
            case .shippingInsurance:
                if tape.kind(value) == .null { break }
                draft.shippingInsurance = try bool(value, "$.order.shipping_insurance")
            case .items: items = try decodeItems(value, buffers: &buffers)
            case .discounts: draft.discounts = try decodeDiscounts(value, buffers: &buffers)
            case .payments: draft.payments = try decodePayments(value)
            }
        }
        guard let id else { throw RequestError(path: "$.order.id", "missing required field 'id'") }
        guard let currency else { throw RequestError(path: "$.order.currency", "missing required field 'currency'") }
        guard let items = items.take() else { throw RequestError(path: "$.order.items", "missing required field 'items'") }
        draft.id = id
        draft.currency = currency
        draft.items = items.items
        draft.giftLines = items.giftLines
    }

    /// The order's items, and the line each gift's `gift_for` names (`OrderDraft.giftLines`).
    private func decodeItems(_ json: Int, buffers: inout RequestBuffers) throws(RequestError) -> (items: [OrderItem], giftLines: [(item: Int, line: String)]) {
        guard tape.kind(json) == .array else { throw RequestError(path: "$.order.items", "must be an array") }
        guard tape.elementCount(json) > 0 else { throw RequestError(path: "$.order.items", "an order has at least one item") }
        var items = RequestBuffers.take(&buffers.items)
        var giftLines: [(item: Int, line: String)] = []
        items.reserveCapacity(tape.elementCount(json))
        for (index, itemJSON) in tape.elements(of: json).enumerated() {
            // Decoded in place in the array: an item returned and appended was copied once more
            // (its strings and attributes retained and released).
            items.append(OrderItem(unlinked: buffers.attributeValues(decoder.attributeDefaults)))
            if let giftFor = try decodeItem(itemJSON, path: "$.order.items[\(index)]", into: &items[index]) {
                // The first gift takes the last order's list with gifts (`RequestBuffers`).
                if giftLines.isEmpty { giftLines = RequestBuffers.take(&buffers.giftLines) }
                giftLines.append((index, giftFor))
            }
        }
        return (items, giftLines)
    }

    /// Decodes an item into `item` (made with `OrderItem(unlinked:)`), and returns the line its
    /// `gift_for` names.
    private func decodeItem(_ json: Int, path: @autoclosure () -> String, into item: inout OrderItem) throws(RequestError) -> String? {
        guard tape.kind(json) == .object else { throw RequestError(path: path(), "must be an object") }
        var line: String?
        var unitPrice: Int64?
        var quantity: Int?
        var giftFor: String?
        try forEachLastMember(of: json, RequestKeys.item, hints: .item) { (key, value) throws(RequestError) in
            switch key {
            case .line: line = try string(value, path() + ".line")
            case .sku: item.sku = try optionalString(value, path() + ".sku")
            case .title: item.title = try optionalString(value, path() + ".title")
            case .category: item.category = try optionalString(value, path() + ".category")
            case .unitPrice: unitPrice = try money(value, path() + ".unit_price")
            case .quantity: quantity = try integer(value, path() + ".quantity", in: 1...1_000_000)
            case .refundedQuantity:
                item.refundedQuantity = tape.kind(value) == .null ? 0 : try integer(value, path() + ".refunded_quantity", in: 0...1_000_000)
            case .attributes: try decodeDeclared(value, path() + ".attributes", schema.attributes, facts: false, hints: .attributes, into: &item.attributes)
            case .giftFor: giftFor = try optionalString(value, path() + ".gift_for")
            case .giftValue: item.giftValue = try optionalMoney(value, path() + ".gift_value")
            case .deliveredAt: item.deliveredAt = try optionalTimestamp(value, path() + ".delivered_at")
            }
        }
        guard let line else { throw RequestError(path: path() + ".line", "missing required field 'line'") }
        guard let unitPrice else { throw RequestError(path: path() + ".unit_price", "missing required field 'unit_price'") }
        guard let quantity else { throw RequestError(path: path() + ".quantity", "missing required field 'quantity'") }
        item.line = line
        item.unitPrice = unitPrice
        item.quantity = quantity
        return giftFor
    }

    private func decodeDiscounts(_ json: Int, buffers: inout RequestBuffers) throws(RequestError) -> [DiscountDraft] {
        if tape.kind(json) == .null { return [] }
        guard tape.kind(json) == .array else { throw RequestError(path: "$.order.discounts", "must be an array") }
        var discounts = RequestBuffers.take(&buffers.discountDrafts)
        discounts.reserveCapacity(tape.elementCount(json))
        for (index, value) in tape.elements(of: json).enumerated() {
            // A local function, not a closure value: nothing is allocated for it per element.
            func path() -> String { "$.order.discounts[\(index)]" }
            guard tape.kind(value) == .object else { throw RequestError(path: path(), "must be an object") }
            var id: String?
            var kind: DiscountKind?
            var amount: Int64?
            var appliesTo: [String]?
            var threshold: Int64?
            var clawedBack: Int64 = 0
            try forEachLastMember(of: value, RequestKeys.discount, hints: .discount) { (key, field) throws(RequestError) in
                switch key {
                case .id: id = try string(field, path() + ".id")
                case .kind: kind = try enumeration(field, path() + ".kind", RequestKeys.discountKinds)
                case .amount: amount = try money(field, path() + ".amount")
                case .threshold: threshold = try optionalMoney(field, path() + ".threshold")
                case .clawedBack: clawedBack = try optionalMoney(field, path() + ".clawed_back") ?? 0
                case .appliesTo:
                    if tape.kind(field) == .null {
                        appliesTo = nil
                        break
                    }
                    guard tape.kind(field) == .array else { throw RequestError(path: path() + ".applies_to", "must be an array of line ids or null") }
                    guard tape.elementCount(field) > 0 else {
                        throw RequestError(path: path() + ".applies_to", "must name at least one line (null means the whole order)")
                    }
                    var lines = buffers.lineList(holding: tape.elementCount(field))
                    lines.reserveCapacity(tape.elementCount(field))
                    for (position, lineValue) in tape.elements(of: field).enumerated() {
                        lines.append(try string(lineValue, path() + ".applies_to[\(position)]"))
                    }
                    appliesTo = lines
                }
            }
            guard let id else { throw RequestError(path: path() + ".id", "missing required field 'id'") }
            guard let kind else { throw RequestError(path: path() + ".kind", "missing required field 'kind'") }
            guard let amount else { throw RequestError(path: path() + ".amount", "missing required field 'amount'") }
            discounts.append(DiscountDraft(id: id, kind: kind, amount: amount, appliesTo: appliesTo, threshold: threshold, clawedBack: clawedBack))
        }
        return discounts
    }

    private func decodePayments(_ json: Int) throws(RequestError) -> [Payment]? {
        if tape.kind(json) == .null { return nil }
        guard tape.kind(json) == .array else { throw RequestError(path: "$.order.payments", "must be an array or null") }
        guard tape.elementCount(json) > 0 else { throw RequestError(path: "$.order.payments", "must list at least one payment (null when not given)") }
        var payments: [Payment] = []
        payments.reserveCapacity(tape.elementCount(json))
        for (index, value) in tape.elements(of: json).enumerated() {
            // A local function, not a closure value: nothing is allocated for it per element.
            func path() -> String { "$.order.payments[\(index)]" }
            guard tape.kind(value) == .object else { throw RequestError(path: path(), "must be an object") }
            var method: String?
            var amount: Int64?
            var refunded: Int64 = 0
            try forEachLastMember(of: value, RequestKeys.payment, hints: .payment) { (key, field) throws(RequestError) in
                switch key {
                case .method:
                    let text = try string(field, path() + ".method")
                    guard !text.isEmpty else { throw RequestError(path: path() + ".method", "must name the method (e.g. 'card', 'alipay')") }
                    method = text
                case .amount: amount = try money(field, path() + ".amount")
                case .refunded: refunded = try optionalMoney(field, path() + ".refunded") ?? 0
                }
            }
            guard let method else { throw RequestError(path: path() + ".method", "missing required field 'method'") }
            guard let amount else { throw RequestError(path: path() + ".amount", "missing required field 'amount'") }
            payments.append(Payment(method: method, amount: amount, refunded: refunded))
        }
        return payments
    }

    private func decodeLines(_ json: Int, buffers: inout RequestBuffers) throws(RequestError) -> [LineDraft]? {
        if tape.kind(json) == .null { return nil }
        guard tape.kind(json) == .array else { throw RequestError(path: "$.lines", "must be an array") }
        var lines = RequestBuffers.take(&buffers.lineDrafts)
        lines.reserveCapacity(tape.elementCount(json))
        for (index, value) in tape.elements(of: json).enumerated() {
            func path() -> String { "$.lines[\(index)]" }
            guard tape.kind(value) == .object else { throw RequestError(path: path(), "must be an object") }
            var lineID: String?
            var quantity: Int?
            var condition = ItemCondition.new
            try forEachLastMember(of: value, RequestKeys.line, hints: .line) { (key, field) throws(RequestError) in
                switch key {
                case .line: lineID = try string(field, path() + ".line")
                case .quantity: quantity = try integer(field, path() + ".quantity", in: 1...1_000_000)
                case .condition:
                    condition = tape.kind(field) == .null ? .new : try enumeration(field, path() + ".condition", RequestKeys.conditions)
                }
            }
            guard let lineID else { throw RequestError(path: path() + ".line", "missing required field 'line'") }
            guard let quantity else { throw RequestError(path: path() + ".quantity", "missing required field 'quantity'") }
            lines.append(LineDraft(line: lineID, quantity: quantity, condition: condition))
        }
        return lines
    }

    // MARK: - Customer, evidence, open maps

    private func decodeCustomer(_ json: Int) throws(RequestError) -> Customer {
        var customer = Customer(id: nil, tier: "regular", refunds90d: 0, orders90d: 0)
        if tape.kind(json) == .null { return customer }
        guard tape.kind(json) == .object else { throw RequestError(path: "$.customer", "must be an object") }
        try forEachLastMember(of: json, RequestKeys.customer, hints: .customer) { (key, value) throws(RequestError) in
            switch key {
            case .id: customer.id = try optionalString(value, "$.customer.id")
            case .tier: customer.tier = try optionalString(value, "$.customer.tier") ?? "regular"
            case .refunds90d: customer.refunds90d = try integer(value, "$.customer.refunds_90d", in: 0...1_000_000_000)
            case .orders90d: customer.orders90d = try integer(value, "$.customer.orders_90d", in: 0...1_000_000_000)
            }
        }
        return customer
    }

    private func decodeEvidence(_ json: Int) throws(RequestError) -> Evidence {
        var evidence = Evidence(photos: 0, videos: 0)
        if tape.kind(json) == .null { return evidence }
        guard tape.kind(json) == .object else { throw RequestError(path: "$.evidence", "must be an object") }
        try forEachLastMember(of: json, RequestKeys.evidence, hints: .evidence) { (key, value) throws(RequestError) in
            switch key {
            case .photos: evidence.photos = try integer(value, "$.evidence.photos", in: 0...1_000_000)
            case .videos: evidence.videos = try integer(value, "$.evidence.videos", in: 0...1_000_000)
            }
        }
        return evidence
    }

    /// Reads the declared keys of an open map (`attributes`, `facts`); undeclared keys are ignored.
    /// `facts`: the request's facts, else an item's attributes. (Their key table is read where
    /// the decoder keeps it: passed as an argument, the table was copied, its arrays retained.)
    private func decodeDeclared(_ json: Int, _ path: @autoclosure () -> String, _ declared: [DeclaredField], facts: Bool, hints site: KeyHints.Site, into values: inout [Value]) throws(RequestError) {
        if tape.kind(json) == .null { return }
        guard tape.kind(json) == .object else { throw RequestError(path: path(), "must be an object") }
        guard !declared.isEmpty else { return }
        try forEachLastMember(of: json, keyCount: declared.count, match: { (key, position) in
            let hint = KeyHints.hint(in: hints, site, position: position)
            return facts ? decoder.factKeys.match(tape, key, hint: hint) : decoder.attributeKeys.match(tape, key, hint: hint)
        }) { (index, value) throws(RequestError) in
            if tape.kind(value) == .null {
                values[index] = declared[index].defaultValue
                return
            }
            func fieldPath() -> String { path() + "." + declared[index].name }
            switch declared[index].type {
            case .bool, .optionalBool: values[index] = .bool(try bool(value, fieldPath()))
            case .int: values[index] = .int(Int64(try integer(value, fieldPath(), in: Int.min...Int.max)))
            case .string: values[index] = .string(try string(value, fieldPath()))
            case .money: values[index] = .money(try money(value, fieldPath()))
            }
        }
    }
}
