/// How several rules' effects combine (docs/effects.md), one function per effect, so that the
/// table an author reads and the code that runs are the same list.
///
/// - Verdicts: the strongest wins (`reject` > `review` > `approve`), every code is kept in rule
///   order (`LineState.record` for lines, `combineVerdict` for a request without lines).
/// - `offer`, `compensation`, `adjust`: all accumulate, in rule order.
/// - `return_shipping`, `deadlines`, `refund_shipping`, and `refund_to` per payment: the first
///   rule that fires wins.
/// - `route_to_review` and `note`: every one applies.
struct EffectCombination {
    private(set) var payer: ReturnShippingPayer?
    private(set) var deadlines = Deadlines(returnBy: nil, refundBy: nil, refundWithinDaysOfReceipt: nil)
    private(set) var deadlinesChosen = false
    private(set) var requestVerdict: Verdict?
    /// Request-level reasons (`ReasonTable` numbers), in rule order.
    private(set) var requestReasons: [Int32] = []
    private(set) var compensation: [Grant] = []
    private(set) var proposals: [Settlement.Proposal] = []
    private(set) var shipping: (amount: Int64, rule: String)?
    /// Per payment: what the first `refund_to` that fired gives back to it.
    private(set) var byMethod: [Int64?]

    /// The working arrays kept from one decision to the next (`finish(into:)`), so that
    /// combining effects allocates nothing once they have grown.
    struct Buffers {
        var requestReasons: [Int32] = []
        var proposals: [Settlement.Proposal] = []
    }

    /// `compensation`: an empty array to fill (a recycled one, `DecisionBuffers`); `buffers`:
    /// the working arrays of the last decision, taken (and given back by `finish(into:)`).
    init(payments: Int, compensation: [Grant], reusing buffers: inout Buffers) {
        byMethod = [Int64?](repeating: nil, count: payments)
        self.compensation = compensation
        swap(&requestReasons, &buffers.requestReasons)
        swap(&proposals, &buffers.proposals)
    }

    /// Gives the working arrays, emptied, back to `buffers` (the compensation is the decision's).
    mutating func finish(into buffers: inout Buffers) {
        requestReasons.removeAllKeepingMemory()
        proposals.removeAllKeepingMemory()
        swap(&requestReasons, &buffers.requestReasons)
        swap(&proposals, &buffers.proposals)
    }

    /// A request-scope verdict (a request without lines): the strongest wins; codes accumulate.
    mutating func combineVerdict(_ verdict: Verdict, reasons: UnsafeBufferPointer<Int32>) {
        if requestVerdict.map({ verdict > $0 }) ?? true { requestVerdict = verdict }
        requestReasons += reasons
    }

    /// Compensation accumulates; its code is a request-level reason.
    mutating func addCompensation(_ grant: Grant, reason: Int32) {
        compensation.append(grant)
        requestReasons.append(reason)
    }

    /// The first payer chosen wins; false when one was chosen before.
    mutating func chooseReturnShipping(_ chosen: ReturnShippingPayer) -> Bool {
        guard payer == nil else { return false }
        payer = chosen
        return true
    }

    /// Whether a `deadlines` effect still decides (the first rule that fires does).
    var deadlinesOpen: Bool { !deadlinesChosen }

    mutating func chooseDeadlines(returnBy: Timestamp?, refundBy: Timestamp?, refundWithinDaysOfReceipt: Int64?) {
        guard !deadlinesChosen else { return }
        deadlinesChosen = true
        deadlines = Deadlines(returnBy: returnBy, refundBy: refundBy, refundWithinDaysOfReceipt: refundWithinDaysOfReceipt)
    }

    /// A request-level code (`note`): every one is added, in rule order.
    mutating func note(reason: Int32) {
        requestReasons.append(reason)
    }

    /// Every route applies: approved lines go to review with the code; lines in review carry it
    /// once. Returns how many approved lines it moved.
    mutating func routeToReview(reason: Int32, from table: ReasonTable, lines: inout [LineState]) -> Int {
        let code = table[reason].codeNumber
        var routed = 0
        for index in lines.indices where lines[index].verdict == .approve {
            lines[index].verdict = .review
            lines[index].addReason(reason, code: code, with: .review)
            routed += 1
        }
        for index in lines.indices where lines[index].verdict == .review && !lines[index].hasCode(code, with: .review) {
            lines[index].addReason(reason, code: code, with: .review)
        }
        requestReasons.append(reason)
        return routed
    }

    /// Adjustments accumulate in rule, element and list order; the engine applies them in that order.
    mutating func propose(_ proposal: Settlement.Proposal) {
        proposals.append(proposal)
    }

    /// The first shipping refund that fires wins; false when one was chosen before.
    var shippingOpen: Bool { shipping == nil }

    mutating func chooseShipping(_ amount: Int64, rule: String) {
        guard shipping == nil else { return }
        shipping = (amount, rule)
    }

    /// Whether payment `index` still takes a `refund_to` (the first rule that sets it wins).
    func refundOpen(_ index: Int) -> Bool { byMethod[index] == nil }

    mutating func chooseRefund(_ amount: Int64, toPayment index: Int) {
        guard byMethod[index] == nil else { return }
        byMethod[index] = amount
    }
}
