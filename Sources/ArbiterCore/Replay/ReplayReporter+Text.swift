/// `replay --format text` (the default): a line per fixture (`PASS`/`FAIL`), each differing
/// logged decision with its fields, a line per log, then the summary — for a terminal.
public final class ReplayTextReporter: ReplayReporter {
    let emit: (String) -> Void

    /// Everything written goes through `ShownText.terminal`: ids and values come from logs.
    public init(emit: @escaping (String) -> Void) { self.emit = { emit(ShownText.terminal($0)) } }

    public func result(_ result: ReplayResult) {
        switch result.kind {
        case .fixture: emit(Self.fixture(result))
        case .decision: emit(Self.decision(result))
        case .log: break  // written with the log's line (`logFinished`)
        }
    }

    static func fixture(_ result: ReplayResult) -> String {
        if result.status == .same { return "PASS \(result.source)\n" }
        var text = result.named ? "FAIL \(result.source) — \(result.name)\n" : "FAIL \(result.source)\n"
        if let problem = result.problem {
            if let code = problem.code {
                text += "  the request is answered with an error: \(code)\(problem.path.map { " at \($0)" } ?? ""): \(problem.message)\n"
            } else {
                text += "  \(problem.message)\n"
            }
        }
        for mismatch in result.differences {
            text += "  \(mismatch.path): expected \(mismatch.expected), actual \(mismatch.actual)\n"
        }
        switch result.update {
        case .rewritten?: text += "  updated: expectations rewritten from the actual decision\n"
        case .notRewritten(let why)?: text += "  not updated: \(why)\n"
        case nil: break
        }
        return text
    }

    static func decision(_ result: ReplayResult) -> String {
        switch result.status {
        case .same:
            return ""
        case .error:
            return "  \(result.source):\(result.line ?? 0): \(result.problem?.message ?? "unreadable")\n"
        case .different:
            var text = "  \(result.source):\(result.line ?? 0) \(result.name):\n"
            for difference in result.differences {
                text += "    \(difference.path): recorded \(difference.expected), now \(difference.actual)\n"
            }
            return text
        }
    }

    public func logFinished(_ log: ReplayLogSummary) {
        emit(Self.log(log))
    }

    static func log(_ log: ReplayLogSummary) -> String {
        let path = log.path
        if let failure = log.openFailure { return "FAIL \(path)\n  cannot read the file: \(failure)\n" }
        var text = ""
        if let failure = log.readFailure { text += "  \(path): \(failure)\n" }
        for change in log.digestChanges {
            text += "  \(change.count) decision\(change.count == 1 ? "" : "s") (first \(path):\(change.firstLine)) recorded under policy \(change.recorded), now selected: \(change.now)\n"
        }
        var counts = "\(log.decisions) decision\(log.decisions == 1 ? "" : "s"), \(log.different) different"
        if log.otherDigest > 0 { counts += ", \(log.otherDigest) under another policy digest" }
        if log.unchecked > 0 { counts += ", \(log.unchecked) unchecked" }
        if log.skipped > 0 { counts += ", \(log.skipped) not requests (header, pings, unsupported ops)" }
        if log.isEmpty { counts += " — an empty log proves nothing" }
        text += "\(log.passed ? "SAME" : "DIFF") \(path): \(counts)\n"
        return text
    }

    public func finished(_ summary: ReplaySummary) {
        emit(Self.summary(summary))
    }

    static func summary(_ summary: ReplaySummary) -> String {
        var text = ""
        if summary.fixtures > 0 {
            text += "\(summary.fixtures) fixture\(summary.fixtures == 1 ? "" : "s"): \(summary.fixturesPassed) passed, \(summary.fixturesFailed) failed"
            if summary.update { text += ", \(summary.fixturesUpdated) updated" }
            text += "\n"
            // One line per version of the packs run: a rule id that fired under one version says
            // nothing about another, so there is no figure over all versions here (the JSON
            // report keeps one for its readers, next to `by_version`).
            for version in summary.coverage?.byVersion ?? [] {
                text += "rule coverage \(version.pack) \(version.version): \(version.fired)/\(version.total) rules fired"
                if version.fixtures == 0 {
                    text += "; no fixture was decided by this version\n"
                } else {
                    text += version.neverFired.isEmpty ? "\n" : "; never fired: \(version.neverFired.joined(separator: ", "))\n"
                }
            }
        }
        let logs = summary.logTotals
        let unreadable = logs.unreadable + summary.emptyLogs
        if logs.decisions > 0 || unreadable > 0 {
            text += "decision logs: \(logs.decisions) decision\(logs.decisions == 1 ? "" : "s") replayed, \(logs.same) same, \(logs.different) different"
            if logs.otherDigest > 0 { text += "; \(logs.otherDigest) recorded under another policy digest than the version selected now" }
            if logs.unchecked > 0 { text += "; \(logs.unchecked) unchecked (no audit block)" }
            text += unreadable > 0 ? ", \(unreadable) unreadable line\(unreadable == 1 ? "" : "s") or empty log\(unreadable == 1 ? "" : "s")\n" : "\n"
            let fields = summary.fieldsByCount
            if !fields.isEmpty {
                text += "differences by field:\n"
                for (field, count) in fields { text += "  \(field): \(count)\n" }
            }
        }
        return text
    }
}
