/// Everything known about one request while it is being decided: the request, the proration
/// of every line, line verdicts so far and the settled amounts. Expressions read it through slots.
///
/// A state belongs to one decision at a time on one thread, and the engine never holds an
/// access to one property across a call that touches the same property: its properties skip
/// the run-time exclusivity check (`@exclusivity(unchecked)`), about fifty calls per decision
/// otherwise. A worker decides request after request with one state (`start` begins each), so
/// that its arrays keep their memory instead of being allocated and freed per decision.
final class EvaluationState: EvaluationContext {
    @exclusivity(unchecked) private(set) var request: AfterSaleRequest
    /// Per item: gross = unit_price × quantity.
    @exclusivity(unchecked) private(set) var itemGross: [Int64]
    /// Per discount, per item: the discount's allocation to that item (0 outside its scope).
    @exclusivity(unchecked) private(set) var allocations: [[Int64]]
    /// Per item: paid P = gross − allocated discounts.
    @exclusivity(unchecked) private(set) var itemPaid: [Int64]
    @exclusivity(unchecked) private(set) var orderGross: Int64
    @exclusivity(unchecked) private(set) var orderPaidTotal: Int64
    @exclusivity(unchecked) var lines: [LineState]
    /// The requested line that line-scope rules are looking at.
    @exclusivity(unchecked) var currentLine = 0

    // Known after line rules.
    @exclusivity(unchecked) var approvedCount = 0
    @exclusivity(unchecked) var reviewCount = 0
    @exclusivity(unchecked) var rejectedCount = 0
    @exclusivity(unchecked) var requestedGross: Int64 = 0
    @exclusivity(unchecked) var requestedPaid: Int64 = 0

    /// Rows the audit trail's tables (discount allocations, clawbacks) may still list. Those
    /// tables grow with items × discounts; the budget grows with the request's size, so that a
    /// full audit trail stays linear in the request (a table past the budget gives its totals and
    /// how many rows it left out: every one can be recomputed from the request).
    @exclusivity(unchecked) var auditRowsLeft: Int

    // Known from settlement on (`prepareSettlement`): what the order keeps after this request.
    /// Per item: units approved or in review now.
    @exclusivity(unchecked) var grantedUnits: [Int] = []
    /// Per item: units neither refunded earlier nor granted now.
    @exclusivity(unchecked) var keptUnits: [Int] = []
    @exclusivity(unchecked) var keptUnitsTotal = 0
    @exclusivity(unchecked) var keptGrossTotal: Int64 = 0
    /// Per discount, once computed: its allocation to the kept units (rule 6).
    @exclusivity(unchecked) private var allocationOnKeptCache: [Int64?] = []
    /// The items that are free gifts, in `items` order (the elements of `for_each: gift`).
    @exclusivity(unchecked) private(set) var giftItems: [Int] = []
    /// The current rule's `split:` (`RuleRun.split`): each element's share, and what was split.
    @exclusivity(unchecked) var splitShares: [Int64] = []
    @exclusivity(unchecked) var splitTotal: Int64 = 0
    /// Emptied code arrays of earlier decisions' lines, for the next lines (`start`).
    @exclusivity(unchecked) private var spareCodes: [[VerdictCode]] = []
    /// Buffers kept from one decision to the next for the engine's own use: the reasons a
    /// decision gives, and the arrays of its `RuleRun` (`RuleRun.Buffers`).
    @exclusivity(unchecked) var givenReasons: [Int32] = []
    @exclusivity(unchecked) var runBuffers = RuleRun.Buffers()
    /// The last decision left its trail recorded here for its answer (`DeferredTrail`).
    @exclusivity(unchecked) var trailDeferred = false
    @exclusivity(unchecked) var effectBuffers = EffectCombination.Buffers()
    /// The arrays of the last decision `serve` gave back, for the next (`DecisionBuffers`).
    @exclusivity(unchecked) var decisionBuffers = DecisionBuffers()

    // The element of the current rule's `for_each` (an index into discounts, `giftItems` or payments).
    @exclusivity(unchecked) var currentElement = 0
    /// The current rule's `define:` values, by define slot.
    @exclusivity(unchecked) var defineValues: [Value]
    /// A `full` trail's computations so far (bindings that explain themselves, such as
    /// `discount.allocation_on_kept`, put their tables here too); nil unless tracing.
    @exclusivity(unchecked) var computations: ComputationLog?
    /// The log's memory between `full` decisions.
    @exclusivity(unchecked) private var spareComputations = ComputationLog()

