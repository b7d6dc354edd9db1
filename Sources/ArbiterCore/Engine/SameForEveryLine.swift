/// Whether a line rule's condition has the same value for every requested line of a decision:
/// it reads only what stays the same while the lines are decided (the request's, order's,
/// customer's and evidence's fields, and facts; not the line's or item's fields, attributes,
/// verdicts or defines) and calls only functions of those. Such a condition is evaluated for
/// the first line and its outcome reused for the others (`Engine.decide`, untraced runs only:
/// a trace shows each line's evaluation).
///
/// `order.delivered_at != null && days_since(order.delivered_at) <= 7` is the same for every
/// line; `item.attributes.perishable` and `line.condition != "new"` are not.
enum SameForEveryLine {
    /// Whether `expression` (as evaluated untraced, its kind and reason already decided in it)
    /// is the same for every line.
    static func holds(for expression: CompiledExpression) -> Bool {
        holds(for: expression.root)
    }

    private static func holds(for node: Node) -> Bool {
        switch node {
        case .slot(let slot, _):
            return isSameForEveryLine(slot: slot)
        case .host(let function, let arguments):
            return DomainFunctions.dependOnRequestFieldsOnly.contains(function.name) && arguments.allSatisfy(holds(for:))
        default:
            // Constants, operators and built-in functions (`min`, `max`, …) compute from their
            // operands alone.
            return node.children.allSatisfy(holds(for:))
        }
    }

    /// A slot whose value does not change from one requested line to the next: a field that
    /// stays fixed while the request is decided and can be read anywhere (not in line scope:
    /// the line's and item's fields), or a fact; not an item's attributes or a define.
    static func isSameForEveryLine(slot: Int) -> Bool {
        guard RequestField.isFixedWhileDeciding(slot: slot) else { return false }
        // Past the fields: the item's attributes (per line), then the request's facts.
        if slot >= RequestField.attributeSlotBase { return slot >= RequestField.factSlotBase }
        guard let field = RequestField(rawValue: slot), case .anywhere = field.availability else { return false }
        return true
    }
}
