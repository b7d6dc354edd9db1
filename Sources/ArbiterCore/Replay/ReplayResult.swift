/// What `arbiter replay` found for one fixture or one logged decision: the unit every report
/// format (text, JSON, JUnit) lists.
public struct ReplayResult: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A fixture file (SPEC section 7).
        case fixture
        /// One logged request with its recorded decision (SPEC section 10), or a log line that
        /// could not be read as one.
        case decision
        /// A whole log that could not be opened or read to its end.
        case log
    }

    public enum Status: String, Sendable {
        /// The fixture passes; the logged decision is reproduced.
        case same
        /// Some field differs (`differences`).
        case different
        /// Nothing could be compared (`error`): an unreadable fixture or log line, a fixture for
        /// another policy, a fixture whose request is answered with an error it does not expect.
        case error
    }

    /// Why nothing could be compared; `code` and `path` when the request was answered with an
    /// error (`invalid_request` at `$.order.items[1].unit_price`).
    public struct Problem: Sendable, Equatable {
        public var message: String
        public var code: String?
        public var path: String?

        public init(message: String, code: String? = nil, path: String? = nil) {
            self.message = message
            self.code = code
            self.path = path
        }
    }

    /// What `--update` did to a failing fixture.
    public enum Update: Sendable, Equatable {
        case rewritten
        case notRewritten(String)
    }

    public var kind: Kind
    /// The fixture's `name` (its file name when it could not be read) or the logged request's id
    /// (`(no id)` when it has none).
    public var name: String
    /// The request's `id`, when it has a string one.
    public var id: String?
    /// The fixture or log file (`-` for stdin, or the name given with `--stdin-name`).
    public var source: String
    /// The 1-based line: of a log record; of a fixture's `expect:` (1 for a JSON fixture); nil for
    /// a whole file.
    public var line: Int?
    public var status: Status
    /// Field by field: `expected` is the fixture's expectation or the recorded decision,
    /// `actual` what the policy decides now.
    public var differences: [SubsetMatcher.Mismatch]
    public var problem: Problem?
    /// Whether the header line names the fixture (`FAIL file — name`): false when the fixture
    /// could not be run at all.
    public var named: Bool
    public var update: Update?

    public init(kind: Kind, name: String, id: String? = nil, source: String, line: Int?, status: Status,
                differences: [SubsetMatcher.Mismatch] = [], problem: Problem? = nil, named: Bool = true, update: Update? = nil) {
        self.kind = kind
        self.name = name
        self.id = id
        self.source = source
        self.line = line
        self.status = status
        self.differences = differences
        self.problem = problem
        self.named = named
        self.update = update
    }
}

/// The totals of one decision log (or of the part of one a partition held).
public struct ReplayLogSummary: Sendable, Equatable {
    public var path: String
    public var decisions = 0, same = 0, different = 0, unreadable = 0, otherDigest = 0, unchecked = 0, skipped = 0
    /// Differences counted by field (`$.lines[].verdict`).
    public var fields: [String: Int] = [:]
    /// Decisions recorded under another policy digest than the version selected now, by pair, in
    /// the order first seen.
    public var digestChanges: [DigestChange] = []
    /// Why the file could not be opened (then nothing else is reported for it).
    public var openFailure: String?
    /// Why reading stopped before the end.
    public var readFailure: String?

    public struct DigestChange: Sendable, Equatable {
        public var recorded: String
        public var now: String
        public var count: Int
        public var firstLine: Int
    }

    public init(path: String) { self.path = path }

    /// A log with nothing in it proves nothing: it is an error, not "same".
    public var isEmpty: Bool { decisions == 0 && unreadable == 0 && openFailure == nil && readFailure == nil }

    /// Unreadable lines plus a file that could not be opened or read to its end.
    public var problems: Int { unreadable + (openFailure == nil ? 0 : 1) + (readFailure == nil ? 0 : 1) }

    public var passed: Bool { different + problems + otherDigest == 0 && !isEmpty }

    /// Adds the totals of the part of the same log that follows this one's.
    public mutating func merge(_ other: ReplayLogSummary) {
        decisions += other.decisions
        same += other.same
        different += other.different
        unreadable += other.unreadable
        otherDigest += other.otherDigest
        unchecked += other.unchecked
        skipped += other.skipped
        for (field, count) in other.fields { fields[field, default: 0] += count }
        for change in other.digestChanges { addDigestChange(change) }
        openFailure = openFailure ?? other.openFailure
        readFailure = readFailure ?? other.readFailure
    }