    // Known after settlement.
    @exclusivity(unchecked) var refundItems: Int64 = 0
    @exclusivity(unchecked) var refundShipping: Int64 = 0
    @exclusivity(unchecked) var refundTotal: Int64 = 0

    /// The order's zone, for `withOrderZone`: set whenever `request` is (only `start` sets it),
    /// so the request the state holds keeps the zone alive while it is read.
    @exclusivity(unchecked) private var orderZone: Unmanaged<Zone>

    init(request: consuming AfterSaleRequest, defineCount: Int = 0) {
        self.defineValues = []
        self.itemGross = []
        self.allocations = []
        self.itemPaid = []
        self.orderGross = 0
        self.orderPaidTotal = 0
        self.auditRowsLeft = 0
        self.lines = []
        orderZone = .passUnretained(request.order.zone)
        self.request = consume request
        start(defineCount: defineCount)
    }

    deinit { lineRuleOutcomeStorage.deallocate() }

    /// The outcomes of the line rules whose condition is the same for every line, by position in
    /// the decision's rule set (`Engine.decide`): memory kept from one decision to the next.
    @exclusivity(unchecked) private var lineRuleOutcomeStorage = UnsafeMutableBufferPointer<Int8>.allocate(capacity: 32)

    /// `count` outcomes, each -1 (not yet known), valid until the next call.
    func lineRuleOutcomes(count: Int) -> UnsafeMutableBufferPointer<Int8> {
        if lineRuleOutcomeStorage.count < count {
            lineRuleOutcomeStorage.deallocate()
            lineRuleOutcomeStorage = .allocate(capacity: count)
        }
        let outcomes = UnsafeMutableBufferPointer(rebasing: lineRuleOutcomeStorage[..<count])
        outcomes.update(repeating: -1)
        return outcomes
    }

    /// Calls `body` with the order's zone, borrowed: the request holds it for the whole
    /// decision, and read as `request.order.zone` it was retained and released at each call
    /// of `days_since`.
    @inline(__always)
    func withOrderZone<Value>(_ body: (Zone) -> Value) -> Value {
        orderZone.borrowing { (zone) throws(Never) in body(zone) }
    }

    /// Begins deciding `request` with this state: everything the previous decision left is
    /// reset, and the arrays keep their memory.
    func start(_ request: consuming AfterSaleRequest, defineCount: Int) {
        // Moved in: without `consume` the parameter lives to the end of the function, and the
        // property gets a copy (every string and array of the request retained, then released).
        self.request = consume request
        start(defineCount: defineCount)
    }

    /// Hands the arrays of the request decided last to `buffers` for the next request to be
    /// decoded into (`RequestBuffers`); the state is not read again before `start`. Its own
    /// references to the proration's arrays go first, so that those arrays are unshared.
    func reclaimRequestArrays(into buffers: inout RequestBuffers) {
        itemGross = []
        allocations = []
        itemPaid = []
        buffers.reclaim(from: &request)
    }

