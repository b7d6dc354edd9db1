/// A `full` trail's computations while a decision is made: every step's values one after the
/// other in one array, and per step its layout and where its values end. `computations()`
/// makes the decision's `[Computation]`, each holding its stretch of that one array.
///
/// Each step used to be a `Computation` with an array of its own: some 17 arrays allocated per
/// `full` decision on the workload, and each freed value by value when the decision went. Here
/// the values' memory is one array that the evaluation state keeps from one decision to the
/// next: once the last decision's computations are let go (as `serve` does once it has written
/// them), the next decision fills it again without allocating. (An embedder that keeps its
/// decisions keeps their values, and the next decision gets new memory: copy on write.)
struct ComputationLog {
    private var values: [AuditValue] = []
    /// Each step's layout and the end of its values in `values` (its start is the previous
    /// step's end). A struct, not a tuple: an array of tuples is destroyed through the
    /// runtime's generic tuple code.
    private struct Step {
        let layout: ComputationLayout
        let end: Int
    }
    private var steps: [Step] = []
    /// This log's own copies of the declared layouts (`ComputationLayout.declared`), made at
    /// its first step: the steps hold these, not the process-wide ones, so that threads each
    /// with its own evaluation state share no layout (`ComputationLayout.unsharedCopy`).
    private var layouts: [ComputationLayout] = []

    /// Appends a step whose values `fill` appends, in the order of the layout's names. (Values
    /// appended one by one are built where they are stored; an array of them, copied in, had
    /// each value copied and the array's destroyed, through the runtime's generic calls.)
    @inline(__always)
    mutating func record(_ layout: ComputationLayout, _ fill: (inout [AuditValue]) -> Void) {
        record(declared: layout.declaredIndex, fill)
    }

    /// A step with a table: the layout that lists its rows, or the one that counts them.
    /// (The layout is chosen by its index: a layout returned from the tables' subscript was
    /// retained, the process-wide one.)
    @inline(__always)
    mutating func record(_ layouts: TableLayouts, _ table: AuditTable, _ fill: (inout [AuditValue]) -> Void) {
        record(declared: table.isListed ? layouts.listed.declaredIndex : layouts.omitted.declaredIndex, fill)
    }

    @inline(__always)
    private mutating func record(declared index: Int, _ fill: (inout [AuditValue]) -> Void) {
        if values.capacity == 0 {
            // One allocation for a usual decision's values (~85 on the workload) and steps.
            values.reserveCapacity(128)
            steps.reserveCapacity(32)
        }
        precondition(index >= 0, "the engine records its computations with declared layouts")
        if layouts.isEmpty { layouts = ComputationLayout.declared.map { $0.unsharedCopy() } }
        let layout = layouts[index]
        let start = values.count
        fill(&values)
        precondition(values.count - start == layout.names.count, "a \(layout.step) computation has \(layout.names.count) fields")
        steps.append(Step(layout: layout, end: values.count))
    }

    /// The steps recorded, in order, sharing the values' array.
    func computations() -> [Computation] {
        var start = 0
        return steps.map { step in
            defer { start = step.end }
            return Computation(step.layout, values[start..<step.end])
        }
    }

    /// Calls `body` with each step's layout and values, in order, read in place: what
    /// `computations()` holds, without making it (a deferred trail, `DeferredTrail`).
    func forEachStep(_ body: (ComputationLayout, UnsafeBufferPointer<AuditValue>) -> Void) {
        values.withUnsafeBufferPointer { values in
            steps.withUnsafeBufferPointer { steps in
                var start = 0
                for index in steps.indices {
                    let end = steps[index].end
                    body(steps[index].layout, UnsafeBufferPointer(rebasing: values[start..<end]))
                    start = end
                }
            }
        }
    }

    /// Empties the log for the next decision; its memory stays when no decision shares it.
    mutating func removeAll() {
        values.removeAll(keepingCapacity: true)
        steps.removeAll(keepingCapacity: true)
    }
}
