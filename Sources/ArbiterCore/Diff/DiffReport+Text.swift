/// What a report is about, for its heading: the two policy folders and the inputs.
public struct DiffSubject: Sendable {
    public var base: String
    public var candidate: String
    /// `name version` of each version of each policy.
    public var baseVersions: [String]
    public var candidateVersions: [String]
    public var inputs: [String]

    public init(base: String, candidate: String, baseVersions: [String] = [], candidateVersions: [String] = [], inputs: [String] = []) {
        self.base = base
        self.candidate = candidate
        self.baseVersions = baseVersions
        self.candidateVersions = candidateVersions
        self.inputs = inputs
    }

    /// `name version` of every version of `set`.
    public static func versions(of set: PolicySet) -> [String] {
        set.allVersions.map { "\($0.name) \($0.version)" }
    }
}

extension DiffReport {
    /// An amount of minor units with `currency`'s fraction digits, `-` first when negative.
    static func format(_ minor: Int128, currency: String) -> String {
        let digits = Currency.named(currency)?.fractionDigits ?? 2
        let negative = minor < 0
        var magnitude = String(minor.magnitude)
        if digits > 0 {
            if magnitude.count <= digits { magnitude = String(repeating: "0", count: digits + 1 - magnitude.count) + magnitude }
            magnitude.insert(".", at: magnitude.index(magnitude.endIndex, offsetBy: -digits))
        }
        return (negative ? "-" : "") + magnitude
    }

    /// A difference with its sign: `+3.00`, `-1.50`, `0.00`.
    static func signed(_ minor: Int128, currency: String) -> String {
        (minor > 0 ? "+" : "") + format(minor, currency: currency)
    }

    /// The states that appear on either side of `transitions`, in their usual order.
    static func states(_ transitions: [Transition: Int]) -> (base: [String], candidate: [String]) {
        let order: (String, String) -> Bool = Transition.precedes
        return (Set(transitions.keys.map(\.base)).sorted(by: order), Set(transitions.keys.map(\.candidate)).sorted(by: order))
    }

    static func sortedCounts(_ counts: [String: Int]) -> [(key: String, value: Int)] {
        counts.sorted { $0.key < $1.key }
    }

    /// The report for a terminal.
    public func text(_ subject: DiffSubject) -> String {
        var out = "arbiter diff\n"
        out += "  base:      \(subject.base)" + (subject.baseVersions.isEmpty ? "" : " (\(subject.baseVersions.joined(separator: ", ")))") + "\n"
        out += "  candidate: \(subject.candidate)" + (subject.candidateVersions.isEmpty ? "" : " (\(subject.candidateVersions.joined(separator: ", ")))") + "\n"
        out += "\nRequests\n"
        out += "  read                   \(read)\n"
        out += "  decided by both        \(decidedByBoth)\n"
        out += "  invalid under either   \(invalidUnderEither)\n"
        out += "  differing              \(differing)\n"
        if skipped > 0 { out += "  not requests           \(skipped) (pings, unsupported ops, records without a request)\n" }
        if unreadable > 0 { out += "  unreadable             \(unreadable) log record\(unreadable == 1 ? "" : "s")\n" }
        for (title, counts) in [("invalid under base", invalidUnderBase), ("invalid under candidate", invalidUnderCandidate)] where !counts.isEmpty {
            out += "  \(title): " + Self.sortedCounts(counts).map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        out += "\nOutcomes (rows: base, columns: candidate)\n" + Self.matrix(outcomes)
        out += "\nLine verdicts (rows: base, columns: candidate)\n" + Self.matrix(verdicts)

        for (currency, amounts) in money.sorted(by: { $0.key < $1.key }) {
            out += "\nMoney, \(currency) (requests decided by both)\n"
            out += "  " + Self.pad("", 36) + Self.padLeft("base", 16) + Self.padLeft("candidate", 16) + Self.padLeft("difference", 16) + Self.padLeft("rose", 8) + Self.padLeft("fell", 8) + "\n"
            var rows: [(String, MoneyChange)] = [("refund", amounts.refund), ("compensation", amounts.compensation)]
            rows += amounts.adjustments.sorted { $0.key < $1.key }.map { ("adjustment \($0.key)", $0.value) }
            for (name, change) in rows {
                out += "  " + Self.pad(name, 36) + Self.padLeft(Self.format(change.base, currency: currency), 16)
                    + Self.padLeft(Self.format(change.candidate, currency: currency), 16)
                    + Self.padLeft(Self.signed(change.difference, currency: currency), 16)
                    + Self.padLeft(String(change.rose), 8) + Self.padLeft(String(change.fell), 8) + "\n"
            }
            if amounts.currencyChanged > 0 { out += "  \(amounts.currencyChanged) request(s) decided in another currency under the candidate\n" }
            out += "  refund difference histogram (\(currency)):\n"
            let largest = max(1, amounts.refundHistogram.max() ?? 1)
            for bin in RefundBin.allCases {
                let count = amounts.refundHistogram[bin.rawValue]
                let bar = String(repeating: "#", count: count == 0 ? 0 : max(1, count * 40 / largest))
                out += "    " + Self.padLeft(bin.label, 14) + Self.padLeft(String(count), 9) + " " + bar + "\n"
            }
        }

        let ruleRows = rulesByChange
        out += "\nRules fired (requests), by change\n"
        out += "  " + Self.pad("rule", 44) + Self.padLeft("base", 9) + Self.padLeft("candidate", 11) + Self.padLeft("change", 9) + "\n"
        for row in ruleRows {
            var note = ""
            if !row.count.inBase && row.count.inCandidate { note = "  (only in candidate)" }
            if row.count.inBase && !row.count.inCandidate { note = "  (only in base)" }
            out += "  " + Self.pad(row.id, 44) + Self.padLeft(String(row.count.base), 9) + Self.padLeft(String(row.count.candidate), 11)
                + Self.padLeft((row.count.change > 0 ? "+" : "") + String(row.count.change), 9) + note + "\n"
        }

        if !examples.isEmpty {
            out += "\nExamples (first \(examplesLimit) differing requests of each outcome transition, in input order)\n"
            for (transition, found) in examples.sorted(by: { $0.key < $1.key }) {
                out += "  \(transition.base) → \(transition.candidate): \(differingOutcomes[transition] ?? 0) of \(outcomes[transition] ?? 0) differ\n"
                for example in found {
                    out += "    \(example.id ?? "(no id)") at \(example.source)\n"
                    for change in example.changes { out += "      \(change.path): \(change.base) → \(change.candidate)\n" }
                    if example.moreChanges > 0 { out += "      … and \(example.moreChanges) more\n" }
                }
            }
        }
        out += "\n" + (differing == 0 ? "no decision differs\n" : "\(differing) of \(read) request\(read == 1 ? "" : "s") differ\n")
        return out
    }

    static func matrix(_ transitions: [Transition: Int]) -> String {
        if transitions.isEmpty { return "  (none)\n" }
        let (rows, columns) = states(transitions)
        let width = max(10, (columns + rows).map(\.count).max() ?? 0) + 2
        var out = "  " + pad("", width) + columns.map { padLeft($0, width) }.joined() + "\n"
        for row in rows {
            out += "  " + pad(row, width)
            for column in columns {
                let count = transitions[Transition(base: row, candidate: column)] ?? 0
                out += padLeft(count == 0 ? "·" : (row != column ? "*" : "") + String(count), width)
            }
            out += "\n"
        }
        return out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
