/// A `full` decision's trail left as the engine recorded it — the rules considered with their
/// condition steps (`RuleRun.deferTrace`) and the computations (`ComputationLog`) — for the
/// answer to be written from at once, where nothing keeps the decision as a value: `serve` and
/// `Decider.answer(line:)`. The decision itself then carries an empty trace and no
/// computations; `DecisionWriter.write(_:deferredTrail:into:)` writes this trail in their place,
/// byte for byte what the decision with its trail made as values gives.
///
/// A trail made as values is built (each entry a `TraceEntry` holding its rule and its stretch
/// of the steps, the computations a `[Computation]`), read back by the writer through copies
/// and destroyed with the decision: some 19,000 instructions per answer (callgrind), an eighth
/// of what a `full` answer costs beyond `summary`, went to that handling, not to the writing.
/// Written from where it was recorded, each entry is read in place once, and the steps are
/// destroyed where they lie.
///
/// One trail belongs to the evaluation state of one thread, and is valid until that state
/// starts its next decision; writing it empties it.
struct DeferredTrail {
    private let state: EvaluationState

    /// The trail `state`'s last decision left, or nil when it left none (it was not decided
    /// at `full` with the trail deferred).
    init?(of state: EvaluationState) {
        guard state.trailDeferred else { return nil }
        self.state = state
    }

    /// The trace entries, each `{"rule",…,"conditions":[…],"effects"?}`, comma-separated.
    /// Every entry is consumed (moved out of the buffer); the steps are read in place, and
    /// destroyed there by `finish`.
    func writeTrace<Output: JSONOutput & ~Copyable>(digits: Int, into writer: inout Output) {
        guard let entries = state.runBuffers.trace, let steps = state.runBuffers.steps else { return }
        entries.moveOut { _, entry in
            steps.withElements(entry.steps) { stepsOfEntry in
                // The engine that made the decision holds the rule.
                entry.rule.borrowing { rule in
                    DecisionWriter.writeRecorded(
                        rule, line: entry.line, fired: entry.fired, steps: stepsOfEntry, effects: entry.effects, digits: digits,
                        into: &writer)
                }
            }
        }
    }

    /// The computations, each `{"step",…}`, comma-separated, read in place from the log.
    func writeComputations<Output: JSONOutput & ~Copyable>(digits: Int, into writer: inout Output) {
        state.computations?.write(digits: digits, into: &writer)
    }

    /// Lets the trail go, written or not (an answer may leave it out for its size: SPEC section 8).
    func finish() {
        state.runBuffers.trace?.removeAll()
        state.runBuffers.steps?.removeAll()
        state.trailDeferred = false
    }
}
