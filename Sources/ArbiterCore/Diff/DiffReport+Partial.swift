/// Partial reports (`arbiter diff --format partial`) and their merge (`arbiter diff --merge`):
/// the whole state of a `DiffReport` as one line of JSON, so that pieces of an input diffed
/// apart (Spark partitions, SPEC section 13) merge into exactly the report of the whole input.
/// Amounts are integers of minor units (decimal strings); nothing is rounded or rendered until
/// the merged report is written.
///
///     {"format":"arbiter-diff-partial/1","base":{"path","versions","digests"},"candidate":{…},
///      "inputs":[{"name","first_line"}],"examples_limit":N,"counts":{…},
///      "invalid_under_base":{CODE:N},"invalid_under_candidate":{…},
///      "outcomes":[[BASE,CANDIDATE,COUNT,DIFFERING]],"line_verdicts":[[BASE,CANDIDATE,COUNT]],
///      "money":[{"currency","refund":[BASE,CANDIDATE,ROSE,FELL],"compensation":[…],
///                "adjustments":[[CODE,BASE,CANDIDATE,ROSE,FELL]],"histogram":[…],"currency_changed":N}],
///      "rules":[[ID,BASE,CANDIDATE,IN_BASE,IN_CANDIDATE]],
///      "examples":[{"base","candidate","requests":[{"id","source","changes":[[PATH,BASE,CANDIDATE]],"more_changes"}]}]}
extension DiffReport {
    public static let partialFormat = "arbiter-diff-partial/1"

    /// What a partial report says about the policies and the input it covers.
    public struct PartialSubject: Sendable, Equatable {
        public var base: String
        public var candidate: String
        public var baseVersions: [String]
        public var candidateVersions: [String]
        /// The digest of each version, to refuse merging parts made under other policies.
        public var baseDigests: [String]
        public var candidateDigests: [String]
        /// The inputs read, each with the number of its first line (greater than 1 for a piece
        /// that continues the input of the part before).
        public var inputs: [(name: String, firstLine: Int)]

        public static func == (lhs: PartialSubject, rhs: PartialSubject) -> Bool {
            lhs.base == rhs.base && lhs.candidate == rhs.candidate && lhs.baseVersions == rhs.baseVersions
                && lhs.candidateVersions == rhs.candidateVersions && lhs.baseDigests == rhs.baseDigests
                && lhs.candidateDigests == rhs.candidateDigests
                && lhs.inputs.map(\.name) == rhs.inputs.map(\.name) && lhs.inputs.map(\.firstLine) == rhs.inputs.map(\.firstLine)
        }

        /// The subject of the report: the policies, and the inputs with consecutive pieces of one
        /// input counted once.
        public var subject: DiffSubject {
            DiffSubject(base: base, candidate: candidate, baseVersions: baseVersions, candidateVersions: candidateVersions,
                        inputs: inputs.map(\.name))
        }

        /// Whether `other` was made under the same policies (names, versions and digests).
        func samePolicies(_ other: PartialSubject) -> Bool {
            base == other.base && candidate == other.candidate && baseVersions == other.baseVersions
                && candidateVersions == other.candidateVersions && baseDigests == other.baseDigests && candidateDigests == other.candidateDigests
        }

        /// Adds the inputs of the part that follows: a piece whose first line is past 1 continues
        /// the last input of the same name.
        mutating func append(_ other: PartialSubject) {
            for input in other.inputs {
                if input.firstLine > 1, let last = inputs.last, last.name == input.name { continue }
                inputs.append(input)
            }
        }
    }

    /// Why partial reports could not be merged.
    public struct PartialError: Error, Sendable {
        public var message: String
    }

