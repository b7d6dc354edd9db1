/// Partial evaluation: an expression specialised for contexts in which some slots are known in
/// advance. A host that indexes its work by a few slot values (a rule engine by request kind
/// and reason) evaluates, for each index, conditions in which those comparisons are already
/// decided: `kind == "return" && reason in no_reason_reasons && x > 3` becomes `x > 3` for a
/// no-reason return, and `false` (never evaluated) for a cancellation.
///
/// The result decides exactly what the original decides on any context in which the known
/// slots hold the known values: folding drops only constant operands, and never one that the
/// original would have evaluated after something that can fail. It records fewer steps, so it
/// is for untraced evaluation; a trace explains the expression as written.
extension CompiledExpression {
    func specialized(knowing known: [Int: Value]) -> CompiledExpression {
        CompiledExpression(source: source, type: type, nonNullWhenTrue: nonNullWhenTrue, root: Self.fold(root, known), texts: texts)
    }

    /// Whether the expression is the constant `false` (a specialised condition that cannot hold).
    var isConstantFalse: Bool {
        if case .constant(.bool(false)) = root { return true }
        return false
    }

    static func fold(_ node: Node, _ known: [Int: Value]) -> Node {
        switch node {
        case .constant:
            return node
        case .slot(let slot, _):
            if let value = known[slot] { return .constant(value) }
            return node
        case .list(let elements):
            let folded = elements.map { fold($0, known) }
            let values = folded.compactMap(\.constantValue)
            return values.count == folded.count ? .constant(.list(values)) : .list(folded)
        case .not(let operand):
            let folded = fold(operand, known)
            if case .constant(.bool(let value)) = folded { return .constant(.bool(!value)) }
            return .not(folded)
        case .negate(let operand):
            return .negate(fold(operand, known))
        case .and(let operands):
            return chain(operands, known, decidedBy: false, rebuild: Node.and)
        case .or(let operands):
            return chain(operands, known, decidedBy: true, rebuild: Node.or)
        case .isNull(let operand, let negated, let text):
            let folded = fold(operand, known)
            if let value = folded.constantValue {
                let isNull: Bool = if case .null = value { true } else { false }
                return .constant(.bool(isNull != negated))
            }
            return .isNull(folded, negated: negated, text: text)
        case .equal(let left, let right, let negated, let text):
            let foldedLeft = fold(left, known), foldedRight = fold(right, known)
            if let leftValue = foldedLeft.constantValue, let rightValue = foldedRight.constantValue,
               !leftValue.isNull, !rightValue.isNull {
                return .constant(.bool((leftValue == rightValue) != negated))
            }
            return .equal(foldedLeft, foldedRight, negated: negated, text: text)
        case .compare(let comparison, let left, let right, let text):
            return .compare(comparison, fold(left, known), fold(right, known), text: text)
        case .contains(let element, let list, let text):
            let foldedElement = fold(element, known), foldedList = fold(list, known)
            if let value = foldedElement.constantValue, !value.isNull, case .list(let values)? = foldedList.constantValue {
                return .constant(.bool(values.contains(value)))
            }
            return .contains(foldedElement, foldedList, text: text)
        case .arithmetic(let operation, let left, let right):
            return .arithmetic(operation, fold(left, known), fold(right, known))
        case .conditional(let condition, let then, let otherwise):
            let foldedCondition = fold(condition.node, known)
            if case .constant(.bool(let value)) = foldedCondition { return fold(value ? then : otherwise, known) }
            return .conditional(Operand(node: foldedCondition, text: condition.text), then: fold(then, known), otherwise: fold(otherwise, known))
        case .coalesce(let left, let right):
            let foldedLeft = fold(left, known)
            if let value = foldedLeft.constantValue {
                if case .null = value { return fold(right, known) }
                return foldedLeft
            }
            return .coalesce(foldedLeft, fold(right, known))
        case .builtin(let function, let arguments):
            return .builtin(function, arguments.map { fold($0, known) })
        case .host(let function, let arguments):
            return .host(function, arguments.map { fold($0, known) })
        }
    }

    /// An `&&` (`decidedBy` false) or `||` (true) chain without its constant operands: one that
    /// does not decide the chain is dropped; one that decides it ends the chain there, and is the
    /// whole chain when nothing before it is left to evaluate.
    private static func chain(_ operands: [Operand], _ known: [Int: Value], decidedBy decisive: Bool, rebuild: ([Operand]) -> Node) -> Node {
        var kept: [Operand] = []
        for operand in operands {
            let folded = fold(operand.node, known)
            if case .constant(.bool(let value)) = folded {
                if value != decisive { continue }
                if kept.isEmpty { return .constant(.bool(decisive)) }
                kept.append(Operand(node: folded, text: operand.text))
                return rebuild(kept)
            }
            kept.append(Operand(node: folded, text: operand.text))
        }
        return kept.isEmpty ? .constant(.bool(!decisive)) : rebuild(kept)
    }
}

private extension Value {
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