    /// Sets every property from `request` as a new state's would be.
    private func start(defineCount: Int) {
        orderZone = .passUnretained(request.order.zone)
        defineValues.reset(repeating: .null, count: defineCount)
        // The request is read in place, field by field: a local copy of its proration, its
        // items or a line retains and releases the arrays and strings in them.
        itemGross = request.proration.itemGross
        allocations = request.proration.allocations
        itemPaid = request.proration.itemPaid
        orderGross = request.proration.orderGross
        orderPaidTotal = request.proration.orderPaidTotal
        auditRowsLeft = Self.auditRowsPerEntry * (request.order.items.count + request.lines.count + request.order.discounts.count) + 64
        // The last decision's lines give their (emptied) code arrays to this one's.
        while !lines.isEmpty {
            var codes = lines[lines.count - 1].takeCodes()
            lines.removeLast()
            codes.removeAllKeepingMemory()
            spareCodes.append(codes)
        }
        for line in request.lines.indices {
            let itemIndex = request.lines[line].itemIndex, requestedUnits = request.lines[line].quantity
            let quantity = request.order.items[itemIndex].quantity
            let refundedQuantity = request.order.items[itemIndex].refundedQuantity
            let refundable = quantity - refundedQuantity
            // Units beyond what is left are not priced (the line is rejected by policy); amounts
            // cover at most the refundable units.
            let units = max(0, min(requestedUnits, refundable))
            let linePaid = Proration.refundOfUnits(
                paid: itemPaid[itemIndex], quantity: quantity, alreadyRefunded: refundedQuantity, units: units)
            let lineGross = request.order.items[itemIndex].unitPrice * Int64(units)
            lines.append(LineState(
                itemIndex: itemIndex, requestedUnits: requestedUnits, units: units,
                gross: lineGross, paid: linePaid, codes: spareCodes.popLast() ?? []))
        }
        currentLine = 0
        approvedCount = 0
        reviewCount = 0
        rejectedCount = 0
        requestedGross = 0
        requestedPaid = 0
        grantedUnits.removeAllKeepingMemory()
        keptUnits.removeAllKeepingMemory()
        keptUnitsTotal = 0
        keptGrossTotal = 0
        allocationOnKeptCache.removeAllKeepingMemory()
        giftItems.removeAllKeepingMemory()
        splitShares.removeAllKeepingMemory()
        splitTotal = 0
        currentElement = 0
        // The last decision's log is emptied now, not as it was made: a deferred trail
        // (`DeferredTrail`) is written from it after the decision is made.
        if var log = computations.take() {
            log.removeAll()
            spareComputations = log
        }
        refundItems = 0
        refundShipping = 0
        refundTotal = 0
        trailDeferred = false
    }

    var currentLineState: LineState { lines[currentLine] }

    /// Starts recording a `full` trail's computations (`ComputationLog`), in the memory the
    /// last decision's used.
    func startComputations() {
        var log = ComputationLog()
        swap(&log, &spareComputations)
        computations = log
    }

    /// Domain functions (`days_since`, …) read the request's zone through this.
    var host: AnyObject? { self }
    /// The same without a retain (`DomainFunctions.withState`): `days_since` runs about three
    /// times per decision.
    var unretainedHost: Unmanaged<AnyObject>? { .passUnretained(self) }

    /// What the order keeps once the granted lines go, for settlement and request rules.
    func prepareSettlement() {
        let items = request.order.items
        grantedUnits.reset(repeating: 0, count: items.count)
        // Read in place: a line's copy retains and releases its codes.
        for line in lines.indices where lines[line].isGranted { grantedUnits[lines[line].itemIndex] += lines[line].units }
        keptUnits.removeAllKeepingMemory()
        keptUnitsTotal = 0
        keptGrossTotal = 0
        giftItems.removeAllKeepingMemory()
        for index in items.indices {
            let kept = items[index].quantity - items[index].refundedQuantity - grantedUnits[index]
            keptUnits.append(kept)
            keptUnitsTotal += kept
            keptGrossTotal += items[index].unitPrice * Int64(kept)
            if items[index].giftFor != nil { giftItems.append(index) }
        }
        allocationOnKeptCache.reset(repeating: nil, count: request.order.discounts.count)
    }

    /// How many elements a rule's `for_each` visits.
    func elementCount(_ iteration: RuleIteration) -> Int {
        switch iteration {
        case .discount: return request.order.discounts.count
        case .gift: return giftItems.count
        case .payment: return request.order.payments?.count ?? 0
        }
    }

    /// What a `for_each` element is called in the audit trail.
    func elementName(_ iteration: RuleIteration, _ index: Int) -> String {
        switch iteration {
        case .discount: return request.order.discounts[index].id
        case .gift: return request.order.items[giftItems[index]].line
        case .payment: return request.order.payments?[index].method ?? ""
        }
    }

    /// The gross of the kept units in a discount's scope.
    func keptGross(ofDiscount index: Int) -> Int64 {
        let items = request.order.items
        var gross: Int64 = 0
        if let scope = request.order.discounts[index].appliesTo {
            for item in scope { gross += items[item].unitPrice * Int64(keptUnits[item]) }
        } else {
            gross = keptGrossTotal
        }
        return gross
    }

