/// The engine's computation steps (`audit.computations`, SPEC section 5): each step's name and
/// its fields in the order an answer lists them, made once. A computation the engine records
/// holds only its values, so a traced decision neither builds nor escapes nor sorts names.
extension ComputationLayout {
    static let define = ComputationLayout("define", ["rule", "for", "name", "expression", "value"], declaredIndex: 0)
    static let expression = ComputationLayout("expression", ["rule", "what", "expression", "value"], declaredIndex: 1)
    static let linePaid = ComputationLayout("line_paid", ["line", "unit_price", "quantity", "gross", "discounts", "paid"], declaredIndex: 2)
    static let unitShare = ComputationLayout("unit_share", [
        "line", "requested_units", "priced_units", "refunded_before", "formula", "paid_of_line", "quantity", "gross", "paid", "discount",
    ], declaredIndex: 3)
    static let refundItems = ComputationLayout("refund_items", ["formula", "amount"], declaredIndex: 4)
    static let shippingRefund = ComputationLayout("shipping_refund", ["rule", "amount"], declaredIndex: 5)
    static let applyAdjustment = ComputationLayout("apply_adjustment", ["code", "rule", "proposed", "applied", "capped", "running_total"], declaredIndex: 6)
    static let refundTotal = ComputationLayout("refund_total", ["formula", "items", "shipping", "total"], declaredIndex: 7)
    static let refundByMethod = ComputationLayout("refund_by_method", ["refund_total", "refundable", "rows"], declaredIndex: 8)

    static let allocateDiscount = TableLayouts("allocate_discount", ["discount", "amount", "method", "scope_gross", TableLayouts.table], declaredIndices: (9, 10))
    static let split = TableLayouts("split", ["rule", "total", "weights", "split", "method", TableLayouts.table], declaredIndices: (11, 12))
    static let keptUnits = TableLayouts("kept_units", [TableLayouts.table, "kept_units", "kept_gross"], declaredIndices: (13, 14))
    static let allocationOnKept = TableLayouts("allocation_on_kept", ["discount", "formula", TableLayouts.table, "amount"], declaredIndices: (15, 16))

    /// Every layout above, each at its `declaredIndex`: what each evaluation state copies once
    /// (`ComputationLayout.unsharedCopy`) and records its computations with.
    static let declared: [ComputationLayout] = [
        define, expression, linePaid, unitShare, refundItems, shippingRefund, applyAdjustment, refundTotal, refundByMethod,
        allocateDiscount.listed, allocateDiscount.omitted, split.listed, split.omitted,
        keptUnits.listed, keptUnits.omitted, allocationOnKept.listed, allocationOnKept.omitted,
    ]
}

/// A step with a table (`EvaluationState.auditTable`): its layout when the rows are listed
/// (`rows`) and when they are left out for the answer's size (`rows_omitted`, their count).
struct TableLayouts: Sendable {
    /// Where the table goes among the names given to `init`.
    static let table = "rows"
    let listed: ComputationLayout
    let omitted: ComputationLayout

    init(_ step: String, _ names: [String], declaredIndices: (listed: Int, omitted: Int)) {
        listed = ComputationLayout(step, names, declaredIndex: declaredIndices.listed)
        omitted = ComputationLayout(step, names.map { $0 == Self.table ? "rows_omitted" : $0 }, declaredIndex: declaredIndices.omitted)
    }
}

/// The columns of the engine's tables, made once like the layouts above.
extension TableColumns {
    static let allocateDiscount = TableColumns(["line", "gross", "floor", "leftover", "allocated"], declaredIndex: 0)
    static let split = TableColumns(["element", "weight", "share"], declaredIndex: 1)
    static let keptUnits = TableColumns(["line", "quantity", "refunded_before", "granted_now", "kept", "kept_gross"], declaredIndex: 2)
    static let allocationOnKept = TableColumns(["line", "allocation", "quantity", "gone_units", "on_kept_units"], declaredIndex: 3)
    static let refundByMethod = TableColumns(["method", "amount", "refunded_before", "refund"], declaredIndex: 4)

    /// Every set above, each at its `declaredIndex` (what each log copies once).
    static let declared: [TableColumns] = [allocateDiscount, split, keptUnits, allocationOnKept, refundByMethod]
}

/// A table of an audit computation (`EvaluationState.auditTable`): its rows in the log, or
/// how many were left out.
struct AuditTable {
    var isListed: Bool
    var value: ComputationLog.Entry
}
