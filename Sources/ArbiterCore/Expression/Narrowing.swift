/// The names a condition proves non-null, depending on its outcome.
///
/// `order.delivered_at != null` proves `order.delivered_at` when true; `x == null` proves it
/// when false; `!` swaps the two; `a && b` proves what either proves when true, and when false
/// only what every way of being false proves (likewise for `||`). Names are keyed by their
/// dotted path, which is how the host resolves them.
struct Narrowing: Equatable, Sendable {
    var whenTrue: Set<String>
    var whenFalse: Set<String>

    static let none = Narrowing(whenTrue: [], whenFalse: [])

    static func of(_ syntax: Syntax) -> Narrowing {
        switch syntax.kind {
        case .binary(.notEqual, let left, let right, _):
            guard let name = nullTest(left, right) else { return .none }
            return Narrowing(whenTrue: [name], whenFalse: [])
        case .binary(.equal, let left, let right, _):
            guard let name = nullTest(left, right) else { return .none }
            return Narrowing(whenTrue: [], whenFalse: [name])
        case .prefix(.not, let operand):
            let inner = of(operand)
            return Narrowing(whenTrue: inner.whenFalse, whenFalse: inner.whenTrue)
        case .logical(.and, let operands):
            // False at operand i means every earlier operand was true and operand i false.
            var proven: Set<String> = []
            var whenFalse: Set<String>?
            for operand in operands {
                let narrowing = of(operand)
                let falseHere = narrowing.whenFalse.union(proven)
                whenFalse = whenFalse.map { $0.intersection(falseHere) } ?? falseHere
                proven.formUnion(narrowing.whenTrue)
            }
            return Narrowing(whenTrue: proven, whenFalse: whenFalse ?? [])
        case .logical(.or, let operands):
            // True at operand i means every earlier operand was false and operand i true.
            var refuted: Set<String> = []
            var whenTrue: Set<String>?
            for operand in operands {
                let narrowing = of(operand)
                let trueHere = narrowing.whenTrue.union(refuted)
                whenTrue = whenTrue.map { $0.intersection(trueHere) } ?? trueHere
                refuted.formUnion(narrowing.whenFalse)
            }
            return Narrowing(whenTrue: whenTrue ?? [], whenFalse: refuted)
        default:
            return .none
        }
    }

    /// The dotted name in `name == null` or `null == name`.
    private static func nullTest(_ left: Syntax, _ right: Syntax) -> String? {
        switch (left.kind, right.kind) {
        case (.name(let path), .null), (.null, .name(let path)): return path.joined(separator: ".")
        default: return nil
        }
    }
}
