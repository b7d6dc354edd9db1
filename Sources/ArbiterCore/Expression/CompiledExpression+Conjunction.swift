/// Joining two checked conditions into one, for a host that states a guard once for several
/// expressions (a policy's `given:` over a group of rules).
extension CompiledExpression {
    /// `self && other`, short-circuiting in that order, with the sub-conditions of both in the
    /// audit trail and everything either proves non-null when true.
    public func and(_ other: CompiledExpression) -> CompiledExpression {
        var texts = self.texts
        func operands(of expression: CompiledExpression, root: Node) -> [Operand] {
            if case .and(let chain) = root { return chain }
            texts.append(expression.source)
            return [Operand(node: root, text: texts.count - 1)]
        }
        let left = operands(of: self, root: root)
        let shift = texts.count
        texts += other.texts
        let right = operands(of: other, root: other.root.shiftingTexts(by: shift))
        return CompiledExpression(
            source: "(\(source)) && (\(other.source))", type: .bool,
            nonNullWhenTrue: nonNullWhenTrue.union(other.nonNullWhenTrue), root: .and(left + right), texts: texts)
    }
}

extension Node {
    /// The same node with every audit-text index moved by `offset` (its texts appended after others).
    func shiftingTexts(by offset: Int) -> Node {
        func shift(_ operand: Operand) -> Operand { Operand(node: operand.node.shiftingTexts(by: offset), text: operand.text + offset) }
        switch self {
        case .constant, .slot: return self
        case .list(let elements): return .list(elements.map { $0.shiftingTexts(by: offset) })
        case .not(let operand): return .not(operand.shiftingTexts(by: offset))
        case .negate(let operand): return .negate(operand.shiftingTexts(by: offset))
        case .and(let operands): return .and(operands.map(shift))
        case .or(let operands): return .or(operands.map(shift))
        case .isNull(let operand, let negated, let text): return .isNull(operand.shiftingTexts(by: offset), negated: negated, text: text + offset)
        case .equal(let left, let right, let negated, let text):
            return .equal(left.shiftingTexts(by: offset), right.shiftingTexts(by: offset), negated: negated, text: text + offset)
        case .compare(let comparison, let left, let right, let text):
            return .compare(comparison, left.shiftingTexts(by: offset), right.shiftingTexts(by: offset), text: text + offset)
        case .contains(let element, let list, let text):
            return .contains(element.shiftingTexts(by: offset), list.shiftingTexts(by: offset), text: text + offset)
        case .arithmetic(let operation, let left, let right):
            return .arithmetic(operation, left.shiftingTexts(by: offset), right.shiftingTexts(by: offset))
        case .conditional(let condition, let then, let otherwise):
            return .conditional(shift(condition), then: then.shiftingTexts(by: offset), otherwise: otherwise.shiftingTexts(by: offset))
        case .coalesce(let left, let right): return .coalesce(left.shiftingTexts(by: offset), right.shiftingTexts(by: offset))
        case .builtin(let function, let arguments): return .builtin(function, arguments.map { $0.shiftingTexts(by: offset) })
        case .host(let function, let arguments): return .host(function, arguments.map { $0.shiftingTexts(by: offset) })
        }
    }
}
