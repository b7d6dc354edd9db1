/// `replay --format json`: one JSON object for CI systems, written as the replay runs (a log of
/// any size streams). Its keys are documented in README.md ("Replay reports for CI") and held
/// stable by tests:
///
///     {"format":"arbiter-replay/1",
///      "results":[ one object per fixture and per logged decision, in input order, one per line ],
///      "logs":[ the totals of each log ],
///      "summary":{ fixtures, rule coverage (over rule ids and by version), decisions, differences by field, passed }}
public final class ReplayJSONReporter: ReplayReporter {
    let emit: (String) -> Void
    private var started = false
    private var firstResult = true

    public static let format = "arbiter-replay/1"

    public init(emit: @escaping (String) -> Void) { self.emit = emit }

    private func start() {
        guard !started else { return }
        started = true
        emit("{\"format\":\"\(Self.format)\",\"results\":[")
    }

    public func result(_ result: ReplayResult) {
        start()
        emit((firstResult ? "\n" : ",\n") + Self.json(result))
        firstResult = false
    }

    public func logFinished(_ log: ReplayLogSummary) {}

    public func finished(_ summary: ReplaySummary) {
        start()
        emit((firstResult ? "" : "\n") + "],\n" + Self.tail(summary) + "}\n")
    }

    /// One result as a one-line JSON object.
    public static func json(_ result: ReplayResult) -> String {
        var writer = JSONWriter(pretty: false)
        writer.beginObject()
        writer.key("kind"); writer.string(result.kind.rawValue)
        writer.key("name"); writer.string(result.name)
        writer.key("id"); if let id = result.id { writer.string(id) } else { writer.null() }
        writer.key("source"); writer.string(result.source)
        writer.key("line"); if let line = result.line { writer.int(line) } else { writer.null() }
        writer.key("status"); writer.string(result.status.rawValue)
        writer.key("differences"); writer.beginArray()
        for difference in result.differences {
            writer.beginObject()
            writer.key("path"); writer.string(difference.path)
            writer.key("recorded"); writer.string(difference.expected)
            writer.key("now"); writer.string(difference.actual)
            writer.endObject()
        }
        writer.endArray()
        writer.key("error")
        if let problem = result.problem {
            writer.beginObject()
            writer.key("message"); writer.string(problem.message)
            writer.key("code"); if let code = problem.code { writer.string(code) } else { writer.null() }
            writer.key("path"); if let path = problem.path { writer.string(path) } else { writer.null() }
            writer.endObject()
        } else {
            writer.null()
        }
        writer.key("updated")
        switch result.update {
        case .rewritten?: writer.bool(true)
        case .notRewritten?: writer.bool(false)
        case nil: writer.null()
        }
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// `"logs":[…],"summary":{…}` (without the enclosing braces): the part of the report that
    /// `replay --merge` rebuilds from the parts' `logs`.
    static func tail(_ summary: ReplaySummary) -> String {
        var writer = JSONWriter(pretty: false)
        writer.beginObject()
        writer.key("logs"); writer.beginArray()
        for log in summary.logs { write(log, into: &writer) }
        writer.endArray()
        writer.key("summary"); writer.beginObject()
        writer.key("fixtures"); writer.beginObject()
        writer.key("total"); writer.int(summary.fixtures)
        writer.key("passed"); writer.int(summary.fixturesPassed)
        writer.key("failed"); writer.int(summary.fixturesFailed)
        writer.key("updated"); writer.int(summary.fixturesUpdated)
        writer.endObject()
        writer.key("rule_coverage")
        if let coverage = summary.coverage {
            // `fired`, `total`, `never_fired`: of every version at once, and of each.
            func counts(fired: Int, total: Int, neverFired: [String]) {
                writer.key("fired"); writer.int(fired)
                writer.key("total"); writer.int(total)
                writer.key("never_fired"); writer.beginArray()
                for id in neverFired { writer.string(id) }
                writer.endArray()
            }
            writer.beginObject()
            counts(fired: coverage.fired, total: coverage.total, neverFired: coverage.neverFired)
            writer.key("by_version"); writer.beginArray()
            for version in coverage.byVersion {
                writer.beginObject()
                writer.key("pack"); writer.string(version.pack)
                writer.key("version"); writer.string(version.version)
                writer.key("fixtures"); writer.int(version.fixtures)
                counts(fired: version.fired, total: version.total, neverFired: version.neverFired)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
        } else {
            writer.null()
        }
        let logs = summary.logTotals
        writer.key("decisions"); writer.beginObject()
        writer.key("replayed"); writer.int(logs.decisions)
        writer.key("same"); writer.int(logs.same)
        writer.key("different"); writer.int(logs.different)
        writer.key("other_digest"); writer.int(logs.otherDigest)
        writer.key("unchecked"); writer.int(logs.unchecked)
        writer.key("unreadable"); writer.int(logs.unreadable)
        writer.key("not_requests"); writer.int(logs.skipped)
        writer.key("empty_logs"); writer.int(summary.emptyLogs)
        writer.endObject()
        writer.key("differences_by_field"); writer.beginArray()
        for (field, count) in summary.fieldsByCount {
            writer.beginObject()
            writer.key("field"); writer.string(field)
            writer.key("count"); writer.int(count)
            writer.endObject()
        }
        writer.endArray()
        writer.key("passed"); writer.bool(summary.passed)
        writer.endObject()
        writer.endObject()
        // Without the braces of the object written above.
        let text = String(decoding: writer.bytes, as: UTF8.self)
        return String(text.dropFirst().dropLast())
    }

    static func write(_ log: ReplayLogSummary, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("path"); writer.string(log.path)
        writer.key("decisions"); writer.int(log.decisions)
        writer.key("same"); writer.int(log.same)
        writer.key("different"); writer.int(log.different)
        writer.key("other_digest"); writer.int(log.otherDigest)
        writer.key("unchecked"); writer.int(log.unchecked)
        writer.key("unreadable"); writer.int(log.unreadable)
        writer.key("not_requests"); writer.int(log.skipped)
        writer.key("open_failure"); if let failure = log.openFailure { writer.string(failure) } else { writer.null() }
        writer.key("read_failure"); if let failure = log.readFailure { writer.string(failure) } else { writer.null() }
        writer.key("empty"); writer.bool(log.isEmpty)
        writer.key("passed"); writer.bool(log.passed)
        writer.key("fields"); writer.beginArray()
        for (field, count) in log.fields.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            writer.beginObject()
            writer.key("field"); writer.string(field)
            writer.key("count"); writer.int(count)
            writer.endObject()
        }
        writer.endArray()
        writer.key("digest_changes"); writer.beginArray()
        for change in log.digestChanges {
            writer.beginObject()
            writer.key("recorded"); writer.string(change.recorded)
            writer.key("now"); writer.string(change.now)
            writer.key("count"); writer.int(change.count)
            writer.key("first_line"); writer.int(change.firstLine)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }
}
