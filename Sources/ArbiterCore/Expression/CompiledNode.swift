/// A checked expression, ready to run: names are resolved to slots or constants and every
/// operator was chosen knowing its operand types, so evaluation never looks anything up.
///
/// Audit-trail texts are indexes into `CompiledExpression.texts`, not strings: the untraced
/// path then copies no string (no reference counting) when it walks the tree.
indirect enum Node: Sendable {
    case constant(Value)
    /// A value read from the context; `name` is kept only to explain an unexpected null.
    case slot(Int, name: String)
    case list([Node])
    case not(Node)
    case negate(Node)
    /// Short-circuit `&&` over a whole chain.
    case and([Operand])
    /// Short-circuit `||` over a whole chain.
    case or([Operand])
    /// `x == null` (or `!=` when `negated`).
    case isNull(Node, negated: Bool, text: Int)
    case equal(Node, Node, negated: Bool, text: Int)
    case compare(Comparison, Node, Node, text: Int)
    /// `element in list`.
    case contains(Node, Node, text: Int)
    case arithmetic(Arithmetic, Node, Node)
    case conditional(Operand, then: Node, otherwise: Node)
    case coalesce(Node, Node)
    case builtin(BuiltinFunction, [Node])
    case host(FunctionDefinition, [Node])

    /// Nodes that put their own step in the audit trail; a chain does not record them twice.
    var recordsItself: Bool {
        switch self {
        case .isNull, .equal, .compare, .contains: return true
        default: return false
        }
    }

    var constantValue: Value? {
        if case .constant(let value) = self { return value }
        return nil
    }

    /// The node's operands, in evaluation order, for analyses that walk the whole tree.
    var children: [Node] {
        switch self {
        case .constant, .slot: return []
        case .list(let nodes), .builtin(_, let nodes), .host(_, let nodes): return nodes
        case .not(let operand), .negate(let operand), .isNull(let operand, _, _): return [operand]
        case .and(let operands), .or(let operands): return operands.map(\.node)
        case .equal(let left, let right, _, _), .compare(_, let left, let right, _), .contains(let left, let right, _),
             .arithmetic(_, let left, let right), .coalesce(let left, let right):
            return [left, right]
        case .conditional(let condition, let then, let otherwise): return [condition.node, then, otherwise]
        }
    }
}

/// A sub-condition whose value goes into the audit trail, with the index of its source text.
struct Operand: Sendable {
    var node: Node
    var text: Int
    var recordsItself: Bool

    init(node: Node, text: Int) {
        self.node = node
        self.text = text
        self.recordsItself = node.recordsItself
    }
}

enum Comparison: String, Sendable {
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
}

enum Arithmetic: String, Sendable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
}
