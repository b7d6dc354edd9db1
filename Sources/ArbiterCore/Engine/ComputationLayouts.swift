/// The engine's computation steps (`audit.computations`, SPEC section 5): each step's name and
/// its fields in the order an answer lists them, made once. A computation the engine records
/// holds only its values, so a traced decision neither builds nor escapes nor sorts names.
extension ComputationLayout {
    static let define = ComputationLayout("define", ["rule", "for", "name", "expression", "value"])
    static let expression = ComputationLayout("expression", ["rule", "what", "expression", "value"])
    static let linePaid = ComputationLayout("line_paid", ["line", "unit_price", "quantity", "gross", "discounts", "paid"])
    static let unitShare = ComputationLayout("unit_share", [
        "line", "requested_units", "priced_units", "refunded_before", "formula", "paid_of_line", "quantity", "gross", "paid", "discount",
    ])
    static let refundItems = ComputationLayout("refund_items", ["formula", "amount"])
    static let shippingRefund = ComputationLayout("shipping_refund", ["rule", "amount"])
    static let applyAdjustment = ComputationLayout("apply_adjustment", ["code", "rule", "proposed", "applied", "capped", "running_total"])
    static let refundTotal = ComputationLayout("refund_total", ["formula", "items", "shipping", "total"])
    static let refundByMethod = ComputationLayout("refund_by_method", ["refund_total", "refundable", "rows"])

    static let allocateDiscount = TableLayouts("allocate_discount", ["discount", "amount", "method", "scope_gross", TableLayouts.table])
    static let split = TableLayouts("split", ["rule", "total", "weights", "split", "method", TableLayouts.table])
    static let keptUnits = TableLayouts("kept_units", [TableLayouts.table, "kept_units", "kept_gross"])
    static let allocationOnKept = TableLayouts("allocation_on_kept", ["discount", "formula", TableLayouts.table, "amount"])
}

/// A step with a table (`EvaluationState.auditRows`): its layout when the rows are listed
/// (`rows`) and when they are left out for the answer's size (`rows_omitted`, their count).
struct TableLayouts: Sendable {
    /// Where the table goes among the names given to `init`.
    static let table = "rows"
    let listed: ComputationLayout
    let omitted: ComputationLayout

    init(_ step: String, _ names: [String]) {
        listed = ComputationLayout(step, names)
        omitted = ComputationLayout(step, names.map { $0 == Self.table ? "rows_omitted" : $0 })
    }

    subscript(table: AuditTable) -> ComputationLayout { table.isListed ? listed : omitted }
}

/// A table of an audit computation: its rows, or how many were left out.
struct AuditTable {
    var isListed: Bool
    var value: AuditValue
}
