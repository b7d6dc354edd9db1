import Crypto

/// Decides after-sale requests with a loaded policy. Immutable and `Sendable`: one engine
/// can serve any number of requests; nothing in a decision depends on the clock or the machine.
public final class Engine: Sendable {
    public let policy: Policy
    public let decoder: RequestDecoder
    /// The policy's rules that can apply to each combination of request kind and reason, in
    /// policy order (indexed by `ruleSetIndex`). A rule whose condition requires another kind or
    /// reason (`kind == "cancel" && …`, `reason in no_reason_reasons && …`) is not considered:
    /// it could not fire, and leaving it out keeps both the evaluation and the audit trail to
    /// the rules that can matter for the request.
    let ruleSets: [RuleSet]
    /// Every reason the rules can give, numbered.
    let reasons: ReasonTable
    /// Every rule's amounts, values and defines as closures.
    let expressionClosures: ExpressionClosures

    /// The rules of one kind and reason. A class of constants: a decision reads its rules and
    /// closures in place rather than copying the set out of `ruleSets`.
    final class RuleSet: @unchecked Sendable {
        let line: [Rule]
        let settlement: [Rule]
        let request: [Rule]
        /// Each rule with its condition as closures, the kind and reason of this set decided in
        /// it (nil for a rule without a condition), for untraced runs: a trace shows the
        /// condition as written, step by step. In fixed buffers, read in place: a rule taken
        /// from an array is retained and released around each use, and its closures too, about
        /// six reference-count operations per rule considered.
        let lineSteps: UnsafeMutableBufferPointer<RuleStep>
        let settlementSteps: UnsafeMutableBufferPointer<RuleStep>
        let requestSteps: UnsafeMutableBufferPointer<RuleStep>
        /// Owns the conditions the steps refer to without counting.
        private let conditions: [ClosureBox]
        /// Owns the reason numbers the steps point to.
        let reasons: ReasonTable
        /// Every step's effect plans, one after the other (`RuleStep.plans` points into it).
        private let plans: UnsafeMutableBufferPointer<EffectPlan>

        init(line: [Rule], settlement: [Rule], request: [Rule], known: [Int: Value], reasons: ReasonTable) {
            self.reasons = reasons
            self.line = line
            self.settlement = settlement
            self.request = request
            var conditions: [ClosureBox] = []
            let plans = UnsafeMutableBufferPointer<EffectPlan>.allocate(capacity: (line + settlement + request).reduce(0) { $0 + $1.effects.count })
            var planCount = 0
            func steps(_ rules: [Rule]) -> UnsafeMutableBufferPointer<RuleStep> {
                let steps = UnsafeMutableBufferPointer<RuleStep>.allocate(capacity: rules.count)
                _ = steps.initialize(from: rules.map { rule in
                    let specialized = rule.condition.map { $0.specialized(knowing: known) }
                    let condition = specialized.map { ClosureBox(ClosureExpression($0)) }
                    if let condition { conditions.append(condition) }
                    let first = planCount
                    for effect in rule.effects {
                        (plans.baseAddress! + planCount).initialize(to: EffectPlan(effect))
                        planCount += 1
                    }
                    return RuleStep(
                        rule: .passUnretained(rule), untraced: condition.map { Unmanaged.passUnretained($0) }, reasons: reasons.reasons(of: rule),
                        plans: UnsafeBufferPointer(rebasing: plans[first..<planCount]),
                        sameForEveryLine: rule.defines.isEmpty && rule.forEach == nil && specialized.map(SameForEveryLine.holds(for:)) == true)
                })
                return steps
            }
            lineSteps = steps(line)
            settlementSteps = steps(settlement)
            requestSteps = steps(request)
            self.plans = plans
            self.conditions = conditions
        }

        deinit {
            for steps in [lineSteps, settlementSteps, requestSteps] {
                steps.deinitialize()
                steps.deallocate()
            }
            plans.deallocate()
        }
    }

