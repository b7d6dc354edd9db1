/// The step name and field names of one kind of computation, with what the writers need
/// encoded once: each name's JSON key, and the order of the members in canonical JSON.
final class ComputationLayout: Sendable {
    let step: String
    let names: [String]
    /// `"<name>":` for each name, as compact JSON writes it (`EncodedJSON(encodedKeys, position)`).
    let encodedKeys: EncodedFragments
    /// The members in canonical (UTF-8 byte) order: positions in `names`, -1 for `step`; nil
    /// when a name repeats (or is `step`), which canonical JSON cannot keep.
    let canonicalOrder: [Int]?
    /// Where the engine's declared layouts list this one (`ComputationLayout.declared`), or -1
    /// for a layout made from a computation's own names.
    let declaredIndex: Int

    init(_ step: String, _ names: [String], declaredIndex: Int = -1) {
        self.step = step
        self.names = names
        self.declaredIndex = declaredIndex
        encodedKeys = EncodedFragments(keys: names)
        let sorted = ([(name: "step", position: -1)] + names.enumerated().map { (name: $0.element, position: $0.offset) })
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let distinct = zip(sorted, sorted.dropFirst()).allSatisfy { !$0.name.utf8.elementsEqual($1.name.utf8) }
        canonicalOrder = distinct ? sorted.map(\.position) : nil
    }

    /// The same layout in objects and storage of its own: what one evaluation state's
    /// computations hold (`ComputationLog`). The declared layouts are process-wide: a
    /// `full` decision retains and releases them some sixty times, and two threads doing
    /// that to the same objects take each other's cache lines at every one.
    func unsharedCopy() -> ComputationLayout {
        ComputationLayout(step.unsharedCopy(), names.map { $0.unsharedCopy() }, declaredIndex: declaredIndex)
    }
}