    /// A discount's allocation to the units still kept (rule 6): over its scope, each line's
    /// `A − floor(A × (r+k) / q)`. With tracing, the table behind it goes into the computations.
    func allocationOnKept(ofDiscount discountIndex: Int) -> Int64 {
        if let cached = allocationOnKeptCache[discountIndex] { return cached }
        let items = request.order.items
        let discount = request.order.discounts[discountIndex]
        // The discount's items: its scope, or (nil) every item, counted without an array of them.
        let scope = discount.appliesTo
        let scopeCount = scope?.count ?? items.count
        var total: Int64 = 0
        func row(_ index: Int) -> (allocation: Int64, gone: Int, onKept: Int64) {
            let allocation = allocations[discountIndex][index]
            let gone = items[index].refundedQuantity + grantedUnits[index]
            return (allocation, gone, Proration.allocationOnKeptUnits(allocation: allocation, quantity: items[index].quantity, goneUnits: gone))
        }
        for position in 0..<scopeCount { total += row(scope?[position] ?? position).onKept }
        allocationOnKeptCache[discountIndex] = total
        guard computations != nil else { return total }
        let table = auditTable(.allocationOnKept, rows: scopeCount) { log in
            for position in 0..<scopeCount {
                let index = scope?[position] ?? position
                let values = row(index)
                log.cell(.string(items[index].line))
                log.cell(.money(values.allocation))
                log.cell(.int(Int64(items[index].quantity)))
                log.cell(.int(Int64(values.gone)))
                log.cell(.money(values.onKept))
            }
        }
        computations?.record(ComputationLayout.allocationOnKept, table) { values in
            values.append(.string(discount.id))
            values.append(.string("sum over the discount's lines of A − floor(A × (r+k) / q): A its allocation, r refunded before, k granted now, q quantity"))
            values.append(table)
            values.append(.money(total))
        }
        return total
    }

    /// Splits `refund.total` over the payments in proportion to what each can still take back
    /// (largest remainder, ties to the payment listed first); never more than a payment can take.
    static let auditRowsPerEntry = 8

    /// An audit table of `count` rows of `columns`, whose cells `fill` records
    /// (`ComputationLog.cell`), row after row; or, when listing them would exceed the budget,
    /// the count of rows left out (and `fill` is not called). Only while computations are
    /// recorded.
    func auditTable(_ columns: TableColumns, rows count: Int, _ fill: (inout ComputationLog) -> Void) -> AuditTable {
        guard count <= auditRowsLeft else { return AuditTable(isListed: false, value: ComputationLog.Entry(kind: .int, number: Int64(count))) }
        auditRowsLeft -= count
        return AuditTable(isListed: true, value: computations!.appendTable(columns, rowCount: count, fill))
    }