    /// A rule of a `RuleSet` and its untraced condition. Both are kept alive by the set, so
    /// the references here need no counting.
    struct RuleStep {
        /// Read with `withRule`, borrowed.
        let rule: Unmanaged<Rule>
        let untraced: Unmanaged<ClosureBox>?
        /// The numbers of the rule's reasons (`ReasonTable`), in the order its effects give them.
        let reasons: UnsafePointer<Int32>
        /// One per effect of the rule, in order.
        let plans: UnsafeBufferPointer<EffectPlan>
        /// Whether the rule's untraced condition has the same value for every requested line
        /// (`SameForEveryLine`; no defines): a line rule's is evaluated once per decision. (Only
        /// the line loop reads it.)
        let sameForEveryLine: Bool

        /// Calls `body` with the rule, borrowed from the set that keeps it (`Unmanaged.borrowing`).
        @inline(__always)
        func withRule<Value>(_ body: (Rule) throws(EvaluationFailure) -> Value) throws(EvaluationFailure) -> Value {
            try rule.borrowing(body)
        }

        /// Effect `index` when it is a verdict, with the numbers of the reasons it gives;
        /// `reason` (the rule's next reason, in effect order) moves past them. Nil for any
        /// other effect, which the loops read from the rule.
        @inline(__always)
        func verdict(at index: Int, reason: inout Int) -> (verdict: Verdict, reasons: UnsafeBufferPointer<Int32>)? {
            guard let verdict = plans[index].verdict else { return nil }
            let given = UnsafeBufferPointer(start: reasons + reason, count: plans[index].codeCount)
            reason += given.count
            return (verdict, given)
        }
    }

    /// What the decision loops need of an effect without reading the `Effect` itself: a
    /// verdict and how many codes it gives, or nil for any other effect, which is read from the
    /// rule (reading an `Effect` out of the rule's array copies its payload, retaining its
    /// codes, strings and expressions, for each effect of each rule that fires).
    struct EffectPlan {
        let verdict: Verdict?
        let codeCount: Int
        /// An `adjust` effect's amount and condition, borrowed from the rule (`Unmanaged.borrowing`),
        /// and its code: taken out of the rule's `Effect`, they were copied with the whole
        /// effect, about fifteen reference-count operations for each adjustment considered.
        let adjustAmount: Unmanaged<CompiledExpression>?
        let adjustCondition: Unmanaged<CompiledExpression>?
        let adjustCode: String

        init(_ effect: Effect) {
            if case .verdict(let verdict, let codes) = effect {
                self.verdict = verdict
                codeCount = codes.count
            } else {
                verdict = nil
                codeCount = 0
            }
            if case .adjust(let adjustment) = effect {
                adjustAmount = .passUnretained(adjustment.amount)
                adjustCondition = adjustment.condition.map { .passUnretained($0) }
                adjustCode = adjustment.code
            } else {
                adjustAmount = nil
                adjustCondition = nil
                adjustCode = ""
            }
        }
    }

    public init(policy: Policy) {
        self.policy = policy
        let reasons = ReasonTable(policy)
        self.reasons = reasons
        self.decoder = RequestDecoder(schema: policy.schema)
        var sets: [RuleSet] = []
        for kind in RequestKind.allCases {
            for reason in Reason.allCases {
                func applies(_ rule: Rule) -> Bool {
                    guard let condition = rule.condition else { return true }
                    if let kinds = condition.requiredValues(ofSlot: RequestField.kind.rawValue),
                       !kinds.contains(.string(kind.rawValue)) { return false }
                    if let reasons = condition.requiredValues(ofSlot: RequestField.reason.rawValue),
                       !reasons.contains(.string(reason.rawValue)) { return false }
                    return true
                }
                // `otherwise` line rules come after every other line rule, whatever their file.
                let line = policy.lineRules.filter(applies)
                sets.append(RuleSet(
                    line: line.filter { !$0.isOtherwise } + line.filter(\.isOtherwise),
                    settlement: policy.settlementRules.filter(applies),
                    request: policy.requestRules.filter(applies),
                    known: [RequestField.kind.rawValue: .string(kind.rawValue), RequestField.reason.rawValue: .string(reason.rawValue)],
                    reasons: reasons))
            }
        }
        self.ruleSets = sets
        self.expressionClosures = ExpressionClosures(
            computed: policy.allRules.flatMap(\.computedExpressions), conditions: policy.allRules.compactMap(\.condition))
    }

