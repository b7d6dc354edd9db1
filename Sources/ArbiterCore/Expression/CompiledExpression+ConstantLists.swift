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
        if case .contains(_, .constant(.list(let values)), let text) = node { found[text] = values }
        for child in node.children { collectConstantLists(child, into: &found) }
    }
}
