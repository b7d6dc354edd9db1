/// The constant lists `in` tests against (a named list parameter such as
/// `non_returnable_categories`, folded to a constant), by the audit-text index of their test.
///
/// A trace shows such a list beside the tested value at every step that tests it; a host can
/// encode the list's text once per policy instead of once per step and answer.
extension CompiledExpression {
    var constantListsByText: [Int: [Value]] {
        var found: [Int: [Value]] = [:]
        Self.collectConstantLists(root, into: &found)
        return found
    }

    private static func collectConstantLists(_ node: Node, into found: inout [Int: [Value]]) {
        switch node {
        case .constant, .slot:
            break
        case .contains(let element, let list, let text):
            if case .constant(.list(let values)) = list { found[text] = values }
            collectConstantLists(element, into: &found)
            collectConstantLists(list, into: &found)
        case .list(let nodes), .builtin(_, let nodes), .host(_, let nodes):
            for child in nodes { collectConstantLists(child, into: &found) }
        case .not(let operand), .negate(let operand), .isNull(let operand, _, _):
            collectConstantLists(operand, into: &found)
        case .and(let operands), .or(let operands):
            for operand in operands { collectConstantLists(operand.node, into: &found) }
        case .equal(let left, let right, _, _), .compare(_, let left, let right, _), .arithmetic(_, let left, let right),
             .coalesce(let left, let right):
            collectConstantLists(left, into: &found)
            collectConstantLists(right, into: &found)
        case .conditional(let condition, let then, let otherwise):
            collectConstantLists(condition.node, into: &found)
            collectConstantLists(then, into: &found)
            collectConstantLists(otherwise, into: &found)
        }
    }
}