    // Reads go field by field (`request.order.shippingFee`), never through a local copy of
    // `request.order` or of an item: copying those structs retains every string and array in them.
    func value(ofSlot slot: Int) -> Value {
        if slot >= RequestField.defineSlotBase {
            return defineValues[slot - RequestField.defineSlotBase]
        }
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
        case .requestedCategories: return categories { _ in true }
        case .refundItems: return .money(refundItems)
        case .refundShipping: return .money(refundShipping)
        case .refundTotal: return .money(refundTotal)
        case .requestedGranted: return .int(Int64(approvedCount + reviewCount))
        case .requestedGrantedCategories: return categories { $0.isGranted }
        case .keptUnits: return .int(Int64(keptUnitsTotal))
        case .keptGross: return .money(keptGrossTotal)
        case .discountID: return .string(request.order.discounts[currentElement].id)
        case .discountAmount: return .money(request.order.discounts[currentElement].amount)
        case .discountThreshold: return request.order.discounts[currentElement].threshold.map(Value.money) ?? .null
        case .discountClawedBack: return .money(request.order.discounts[currentElement].clawedBack)
        case .discountKeptGross: return .money(keptGross(ofDiscount: currentElement))
        case .discountAllocationOnKept: return .money(allocationOnKept(ofDiscount: currentElement))
        case .giftLine: return .string(request.order.items[giftItems[currentElement]].line)
        case .giftValue: return .money(request.order.items[giftItems[currentElement]].giftValue ?? 0)
        case .giftKeptUnits: return .int(Int64(keptUnits[giftItems[currentElement]]))
        case .giftMainKeptUnits: return .int(Int64(keptUnits[request.order.items[giftItems[currentElement]].giftFor ?? 0]))
        case .giftMainGrantedUnits: return .int(Int64(grantedUnits[request.order.items[giftItems[currentElement]].giftFor ?? 0]))
        case .paymentMethod: return .string(request.order.payments?[currentElement].method ?? "")
        case .paymentAmount: return .money(request.order.payments?[currentElement].amount ?? 0)
        case .paymentRefunded: return .money(request.order.payments?[currentElement].refunded ?? 0)
        case .paymentRefundable:
            return .money(request.order.payments.map { $0[currentElement].amount - $0[currentElement].refunded } ?? 0)
        case .paymentRefundableBefore:
            var before: Int64 = 0
            for payment in request.order.payments?.prefix(currentElement) ?? [] { before += payment.amount - payment.refunded }
            return .money(before)
        case .splitShare: return .money(splitShares.indices.contains(currentElement) ? splitShares[currentElement] : 0)
        case .splitTotal: return .money(splitTotal)
        case .discountScope:
            let items = request.order.items
            if let scope = request.order.discounts[currentElement].appliesTo { return .list(scope.map { .string(items[$0].line) }) }
            return .list(items.map { .string($0.line) })
        case .orderPaymentCount: return .int(Int64(request.order.payments?.count ?? 0))
        case .orderLastDeliveredAt: return Self.optional(lastDeliveredAt())
        case .orderStandardShippingFee: return request.order.standardShippingFee.map(Value.money) ?? .null
        case .itemDeliveredAt:
            return Self.optional(request.order.items[lines[currentLine].itemIndex].deliveredAt ?? request.order.deliveredAt)
        }
    }

    /// The categories of the requested lines `included` picks (`""` for none), computed when a
    /// rule reads them (the counterfeit rule only), not for every decision.
    private func categories(_ included: (LineState) -> Bool) -> Value {
        .list(lines.compactMap { included($0) ? .string(request.order.items[$0.itemIndex].category ?? "") : nil })
    }

    /// `order.last_delivered_at`: the latest delivery (an item's own `delivered_at`, else the
    /// order's) over the items still held, i.e. not refunded in full earlier; null unless every
    /// one of them has a delivery (goods delivered separately: the period starts with the last,
    /// SPEC section 12 reading b). When every item was refunded in full, all items count.
    func lastDeliveredAt() -> Timestamp? {
        let items = request.order.items
        let anyHeld = items.contains { $0.refundedQuantity < $0.quantity }
        var latest: Timestamp?
        for index in items.indices where !anyHeld || items[index].refundedQuantity < items[index].quantity {
            guard let delivered = items[index].deliveredAt ?? request.order.deliveredAt else { return nil }
            if latest.map({ delivered > $0 }) ?? true { latest = delivered }
        }
        return latest
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
    /// Codes given with each verdict, with the rule that gave them, in rule order (one array
    /// for the three verdicts: most lines get one or two codes).
    private(set) var codes: [VerdictCode] = []

    /// `codes`: an empty array, whose memory the line's codes use.
    init(itemIndex: Int, requestedUnits: Int, units: Int, gross: Int64, paid: Int64, codes: [VerdictCode]) {
        self.itemIndex = itemIndex
        self.requestedUnits = requestedUnits
        self.units = units
        self.gross = gross
        self.paid = paid
        self.codes = codes
    }

    /// The line's codes, moved out (the line keeps an empty array).
    mutating func takeCodes() -> [VerdictCode] {
        var taken: [VerdictCode] = []
        swap(&taken, &codes)
        return taken
    }

    /// Approved or in review: the line's paid amount is (proposed to be) refunded.
    var isGranted: Bool { verdict == .approve || verdict == .review }

    mutating func addReason(_ reason: Int32, code: Int32, with verdict: Verdict) {
        codes.append(VerdictCode(verdict: verdict, reason: reason, code: code))
    }

    /// Whether the line has the code (`ReasonTable.Entry.codeNumber`), from any rule, with `verdict`.
    func hasCode(_ code: Int32, with verdict: Verdict) -> Bool {
        codes.contains { $0.verdict == verdict && $0.code == code }
    }

    /// Calls `body` with each code a decision shows for this line, in order: a rejection's
    /// reasons, or what approved it plus what sent it to review.
    func forEachReason(_ body: (Int32) -> Void) {
        func given(_ verdict: Verdict) {
            for entry in codes where entry.verdict == verdict { body(entry.reason) }
        }
        switch verdict {
        case .reject?: given(.reject)
        case .review?:
            given(.approve)
            given(.review)
        case .approve?: given(.approve)
        case nil: break
        }
    }
}

/// A reason a rule gave a line (`ReasonTable` numbers), and the verdict it gave it with.
struct VerdictCode {
    let verdict: Verdict
    let reason: Int32
    /// The reason's `codeNumber`.
    let code: Int32
}