    /// The report as one line of partial-report JSON.
    public func partialJSON(_ subject: PartialSubject) -> String {
        var writer = JSONWriter(pretty: false)
        writer.beginObject()
        writer.key("format"); writer.string(Self.partialFormat)
        for (key, path, versions, digests) in [("base", subject.base, subject.baseVersions, subject.baseDigests),
                                              ("candidate", subject.candidate, subject.candidateVersions, subject.candidateDigests)] {
            writer.key(key); writer.beginObject()
            writer.key("path"); writer.string(path)
            writer.key("versions"); writer.beginArray(); for version in versions { writer.string(version) }; writer.endArray()
            writer.key("digests"); writer.beginArray(); for digest in digests { writer.string(digest) }; writer.endArray()
            writer.endObject()
        }
        writer.key("inputs"); writer.beginArray()
        for input in subject.inputs {
            writer.beginObject()
            writer.key("name"); writer.string(input.name)
            writer.key("first_line"); writer.int(input.firstLine)
            writer.endObject()
        }
        writer.endArray()
        writer.key("examples_limit"); writer.int(examplesLimit)
        writer.key("counts"); writer.beginObject()
        for (key, value) in [("read", read), ("skipped", skipped), ("unreadable", unreadable), ("decided_by_both", decidedByBoth),
                             ("differing", differing), ("invalid_under_either", invalidUnderEither)] {
            writer.key(key); writer.int(value)
        }
        writer.endObject()
        for (key, counts) in [("invalid_under_base", invalidUnderBase), ("invalid_under_candidate", invalidUnderCandidate)] {
            writer.key(key); writer.beginObject()
            for (code, count) in counts.sorted(by: { $0.key < $1.key }) { writer.key(code); writer.int(count) }
            writer.endObject()
        }
        writer.key("outcomes"); writer.beginArray()
        for (transition, count) in outcomes.sorted(by: { $0.key < $1.key }) {
            writer.beginArray()
            writer.string(transition.base); writer.string(transition.candidate); writer.int(count); writer.int(differingOutcomes[transition] ?? 0)
            writer.endArray()
        }
        writer.endArray()
        writer.key("line_verdicts"); writer.beginArray()
        for (transition, count) in verdicts.sorted(by: { $0.key < $1.key }) {
            writer.beginArray(); writer.string(transition.base); writer.string(transition.candidate); writer.int(count); writer.endArray()
        }
        writer.endArray()
        writer.key("money"); writer.beginArray()
        for (currency, amounts) in money.sorted(by: { $0.key < $1.key }) {
            writer.beginObject()
            writer.key("currency"); writer.string(currency)
            writer.key("refund"); Self.writePartial(amounts.refund, into: &writer)
            writer.key("compensation"); Self.writePartial(amounts.compensation, into: &writer)
            writer.key("adjustments"); writer.beginArray()
            for (code, change) in amounts.adjustments.sorted(by: { $0.key < $1.key }) {
                writer.beginArray(); writer.string(code)
                writer.string(String(change.base)); writer.string(String(change.candidate)); writer.int(change.rose); writer.int(change.fell)
                writer.endArray()
            }
            writer.endArray()
            writer.key("histogram"); writer.beginArray(); for count in amounts.refundHistogram { writer.int(count) }; writer.endArray()
            writer.key("currency_changed"); writer.int(amounts.currencyChanged)
            writer.endObject()
        }
        writer.endArray()
        writer.key("rules"); writer.beginArray()
        for (id, count) in rules.sorted(by: { $0.key < $1.key }) {
            writer.beginArray()
            writer.string(id); writer.int(count.base); writer.int(count.candidate); writer.bool(count.inBase); writer.bool(count.inCandidate)
            writer.endArray()
        }
        writer.endArray()
        writer.key("examples"); writer.beginArray()
        for (transition, found) in examples.sorted(by: { $0.key < $1.key }) {
            writer.beginObject()
            writer.key("base"); writer.string(transition.base)
            writer.key("candidate"); writer.string(transition.candidate)
            writer.key("requests"); writer.beginArray()
            for example in found {
                writer.beginObject()
                writer.key("id"); if let id = example.id { writer.string(id) } else { writer.null() }
                writer.key("source"); writer.string(example.source)
                writer.key("changes"); writer.beginArray()
                for change in example.changes {
                    writer.beginArray(); writer.string(change.path); writer.string(change.base); writer.string(change.candidate); writer.endArray()
                }
                writer.endArray()
                writer.key("more_changes"); writer.int(example.moreChanges)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self) + "\n"
    }

    static func writePartial(_ change: MoneyChange, into writer: inout JSONWriter) {
        writer.beginArray()
        writer.string(String(change.base)); writer.string(String(change.candidate)); writer.int(change.rose); writer.int(change.fell)
        writer.endArray()
    }

    /// A partial report read back; `place` names it in errors (`FILE:LINE`).
    public static func fromPartial(_ json: JSONValue, at place: String) throws(PartialError) -> (report: DiffReport, subject: PartialSubject) {
        let reader = PartialReader(place: place)
        guard case .string(partialFormat)? = json["format"] else {
            throw PartialError(message: "\(place): not a partial diff report (\"format\" is not \"\(partialFormat)\"; write them with --format partial)")
        }
        func side(_ key: String) throws(PartialError) -> (path: String, versions: [String], digests: [String]) {
            let value = json[key]
            return (try reader.string(value?["path"], "\(key).path"), try reader.strings(value?["versions"], "\(key).versions"),
                    try reader.strings(value?["digests"], "\(key).digests"))
        }
        let base = try side("base"), candidate = try side("candidate")
        var inputs: [(name: String, firstLine: Int)] = []
        for input in try reader.array(json["inputs"], "inputs") {
            inputs.append((try reader.string(input["name"], "inputs[].name"), try reader.int(input["first_line"], "inputs[].first_line")))
        }
        let subject = PartialSubject(base: base.path, candidate: candidate.path, baseVersions: base.versions, candidateVersions: candidate.versions,
                                     baseDigests: base.digests, candidateDigests: candidate.digests, inputs: inputs)
        var report = DiffReport(examplesLimit: try reader.int(json["examples_limit"], "examples_limit"))
        let counts = json["counts"]
        report.read = try reader.int(counts?["read"], "counts.read")
        report.skipped = try reader.int(counts?["skipped"], "counts.skipped")
        report.unreadable = try reader.int(counts?["unreadable"], "counts.unreadable")
        report.decidedByBoth = try reader.int(counts?["decided_by_both"], "counts.decided_by_both")
        report.differing = try reader.int(counts?["differing"], "counts.differing")
        report.invalidUnderEither = try reader.int(counts?["invalid_under_either"], "counts.invalid_under_either")
        for key in ["invalid_under_base", "invalid_under_candidate"] {
            guard case .object(let members)? = json[key] else { throw PartialError(message: "\(place): no \"\(key)\" object") }
            for member in members {
                let count = try reader.int(member.value, "\(key).\(member.key)")
                if key == "invalid_under_base" { report.invalidUnderBase[member.key] = count } else { report.invalidUnderCandidate[member.key] = count }
            }
        }
        for row in try reader.array(json["outcomes"], "outcomes") {
            let cells = try reader.array(row, "outcomes[]")
            guard cells.count == 4 else { throw PartialError(message: "\(place): an outcome row is [base, candidate, count, differing]") }
            let transition = Transition(base: try reader.string(cells[0], "outcomes[][0]"), candidate: try reader.string(cells[1], "outcomes[][1]"))
            report.outcomes[transition] = try reader.int(cells[2], "outcomes[][2]")
            let differing = try reader.int(cells[3], "outcomes[][3]")
            if differing > 0 { report.differingOutcomes[transition] = differing }
        }
        for row in try reader.array(json["line_verdicts"], "line_verdicts") {
            let cells = try reader.array(row, "line_verdicts[]")
            guard cells.count == 3 else { throw PartialError(message: "\(place): a line-verdict row is [base, candidate, count]") }
            report.verdicts[Transition(base: try reader.string(cells[0], "line_verdicts[][0]"), candidate: try reader.string(cells[1], "line_verdicts[][1]"))]
                = try reader.int(cells[2], "line_verdicts[][2]")
        }
        for entry in try reader.array(json["money"], "money") {
            var amounts = CurrencyMoney()
            amounts.refund = try reader.change(try reader.array(entry["refund"], "money[].refund"), "money[].refund")
            amounts.compensation = try reader.change(try reader.array(entry["compensation"], "money[].compensation"), "money[].compensation")
            for row in try reader.array(entry["adjustments"], "money[].adjustments") {
                let cells = try reader.array(row, "money[].adjustments[]")
                guard cells.count == 5 else { throw PartialError(message: "\(place): an adjustment row is [code, base, candidate, rose, fell]") }
                amounts.adjustments[try reader.string(cells[0], "money[].adjustments[][0]")] = try reader.change(Array(cells.dropFirst()), "money[].adjustments[]")
            }
            let histogram = try reader.array(entry["histogram"], "money[].histogram")
            guard histogram.count == RefundBin.allCases.count else { throw PartialError(message: "\(place): the histogram has \(RefundBin.allCases.count) bins") }
            amounts.refundHistogram = try histogram.map { value throws(PartialError) in try reader.int(value, "money[].histogram[]") }
            amounts.currencyChanged = try reader.int(entry["currency_changed"], "money[].currency_changed")
            report.money[try reader.string(entry["currency"], "money[].currency")] = amounts
        }
        for row in try reader.array(json["rules"], "rules") {
            let cells = try reader.array(row, "rules[]")
            guard cells.count == 5, case .bool(let inBase) = cells[3], case .bool(let inCandidate) = cells[4] else {
                throw PartialError(message: "\(place): a rule row is [id, base, candidate, in_base, in_candidate]")
            }
            var count = RuleCount()
            count.base = try reader.int(cells[1], "rules[][1]")
            count.candidate = try reader.int(cells[2], "rules[][2]")
            count.inBase = inBase
            count.inCandidate = inCandidate
            report.rules[try reader.string(cells[0], "rules[][0]")] = count
        }
        for group in try reader.array(json["examples"], "examples") {
            let transition = Transition(base: try reader.string(group["base"], "examples[].base"), candidate: try reader.string(group["candidate"], "examples[].candidate"))
            var found: [Example] = []
            for request in try reader.array(group["requests"], "examples[].requests") {
                var changes: [Change] = []
                for change in try reader.array(request["changes"], "examples[].requests[].changes") {
                    let cells = try reader.array(change, "examples[].requests[].changes[]")
                    guard cells.count == 3 else { throw PartialError(message: "\(place): a change is [path, base, candidate]") }
                    changes.append(Change(path: try reader.string(cells[0], "change path"), base: try reader.string(cells[1], "change base"),
                                          candidate: try reader.string(cells[2], "change candidate")))
                }
                let id: String? = if case .string(let text)? = request["id"] { text } else { nil }
                found.append(Example(id: id, source: try reader.string(request["source"], "examples[].requests[].source"), changes: changes,
                                     moreChanges: try reader.int(request["more_changes"], "examples[].requests[].more_changes")))
            }
            if !found.isEmpty { report.examples[transition] = found }
        }
        return (report, subject)
    }

    /// Reads the values of a partial report, naming what is missing.
    struct PartialReader {
        let place: String

        func fail(_ what: String) -> PartialError { PartialError(message: "\(place): \"\(what)\" is missing or of the wrong type") }

        func string(_ value: JSONValue?, _ what: String) throws(PartialError) -> String {
            guard case .string(let text)? = value else { throw fail(what) }
            return text
        }

        func int(_ value: JSONValue?, _ what: String) throws(PartialError) -> Int {
            guard case .number(let text)? = value, let number = Int(text), number >= 0 else { throw fail(what) }
            return number
        }

        func int128(_ value: JSONValue?, _ what: String) throws(PartialError) -> Int128 {
            guard case .string(let text)? = value, let number = Int128(text) else { throw fail(what) }
            return number
        }

        func array(_ value: JSONValue?, _ what: String) throws(PartialError) -> [JSONValue] {
            guard case .array(let items)? = value else { throw fail(what) }
            return items
        }

        func strings(_ value: JSONValue?, _ what: String) throws(PartialError) -> [String] {
            try array(value, what).map { item throws(PartialError) in try string(item, what) }
        }

        /// `[BASE, CANDIDATE, ROSE, FELL]`.
        func change(_ cells: [JSONValue], _ what: String) throws(PartialError) -> MoneyChange {
            guard cells.count == 4 else { throw fail(what) }
            var change = MoneyChange()
            change.base = try int128(cells[0], what)
            change.candidate = try int128(cells[1], what)
            change.rose = try int(cells[2], what)
            change.fell = try int(cells[3], what)
            return change
        }
    }
}
