/// What a condition requires of one slot, read off its compiled tree once at load, so a host
/// can index its rules: a rule whose condition starts `kind == "cancel" && …` need not be
/// evaluated for a return at all.
extension CompiledExpression {
    /// The values slot `slot` must hold for this boolean expression to be true, when the
    /// expression states them at its top level (`x == "a" && …`, `x in ["a", "b"] && …`, or an
    /// `||` of such); nil when the expression leaves the slot free.
    public func requiredValues(ofSlot slot: Int) -> Set<Value>? {
        Self.required(root, slot: slot)
    }

    private static func required(_ node: Node, slot: Int) -> Set<Value>? {
        switch node {
        case .and(let operands):
            // True only if every operand is: the strictest requirement any operand makes.
            var result: Set<Value>?
            for operand in operands {
                guard let values = required(operand.node, slot: slot) else { continue }
                result = result.map { $0.intersection(values) } ?? values
            }
            return result
        case .or(let operands):
            // True if any operand is: only a requirement every operand makes holds.
            var result: Set<Value> = []
            for operand in operands {
                guard let values = required(operand.node, slot: slot) else { return nil }
                result.formUnion(values)
            }
            return result
        case .equal(.slot(let read, _), .constant(let value), negated: false, _) where read == slot:
            return [value]
        case .equal(.constant(let value), .slot(let read, _), negated: false, _) where read == slot:
            return [value]
        case .contains(.slot(let read, _), .constant(.list(let values)), _) where read == slot:
            return Set(values)
        case .contains(.slot(let read, _), .list(let elements), _) where read == slot:
            let values = elements.compactMap(\.constantValue)
            return values.count == elements.count ? Set(values) : nil
        default:
            return nil
        }
    }
}

extension CompiledExpression {
    /// The slots this expression reads, each once, in the order they first appear in its tree:
    /// what a host names when a value computed from them is unusable (a deadline past 9999 is
    /// the fault of the request timestamp it was computed from).
    public var slotsRead: [Int] {
        var slots: [Int] = []
        Self.collectSlots(root, into: &slots)
        return slots
    }

    private static func collectSlots(_ node: Node, into slots: inout [Int]) {
        if case .slot(let slot, _) = node, !slots.contains(slot) { slots.append(slot) }
        for child in node.children { collectSlots(child, into: &slots) }
    }
}