    mutating func addDigestChange(_ change: DigestChange) {
        if let index = digestChanges.firstIndex(where: { $0.recorded == change.recorded && $0.now == change.now }) {
            digestChanges[index].count += change.count
            digestChanges[index].firstLine = min(digestChanges[index].firstLine, change.firstLine)
        } else {
            digestChanges.append(change)
        }
    }
}

/// The totals of a whole replay.
public struct ReplaySummary: Sendable, Equatable {
    public var fixturesPassed = 0, fixturesFailed = 0, fixturesUpdated = 0
    /// Whether `--update` was given.
    public var update = false
    /// Rule coverage over the packs the fixtures were for, overall and per version; nil when no
    /// fixture ran.
    public var coverage: Coverage?
    /// Every log, in the order replayed.
    public var logs: [ReplayLogSummary] = []

    public struct Coverage: Sendable, Equatable {
        /// Rule ids over every version of the packs run: an id counts once, and as fired when it
        /// fired under any version (the JSON report's `rule_coverage.fired`/`total`).
        public var total: Int
        public var neverFired: [String]
        public var fired: Int { total - neverFired.count }
        /// One entry per version of the packs run (sorted by pack name, then `effective_from`):
        /// each version's rules, counted over the fixtures that version decided.
        public var byVersion: [Version] = []

        public init(total: Int, neverFired: [String], byVersion: [Version] = []) {
            self.total = total
            self.neverFired = neverFired
            self.byVersion = byVersion
        }

        /// The coverage of one pack version (`audit.policy` name and version).
        public struct Version: Sendable, Equatable {
            public var pack: String
            public var version: String
            /// How many fixtures this version decided (0: none of them proves what it decides).
            public var fixtures: Int
            /// The version's rule ids.
            public var total: Int
            /// Its rules that no fixture decided by this version made fire, in rule order.
            public var neverFired: [String]
            public var fired: Int { total - neverFired.count }

            public init(pack: String, version: String, fixtures: Int, total: Int, neverFired: [String]) {
                self.pack = pack
                self.version = version
                self.fixtures = fixtures
                self.total = total
                self.neverFired = neverFired
            }
        }
    }

    public init() {}

    public var fixtures: Int { fixturesPassed + fixturesFailed }

    /// All logs added up (one path: `*`).
    public var logTotals: ReplayLogSummary {
        var total = ReplayLogSummary(path: "*")
        for log in logs {
            total.decisions += log.decisions
            total.same += log.same
            total.different += log.different
            total.unreadable += log.problems
            total.otherDigest += log.otherDigest
            total.unchecked += log.unchecked
            total.skipped += log.skipped
            for (field, count) in log.fields { total.fields[field, default: 0] += count }
        }
        return total
    }

    public var emptyLogs: Int { logs.filter(\.isEmpty).count }

    /// Differences by field over every log, most frequent first, ties by field.
    public var fieldsByCount: [(field: String, count: Int)] {
        logTotals.fields.map { (field: $0.key, count: $0.value) }.sorted { ($0.count, $1.field) > ($1.count, $0.field) }
    }

    /// Exit 1 when a fixture failed (and was not rewritten) or a log did not replay the same.
    public var passed: Bool {
        let fixturesOK = fixturesFailed == 0 || (update && fixturesUpdated == fixturesFailed)
        return fixturesOK && logs.allSatisfy(\.passed)
    }
}

/// Receives a replay as it runs: results in input order, each log's totals when it ends, then
/// the summary. The text, JSON and JUnit reports are three of these.
public protocol ReplayReporter: AnyObject {
    func result(_ result: ReplayResult)
    func logFinished(_ log: ReplayLogSummary)
    func finished(_ summary: ReplaySummary)
}

/// The formats `replay` writes.
public enum ReplayFormat: String, CaseIterable, Sendable {
    case text, json, junit

    /// A reporter writing this format through `emit`.
    public func reporter(emit: @escaping (String) -> Void) -> ReplayReporter {
        switch self {
        case .text: return ReplayTextReporter(emit: emit)
        case .json: return ReplayJSONReporter(emit: emit)
        case .junit: return ReplayJUnitReporter(emit: emit)
        }
    }
}
