extension DiffReport {
    /// The keys of the JSON report, in the order they are written (documented in docs/diff.md;
    /// tests hold them stable).
    public static let jsonKeys = ["format", "base", "candidate", "inputs", "requests", "outcomes", "line_verdicts", "money", "rules", "examples_limit", "examples"]

    /// The report as one JSON object for machines (`--format json`).
    public func json(_ subject: DiffSubject, pretty: Bool = true) -> String {
        var writer = JSONWriter(pretty: pretty)
        writer.beginObject()
        writer.key("format"); writer.string("arbiter-diff/1")
        for (key, path, versions) in [("base", subject.base, subject.baseVersions), ("candidate", subject.candidate, subject.candidateVersions)] {
            writer.key(key); writer.beginObject()
            writer.key("path"); writer.string(path)
            writer.key("versions"); writer.beginArray()
            for version in versions { writer.string(version) }
            writer.endArray()
            writer.endObject()
        }
        writer.key("inputs"); writer.beginArray()
        for input in subject.inputs { writer.string(input) }
        writer.endArray()

        writer.key("requests"); writer.beginObject()
        writer.key("read"); writer.int(read)
        writer.key("decided_by_both"); writer.int(decidedByBoth)
        writer.key("invalid_under_either"); writer.int(invalidUnderEither)
        writer.key("differing"); writer.int(differing)
        writer.key("not_requests"); writer.int(skipped)
        writer.key("unreadable"); writer.int(unreadable)
        for (key, counts) in [("invalid_under_base", invalidUnderBase), ("invalid_under_candidate", invalidUnderCandidate)] {
            writer.key(key); writer.beginObject()
            for (code, count) in Self.sortedCounts(counts) { writer.key(code); writer.int(count) }
            writer.endObject()
        }
        writer.endObject()

        for (key, transitions) in [("outcomes", outcomes), ("line_verdicts", verdicts)] {
            writer.key(key); writer.beginArray()
            for (transition, count) in transitions.sorted(by: { $0.key < $1.key }) {
                writer.beginObject()
                writer.key("base"); writer.string(transition.base)
                writer.key("candidate"); writer.string(transition.candidate)
                writer.key("count"); writer.int(count)
                if key == "outcomes" { writer.key("differing"); writer.int(differingOutcomes[transition] ?? 0) }
                writer.endObject()
            }
            writer.endArray()
        }

        writer.key("money"); writer.beginArray()
        for (currency, amounts) in money.sorted(by: { $0.key < $1.key }) {
            writer.beginObject()
            writer.key("currency"); writer.string(currency)
            writer.key("refund"); Self.write(amounts.refund, currency: currency, into: &writer)
            writer.key("compensation"); Self.write(amounts.compensation, currency: currency, into: &writer)
            writer.key("adjustments"); writer.beginArray()
            for (code, change) in amounts.adjustments.sorted(by: { $0.key < $1.key }) {
                writer.beginObject()
                writer.key("code"); writer.string(code)
                writer.key("change"); Self.write(change, currency: currency, into: &writer)
                writer.endObject()
            }
            writer.endArray()
            writer.key("refund_histogram"); writer.beginArray()
            for bin in RefundBin.allCases {
                writer.beginObject()
                writer.key("bin"); writer.string(bin.label)
                writer.key("count"); writer.int(amounts.refundHistogram[bin.rawValue])
                writer.endObject()
            }
            writer.endArray()
            writer.key("currency_changed"); writer.int(amounts.currencyChanged)
            writer.endObject()
        }
        writer.endArray()

        writer.key("rules"); writer.beginArray()
        for row in rulesByChange {
            writer.beginObject()
            writer.key("id"); writer.string(row.id)
            writer.key("base"); writer.int(row.count.base)
            writer.key("candidate"); writer.int(row.count.candidate)
            writer.key("change"); writer.int(row.count.change)
            writer.key("in_base"); writer.bool(row.count.inBase)
            writer.key("in_candidate"); writer.bool(row.count.inCandidate)
            writer.endObject()
        }
        writer.endArray()

        writer.key("examples_limit"); writer.int(examplesLimit)
        writer.key("examples"); writer.beginArray()
        for (transition, found) in examples.sorted(by: { $0.key < $1.key }) {
            writer.beginObject()
            writer.key("base"); writer.string(transition.base)
            writer.key("candidate"); writer.string(transition.candidate)
            writer.key("differing"); writer.int(differingOutcomes[transition] ?? 0)
            writer.key("requests"); writer.beginArray()
            for example in found {
                writer.beginObject()
                writer.key("id")
                if let id = example.id { writer.string(id) } else { writer.null() }
                writer.key("source"); writer.string(example.source)
                writer.key("changes"); writer.beginArray()
                for change in example.changes {
                    writer.beginObject()
                    writer.key("path"); writer.string(change.path)
                    writer.key("base"); writer.string(change.base)
                    writer.key("candidate"); writer.string(change.candidate)
                    writer.endObject()
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

    static func write(_ change: MoneyChange, currency: String, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("base"); writer.string(format(change.base, currency: currency))
        writer.key("candidate"); writer.string(format(change.candidate, currency: currency))
        writer.key("difference"); writer.string(format(change.difference, currency: currency))
        writer.key("rose"); writer.int(change.rose)
        writer.key("fell"); writer.int(change.fell)
        writer.endObject()
    }
}
