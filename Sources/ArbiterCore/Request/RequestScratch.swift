/// The buffers one thread needs to answer request lines, kept from one line to the next so
/// that reading a line allocates nothing once they have grown to the workload's size.
///
/// A scratch is used by one thread at a time: each `Decider` owns one, and each worker of
/// `replay` and `diff` makes its own (no thread-local state).
final class RequestScratch {
    /// The line read as tokens.
    let tape = JSONTape()
    /// The canonical JSON of the line, for its input digest.
    let canonical = CanonicalJSONWriter()

    /// The last line `ProtocolHandler` read into `tape` (its bytes' address and length) and the
    /// document it parsed to, with `canonical`'s write count when that line's canonical JSON was
    /// written (its input digest): the decision log records the request's canonical JSON right
    /// after the answer, on the same thread, and need not read the line again.
    struct LastLine {
        var bytes: UnsafeRawBufferPointer
        var document: JSONTape.View
        var canonicalWrite: Int?
    }
    var lastLine: LastLine?

    /// The canonical JSON of `line` if it is the last line read here, without parsing it again.
    func canonicalOfLastLine(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard let last = lastLine, last.bytes.baseAddress == line.baseAddress, last.bytes.count == line.count else { return nil }
        if let written = last.canonicalWrite, written == canonical.writes { return canonical.lastOutput }
        return canonical.write(last.document)
    }

    /// The arrays of the last request decided here, for the next one (`RequestBuffers`).
    var requestBuffers = RequestBuffers(keyHints: KeyHints())

    /// Whether a `full` decision made here leaves its trail recorded for its answer to be
    /// written from (`DeferredTrail`), rather than making it as values: set only by a caller
    /// that writes the answer at once and keeps no decision. (Read for every decision: not
    /// checked for exclusive access at run time, which costs more than the read.)
    @exclusivity(unchecked) var defersTrail = false

    /// The trail the last decision made here left recorded, if it did.
    var deferredTrail: DeferredTrail? { evaluation.flatMap { DeferredTrail(of: $0) } }

    /// Takes the arrays of the request the evaluation state holds into `requestBuffers`.
    func reclaimRequestArrays() {
        evaluation?.reclaimRequestArrays(into: &requestBuffers)
    }

    /// Takes the arrays of a decision made here, once written, for the next decision
    /// (`DecisionBuffers`).
    func reclaim(_ decision: inout Decision) {
        evaluation?.decisionBuffers.reclaim(from: &decision)
    }

    /// The state decisions on this thread are evaluated in, reused from one to the next so
    /// that its arrays keep their memory (any engine: `start` sizes it for the policy).
    private var evaluation: EvaluationState?

    /// The reused evaluation state, started with `request`.
    func evaluationState(starting request: consuming AfterSaleRequest, defineCount: Int) -> EvaluationState {
        if let evaluation {
            evaluation.start(consume request, defineCount: defineCount)
            return evaluation
        }
        let made = EvaluationState(request: consume request, defineCount: defineCount)
        evaluation = made
        return made
    }

    init() {}
}
