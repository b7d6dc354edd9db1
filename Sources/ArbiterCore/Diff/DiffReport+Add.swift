extension DiffReport {
    /// Adds one request: its answer under the base and under the candidate policy (both
    /// decisions or error objects, as `serve` writes them, with `--audit summary`).
    ///
    /// - Parameter source: where the request was read (`FILE:LINE`), for examples.
    /// - Parameter knownSame: the caller has found the answers equal but for their audit blocks.
    public mutating func add(base: JSONValue, candidate: JSONValue, source: String, knownSame: Bool = false) {
        read += 1
        let baseError = Self.errorCode(base), candidateError = Self.errorCode(candidate)
        if let code = baseError { invalidUnderBase[code, default: 0] += 1 }
        if let code = candidateError { invalidUnderCandidate[code, default: 0] += 1 }
        if baseError != nil || candidateError != nil { invalidUnderEither += 1 } else { decidedByBoth += 1 }

        let outcome = Transition(base: Self.outcome(base), candidate: Self.outcome(candidate))
        outcomes[outcome, default: 0] += 1
        addVerdicts(base: base, candidate: candidate)
        addRules(Self.rulesFired(base), base: true)
        addRules(Self.rulesFired(candidate), base: false)
        if baseError == nil, candidateError == nil { addMoney(base: base, candidate: candidate) }

        guard !knownSame else { return }
        let differences = DecisionComparison.differences(recorded: base, now: candidate)
        guard !differences.isEmpty else { return }
        differing += 1
        differingOutcomes[outcome, default: 0] += 1
        if examples[outcome, default: []].count < examplesLimit {
            let id = Self.string(base["id"]) ?? Self.string(candidate["id"])
            let changes = differences.prefix(Example.changesKept).map { Change(path: $0.path, base: $0.expected, candidate: $0.actual) }
            examples[outcome, default: []].append(Example(id: id, source: source, changes: Array(changes), moreChanges: differences.count - changes.count))
        }
    }

    /// Adds a line or record that is not a request (a ping, an unsupported op, a logged record
    /// without a request).
    public mutating func addSkipped() { skipped += 1 }

    /// Adds a log record that could not be read.
    public mutating func addUnreadable() { unreadable += 1 }

    // MARK: - Reading answers

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    static func errorCode(_ answer: JSONValue) -> String? {
        guard let error = answer["error"] else { return nil }
        return string(error["code"]) ?? "internal"
    }

    static func outcome(_ answer: JSONValue) -> String {
        errorCode(answer) == nil ? (string(answer["outcome"]) ?? DiffReport.invalid) : DiffReport.invalid
    }

    static func rulesFired(_ answer: JSONValue) -> Set<String> {
        guard case .array(let ids)? = answer["audit"]?["rules_fired"] else { return [] }
        var found = Set<String>()
        for case .string(let id) in ids { found.insert(id) }
        return found
    }

    /// `(line id, verdict)` of each line of a decision, in order; empty for an error answer.
    static func lineVerdicts(_ answer: JSONValue) -> [(line: String, verdict: String)] {
        guard errorCode(answer) == nil, case .array(let lines)? = answer["lines"] else { return [] }
        return lines.map { (string($0["line"]) ?? "", string($0["verdict"]) ?? DiffReport.invalid) }
    }

    /// Lines are paired by their id; a line only one side has (or every line, when one side is
    /// an error) is paired with `invalid`.
    mutating func addVerdicts(base: JSONValue, candidate: JSONValue) {
        let before = Self.lineVerdicts(base), after = Self.lineVerdicts(candidate)
        var matched = [Bool](repeating: false, count: after.count)
        for (index, line) in before.enumerated() {
            // Both sides list the request's lines in the same order; search only if they do not.
            let found = index < after.count && after[index].line == line.line && !matched[index]
                ? index : after.indices.first { !matched[$0] && after[$0].line == line.line }
            if let found {
                matched[found] = true
                verdicts[Transition(base: line.verdict, candidate: after[found].verdict), default: 0] += 1
            } else {
                verdicts[Transition(base: line.verdict, candidate: DiffReport.invalid), default: 0] += 1
            }
        }
        for index in after.indices where !matched[index] {
            verdicts[Transition(base: DiffReport.invalid, candidate: after[index].verdict), default: 0] += 1
        }
    }

    mutating func addRules(_ ids: Set<String>, base: Bool) {
        for id in ids {
            if base { rules[id, default: RuleCount()].base += 1 } else { rules[id, default: RuleCount()].candidate += 1 }
        }
    }

    // MARK: - Money

    /// An amount in minor units: a money string, signed for adjustments (`"-12.00"`).
    static func minorUnits(_ value: JSONValue?, fractionDigits: Int) -> Int64 {
        guard let text = string(value) else { return 0 }
        let negative = text.hasPrefix("-")
        guard let magnitude = try? Money.parseMinorUnits(negative ? String(text.dropFirst()) : text, fractionDigits: fractionDigits) else { return 0 }
        return negative ? -magnitude : magnitude
    }

    struct Amounts {
        var currency: String
        var refund: Int64 = 0
        var compensation: Int64 = 0
        var adjustments: [String: Int64] = [:]
    }

    static func amounts(_ decision: JSONValue) -> Amounts {
        let code = string(decision["refund"]?["currency"]) ?? "?"
        let digits = Currency.named(code)?.fractionDigits ?? 2
        var found = Amounts(currency: code)
        found.refund = minorUnits(decision["refund"]?["total"], fractionDigits: digits)
        if case .array(let items)? = decision["compensation"] {
            for item in items { found.compensation += minorUnits(item["amount"], fractionDigits: digits) }
        }
        if case .array(let items)? = decision["refund"]?["adjustments"] {
            for item in items { found.adjustments[string(item["code"]) ?? "?", default: 0] += minorUnits(item["amount"], fractionDigits: digits) }
        }
        return found
    }

    mutating func addMoney(base: JSONValue, candidate: JSONValue) {
        let before = Self.amounts(base), after = Self.amounts(candidate)
        guard before.currency == after.currency else {
            // Each side's amounts count in its own currency; there is no change to compare.
            money[before.currency, default: CurrencyMoney()].refund.base += Int128(before.refund)
            money[before.currency, default: CurrencyMoney()].compensation.base += Int128(before.compensation)
            money[after.currency, default: CurrencyMoney()].refund.candidate += Int128(after.refund)
            money[after.currency, default: CurrencyMoney()].compensation.candidate += Int128(after.compensation)
            money[before.currency, default: CurrencyMoney()].currencyChanged += 1
            return
        }
        var totals = money[before.currency, default: CurrencyMoney()]
        totals.refund.add(base: before.refund, candidate: after.refund)
        totals.compensation.add(base: before.compensation, candidate: after.compensation)
        for code in Set(before.adjustments.keys).union(after.adjustments.keys) {
            totals.adjustments[code, default: MoneyChange()].add(base: before.adjustments[code] ?? 0, candidate: after.adjustments[code] ?? 0)
        }
        let perMajor = Currency.named(before.currency)?.minorPerMajor ?? 100
        totals.refundHistogram[RefundBin.of(after.refund - before.refund, minorPerMajor: perMajor).rawValue] += 1
        money[before.currency] = totals
    }
}
