/// The arrays of the last decision `serve` wrote and let go of, emptied and kept for the next
/// decision of the same thread: its lines, each line's reason codes, its reasons, offers,
/// compensation and adjustments are then filled into arrays that already have the memory,
/// instead of new ones being allocated per decision and the last one's freed (`RequestBuffers`
/// does this for requests).
///
/// Only `serve` gives its decisions back (`RequestScratch.reclaim(_:)`): a decision returned to
/// an embedder stays the embedder's. Nothing here is read as data; a decision built with these
/// arrays is the decision built without them.
struct DecisionBuffers {
    private var lines: [LineDecision] = []
    private var lineReasons: [[String]] = []
    private var reasons: [DecisionReason] = []
    private var offers: [Grant] = []
    private var compensation: [Grant] = []
    private var adjustments: [Adjustment] = []
    private var rulesFired: [String] = []

    /// Arrays kept for more lines than this are let go (an unusually large request's memory is
    /// not held for good; a request has at most 1,000 lines).
    private static let keptLines = 64

    /// Takes the arrays of `decision`, which is left with empty ones.
    mutating func reclaim(from decision: inout Decision) {
        var old = RequestBuffers.take(&decision.lines)
        if old.capacity <= Self.keptLines {
            while var line = old.popLast() {
                var codes = RequestBuffers.take(&line.reasons)
                codes.removeAllKeepingMemory()
                lineReasons.append(codes)
            }
            if old.capacity > lines.capacity { swap(&old, &lines) }
        }
        Self.keep(&decision.reasons, in: &reasons)
        Self.keep(&decision.offers, in: &offers)
        Self.keep(&decision.compensation, in: &compensation)
        Self.keep(&decision.refund.adjustments, in: &adjustments)
        // In place through the optional: `decision.audit != nil` copied the whole record.
        decision.audit?.giveRulesFired(to: &rulesFired)
    }

    /// Takes `array` (left empty), empties it and keeps it in `buffer` unless that has more room.
    private static func keep<Element>(_ array: inout [Element], in buffer: inout [Element]) {
        var old = RequestBuffers.take(&array)
        old.removeAllKeepingMemory()
        if old.capacity > buffer.capacity { swap(&old, &buffer) }
    }

    /// An empty array for a decision's lines (a kept one when there is one).
    mutating func takeLines() -> [LineDecision] { RequestBuffers.take(&lines) }

    /// An empty array for a line's reason codes.
    mutating func takeLineReasons() -> [String] { lineReasons.popLast() ?? [] }

    /// An empty array for a decision's reasons.
    mutating func takeReasons() -> [DecisionReason] { RequestBuffers.take(&reasons) }

    /// Empty arrays for a decision's offers, compensation and adjustments.
    mutating func takeOffers() -> [Grant] { RequestBuffers.take(&offers) }
    mutating func takeCompensation() -> [Grant] { RequestBuffers.take(&compensation) }
    mutating func takeAdjustments() -> [Adjustment] { RequestBuffers.take(&adjustments) }

    /// An empty array for the ids of the rules that fired (`summary` and `full`).
    mutating func takeRulesFired() -> [String] { RequestBuffers.take(&rulesFired) }
}

extension AuditRecord {
    /// Hands its emptied `rulesFired` array to `buffer` (`DecisionBuffers`), unless the buffer
    /// already has more room.
    fileprivate mutating func giveRulesFired(to buffer: inout [String]) {
        var old = RequestBuffers.take(&rulesFired)
        old.removeAllKeepingMemory()
        if old.capacity > buffer.capacity { swap(&old, &buffer) }
    }
}