    /// Where the rules for a kind and reason sit in `ruleSets`.
    static func ruleSetIndex(_ kind: RequestKind, _ reason: Reason) -> Int {
        (RequestKind.allCases.firstIndex(of: kind) ?? 0) * Reason.allCases.count + (Reason.allCases.firstIndex(of: reason) ?? 0)
    }

    /// Validates and decides one parsed request (fixtures, property tests): read from the tree
    /// into a tape (`JSONTape.load`), then decided like a line of input, the path `serve` takes.
    public func decide(_ json: JSONValue, audit: AuditLevel) throws(DecideError) -> Decision {
        let scratch = RequestScratch()
        if let document = scratch.tape.load(json) {
            return try decide(document, outline: RequestOutline(document), scratch: scratch, audit: audit)
        }
        let line = Array(json.serialized(pretty: false).utf8)
        let result = line.withUnsafeBytes { raw -> Result<Decision, DecideError> in
            let document: JSONTape.View
            do throws(JSONParseError) {
                document = try scratch.tape.parse(raw)
            } catch {
                // A tree deeper than JSON input may be (built in code, not read) cannot be a request.
                return .failure(.invalidRequest(RequestError(path: "$", error.message)))
            }
            do throws(DecideError) {
                return .success(try decide(document, outline: RequestOutline(document), scratch: scratch, audit: audit))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Decides a validated request.
    ///
    /// The request moves into the evaluation state (a copy would retain each of its strings and
    /// arrays, and release them again); everything below reads it there, field by field.
    public func decide(_ request: consuming AfterSaleRequest, inputDigest: String, audit: AuditLevel) throws(EvaluationFailure) -> Decision {
        try decide(EvaluationState(request: consume request, defineCount: policy.defineCount), inputDigest: inputDigest, audit: audit)
    }

    /// Decides the request `state` was just started with (`EvaluationState.start`).
    ///
    /// `defersTrail`: a `full` trail is left recorded in `state` (`DeferredTrail`) for the
    /// caller to write the answer from at once; the decision holds an empty trace.
    func decide(_ state: EvaluationState, inputDigest: String, audit: AuditLevel, defersTrail: Bool = false) throws(EvaluationFailure) -> Decision {
        let rules = ruleSets[Self.ruleSetIndex(state.request.kind, state.request.reason)]
        var run = RuleRun(tracing: audit == .full, listsFiredRules: audit != .none, closures: expressionClosures, reusing: &state.runBuffers)
        run.offers = state.decisionBuffers.takeOffers()
        if audit == .full {
            state.startComputations()
            Self.recordProrationComputations(state)
        }

        // 1. Line rules, once per requested line, in policy order. Untraced, a condition that is
        //    the same for every line is evaluated for the first line that reaches it and its
        //    outcome kept here (-1 until then, else 0 or 1), by position in the set.
        let sameForEveryLine = state.lineRuleOutcomes(count: run.tracing ? 0 : rules.lineSteps.count)
        for lineIndex in state.lines.indices {
            state.currentLine = lineIndex
            let lineID = state.request.order.items[state.lines[lineIndex].itemIndex].line
            for position in rules.lineSteps.indices {
                let step = rules.lineSteps[position]
                try step.withRule { (rule) throws(EvaluationFailure) in
                    if rule.isOtherwise, state.lines[lineIndex].verdict != nil { return }
                    let fired: Bool
                    if step.sameForEveryLine, !run.tracing, sameForEveryLine[position] >= 0 {
                        fired = sameForEveryLine[position] == 1
                    } else {
                        // The line's id is only for the trace (a nil costs no retain when there is none).
                        fired = try run.evaluate(rule, state, line: run.tracing ? lineID : nil, untraced: step.untraced)
                        if step.sameForEveryLine, !run.tracing { sameForEveryLine[position] = fired ? 1 : 0 }
                    }
                    guard fired else { return }
                    var applied = AppliedEffects()
                    var reason = 0  // the next of the rule's reasons, in effect order
                    for effectIndex in step.plans.indices {
                        if let (verdict, given) = step.verdict(at: effectIndex, reason: &reason) {
                            state.lines[lineIndex].record(verdict, reasons: given, from: reasons)
                            if run.tracing { applied.append(effectIndex, of: rule) }
                            continue
                        }
                        switch rule.effects[effectIndex] {
                        case .offer(let kind, let amountExpression, let code):
                            let amount = try run.money(amountExpression, state, rule: rule, what: rule.computationNames[effectIndex], line: lineID)
                            run.offers.append(Grant(kind: kind, amount: amount, code: code, rule: rule.id, line: lineID))
                            if run.tracing { applied.append(effectIndex, of: rule) }
                        default:
                            break  // the loader only lets line rules have verdicts and offers
                        }
                }
                run.recordEffects(applied)
                }
            }
        }

        // 2. Aggregates over the requested lines, for request rules (`requested.categories` is
        //    worked out only when a rule reads it).
        //    The lines are read in place, field by field, here and below: a line's copy retains
        //    and releases its array of codes.
        for line in state.lines.indices {
            switch state.lines[line].verdict {
            case .approve?: state.approvedCount += 1
            case .review?: state.reviewCount += 1
            case .reject?, nil: state.rejectedCount += 1
            }
            state.requestedGross += state.lines[line].gross
            state.requestedPaid += state.lines[line].paid
        }

        // 3. Settlement: the pack's settlement rules propose adjustments and the shipping refund;
        //    the engine applies the adjustments in their order, capped so the total stays ≥ 0.
        state.prepareSettlement()
        Settlement.recordKeptUnits(state)
        var effects = EffectCombination(
            payments: state.request.order.payments?.count ?? 0, compensation: state.decisionBuffers.takeCompensation(),
            reusing: &state.effectBuffers)
        for position in rules.settlementSteps.indices {
            let step = rules.settlementSteps[position]
            try step.withRule { (rule) throws(EvaluationFailure) in
                guard try run.evaluate(rule, state, line: nil, untraced: step.untraced) else { return }
                var applied = AppliedEffects()
                if let split = rule.split { try run.split(split, of: rule, state) }
                for index in 0..<run.elementCount(of: rule, state) {
                    let element = try run.enterElement(index, of: rule, state)
                    for effectIndex in rule.effects.indices {
                        // The plan read in place (`plan.pointee`): a copy would retain its code.
                        let plan = step.plans.baseAddress! + effectIndex
                        if let amountExpression = plan.pointee.adjustAmount {
                            if let condition = plan.pointee.adjustCondition {
                                let holds = try condition.borrowing { (condition) throws(EvaluationFailure) in
                                    try run.holds(condition, state, rule: rule, what: rule.computationNames[effectIndex], element: element)
                                }
                                guard holds else { continue }
                            }
                            let amount = try amountExpression.borrowing { (expression) throws(EvaluationFailure) in
                                try run.signedMoney(expression, state, rule: rule, what: rule.computationNames[effectIndex], element: element)
                            }
                            effects.propose(Settlement.Proposal(
                                code: plan.pointee.adjustCode, amount: amount, rule: rule.id,
                                discount: rule.forEach == .discount ? element : nil, line: rule.forEach == .gift ? element : nil))
                            if run.tracing { if let element { applied.append(text: rule.effectTexts[effectIndex] + " for " + element) } else { applied.append(effectIndex, of: rule) } }
                            continue
                        }
                        switch rule.effects[effectIndex] {
                        case .refundShipping(let expression):
                            guard effects.shippingOpen else { continue }
                            effects.chooseShipping(try run.money(expression, state, rule: rule, what: "refund_shipping", line: nil), rule: rule.id)
                            if run.tracing { applied.append(effectIndex, of: rule) }
                        default:
                            break  // the loader only lets settlement rules adjust (above) and refund shipping
                        }
                    }
                }
                run.recordEffects(applied)
            }
        }
        let settled = Settlement.settle(
            state, shipping: effects.shipping, proposals: effects.proposals, adjustments: state.decisionBuffers.takeAdjustments())
        state.refundItems = settled.items
        state.refundShipping = settled.shipping
        state.refundTotal = settled.total

        // 4. Request rules: compensation, return shipping, deadlines, review routing, request
        //    verdicts, and what goes back to each payment.
        for position in rules.requestSteps.indices {
            let step = rules.requestSteps[position]
            try step.withRule { (rule) throws(EvaluationFailure) in
                guard try run.evaluate(rule, state, line: nil, untraced: step.untraced) else { return }
                var applied = AppliedEffects()
                let ruleReasons = step.reasons
                var reason = 0  // the next of the rule's reasons, in effect order
                for effectIndex in step.plans.indices {
                    if let (verdict, given) = step.verdict(at: effectIndex, reason: &reason) {
                        effects.combineVerdict(verdict, reasons: given)
                        if run.tracing { applied.append(effectIndex, of: rule) }
                        continue
                    }
                    switch rule.effects[effectIndex] {
                    case .compensation(let kind, let amountExpression, let code):
                        let amount = try run.money(amountExpression, state, rule: rule, what: rule.computationNames[effectIndex], line: nil)
                        effects.addCompensation(Grant(kind: kind.rawValue, amount: amount, code: code, rule: rule.id, line: nil), reason: ruleReasons[reason])
                        reason += 1
                        if run.tracing { applied.append(effectIndex, of: rule) }
                    case .offer(let kind, let amountExpression, let code):
                        let amount = try run.money(amountExpression, state, rule: rule, what: rule.computationNames[effectIndex], line: nil)
                        run.offers.append(Grant(kind: kind, amount: amount, code: code, rule: rule.id, line: nil))
                        if run.tracing { applied.append(effectIndex, of: rule) }
                    case .returnShipping(let chosen):
                        if effects.chooseReturnShipping(chosen), run.tracing { applied.append(effectIndex, of: rule) }
                    case .routeToReview:
                        let routed = effects.routeToReview(reason: ruleReasons[reason], from: reasons, lines: &state.lines)
                        reason += 1
                        if run.tracing { applied.append(text: "\(rule.effectTexts[effectIndex]) (\(routed) approved line(s) now in review)") }
                    case .deadlines(let returnByExpression, let refundByExpression, let windowDaysExpression):
                        guard effects.deadlinesOpen else { break }
                        var returnBy: Timestamp?
                        var refundBy: Timestamp?
                        var windowDays: Int64?
                        if let returnByExpression,
                           case .timestamp(let value) = try run.value(returnByExpression, state, rule: rule, what: "deadlines.return_by") {
                            guard value.isWritable else { throw Self.unwritableDeadline(value, expression: returnByExpression, rule: rule, field: "return_by") }
                            returnBy = value
                        }
                        if let refundByExpression,
                           case .timestamp(let value) = try run.value(refundByExpression, state, rule: rule, what: "deadlines.refund_by") {
                            guard value.isWritable else { throw Self.unwritableDeadline(value, expression: refundByExpression, rule: rule, field: "refund_by") }
                            refundBy = value
                        }
                        if let windowDaysExpression,
                           case .int(let value) = try run.value(windowDaysExpression, state, rule: rule, what: "deadlines.refund_within_days_of_receipt") {
                            windowDays = value
                        }
                        effects.chooseDeadlines(returnBy: returnBy, refundBy: refundBy, refundWithinDaysOfReceipt: windowDays)
                        if run.tracing { applied.append(effectIndex, of: rule) }
                    case .note:
                        effects.note(reason: ruleReasons[reason])
                        reason += 1
                        if run.tracing { applied.append(effectIndex, of: rule) }
                    case .refundTo, .adjust, .refundShipping:
                        break  // per payment below; settlement effects are not request effects
                    case .verdict:
                        break  // read from its plan above
                    }
                }
                if rule.forEach == .payment {
                    if let split = rule.split { try run.split(split, of: rule, state) }
                    for index in 0..<run.elementCount(of: rule, state) {
                        let element = try run.enterElement(index, of: rule, state)
                        for effectIndex in rule.effects.indices {
                            guard case .refundTo(let expression) = rule.effects[effectIndex], effects.refundOpen(index) else { continue }
                            effects.chooseRefund(try run.money(expression, state, rule: rule, what: "refund_to \(element ?? "")", line: nil), toPayment: index)
                            if run.tracing { applied.append(text: "\(rule.effectTexts[effectIndex]) \(element ?? "")") }
                        }
                    }
                }
                run.recordEffects(applied)
            }
        }
        let refundByMethod = try Self.refundByMethod(effects.byMethod, state)

        // 5. The decision.
        var lines = state.decisionBuffers.takeLines()
        lines.reserveCapacity(state.lines.count)
        var given: [Int32] = []  // the decision's reasons, each once, in order (the state's buffer)
        swap(&given, &state.givenReasons)
        given.removeAllKeepingMemory()
        for line in state.lines {
            var codes = state.decisionBuffers.takeLineReasons()
            codes.reserveCapacity(line.codes.count)
            line.forEachReason { reason in
                if !given.contains(reason) { given.append(reason) }
                codes.append(reasons[reason].code)
            }
            lines.append(LineDecision(
                line: state.request.order.items[line.itemIndex].line, quantity: line.requestedUnits,
                verdict: line.verdict ?? .reject, gross: line.gross, discount: line.gross - line.paid, paid: line.paid,
                refund: line.isGranted ? line.paid : 0, reasons: codes))
        }
        for reason in effects.requestReasons where !given.contains(reason) { given.append(reason) }
        let outcome = Self.outcome(lines: lines, requestVerdict: effects.requestVerdict, compensationGranted: !effects.compensation.isEmpty)
        let auditRecord: AuditRecord?
        if audit == .none {
            auditRecord = nil
        } else {
            // Into the last decision's array (`DecisionBuffers`): a `map` allocated one per answer.
            var rulesFired = state.decisionBuffers.takeRulesFired()
            rulesFired.reserveCapacity(run.firedRules.count)
            for index in run.firedRules.indices { rulesFired.append(run.firedRules[index].id) }
            let deferred = defersTrail && run.tracing
            if deferred { run.deferTrace() }
            state.trailDeferred = deferred
            auditRecord = AuditRecord(
                policyName: policy.name, policyVersion: policy.version, policyDigest: policy.digest,
                inputDigest: inputDigest, engine: EngineVersion.description, rulesFired: rulesFired,
                trace: deferred ? [] : run.finishTrace(), computations: deferred ? [] : state.computations?.computations() ?? [])
        }
        let locale = state.request.locale
        var decisionReasons = state.decisionBuffers.takeReasons()
        decisionReasons.reserveCapacity(given.count)
        for number in given {
            let entry = reasons[number]
            decisionReasons.append(DecisionReason(code: entry.code, rule: entry.rule, message: entry.message(in: locale)))
        }
        let decision = Decision(
            id: state.request.id, outcome: outcome, currency: state.request.order.currency, lines: lines,
            refund: RefundSummary(
                items: settled.items, shipping: settled.shipping, adjustments: settled.adjustments, total: settled.total,
                byMethod: refundByMethod),
            returnShippingPayer: effects.payer ?? .none, compensation: effects.compensation, offers: run.offers,
            reasons: decisionReasons,
            deadlines: effects.deadlines, audit: auditRecord)
        // The buffers go back to the state for the next decision.
        swap(&given, &state.givenReasons)
        run.finish(into: &state.runBuffers)
        effects.finish(into: &state.effectBuffers)
        return decision
    }

    /// SPEC section 6, "Outcome".
    static func outcome(lines: [LineDecision], requestVerdict: Verdict?, compensationGranted: Bool) -> Decision.Outcome {
        if lines.isEmpty {
            if requestVerdict == .review { return .review }
            if requestVerdict == .reject { return .reject }
            return compensationGranted || requestVerdict == .approve ? .approve : .reject
        }
        if lines.contains(where: { $0.verdict == .review }) { return .review }
        var approved = 0
        for line in lines.indices where lines[line].verdict == .approve { approved += 1 }
        if approved == lines.count { return .approve }
        return approved == 0 ? .reject : .partial
    }

    /// The allocation table of every discount and the unit shares of every requested line: a
    /// `full` trail's first computations.
    ///
    /// The request is read in place, field by field: a copy of the order, of an item, of a
    /// discount or of a line's state retains and releases every string and array in it.
    static func recordProrationComputations(_ state: EvaluationState) {
        let itemCount = state.request.order.items.count
        let discountCount = state.request.order.discounts.count
        for discountIndex in 0..<discountCount {
            let amount = state.request.order.discounts[discountIndex].amount
            // The items the discount applies to (nil: every item), in order.
            let scope = state.request.order.discounts[discountIndex].appliesTo
            let scopeCount = scope?.count ?? itemCount
            var scopeGross: Int64 = 0
            for position in 0..<scopeCount { scopeGross += state.itemGross[scope?[position] ?? position] }
            let table = state.auditTable(.allocateDiscount, rows: scopeCount) { log in
                for position in 0..<scopeCount {
                    let index = scope?[position] ?? position
                    // The floored share and the leftover minor unit it got, so the table can be redone by hand.
                    let floored = scopeGross == 0 ? 0 : Int64(Int128(amount) * Int128(state.itemGross[index]) / Int128(scopeGross))
                    let allocated = state.allocations[discountIndex][index]
                    log.cell(.string(state.request.order.items[index].line))
                    log.cell(.money(state.itemGross[index]))
                    log.cell(.money(floored))
                    log.cell(.money(allocated - floored))
                    log.cell(.money(allocated))
                }
            }
            state.computations?.record(ComputationLayout.allocateDiscount, table) { values in
                values.append(.string(state.request.order.discounts[discountIndex].id))
                values.append(.money(amount))
                values.append(.string("largest remainder: floor(amount × gross / scope_gross), leftover minor units to the largest remainders, ties to the earlier line"))
                values.append(.money(scopeGross))
                values.append(table)
            }
        }
        for lineIndex in state.lines.indices {
            let itemIndex = state.lines[lineIndex].itemIndex
            let line = state.request.order.items[itemIndex].line
            let quantity = Int64(state.request.order.items[itemIndex].quantity)
            let gross = state.lines[lineIndex].gross, paid = state.lines[lineIndex].paid
            state.computations?.record(.linePaid) { values in
                values.append(.string(line))
                values.append(.money(state.request.order.items[itemIndex].unitPrice))
                values.append(.int(quantity))
                values.append(.money(state.itemGross[itemIndex]))
                values.append(.money(state.itemGross[itemIndex] - state.itemPaid[itemIndex]))
                values.append(.money(state.itemPaid[itemIndex]))
            }
            state.computations?.record(.unitShare) { values in
                values.append(.string(line))
                values.append(.int(Int64(state.lines[lineIndex].requestedUnits)))
                values.append(.int(Int64(state.lines[lineIndex].units)))
                values.append(.int(Int64(state.request.order.items[itemIndex].refundedQuantity)))
                values.append(.string("floor(paid_of_line × (refunded_before + priced_units) / quantity) − floor(paid_of_line × refunded_before / quantity)"))
                values.append(.money(state.itemPaid[itemIndex]))
                values.append(.int(quantity))
                values.append(.money(gross))
                values.append(.money(paid))
                values.append(.money(gross - paid))
            }
        }
    }
}

/// Why a request got no decision.
public enum DecideError: Error, Sendable {
    case invalidRequest(RequestError)
    case evaluation(EvaluationFailure)
}

/// A checked expression failed at evaluation time (a bug in a policy or the engine: answered as
/// `internal`), or its result cannot be written because of a request value (`requestPath`).
public struct EvaluationFailure: Error, Sendable {
    public var rule: String
    public var source: String
    public var message: String
    /// Set when the request is at fault (a deadline past 9999 computed from this field):
    /// answered as `invalid_request` with this path.
    public var requestPath: String? = nil
}

extension LineState {
    /// A verdict with the `count` reasons at `reasons` (numbers of `table`).
    mutating func record(_ newVerdict: Verdict, reasons: UnsafeBufferPointer<Int32>, from table: ReasonTable) {
        for reason in reasons { addReason(reason, code: table[reason].codeNumber, with: newVerdict) }
        if verdict.map({ newVerdict > $0 }) ?? true { verdict = newVerdict }
    }
}
