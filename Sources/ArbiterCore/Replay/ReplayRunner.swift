import Foundation

/// `arbiter replay`: runs fixtures and decision logs against a policy and reports, like a test
/// runner, what passed, what differs (field path, expected, actual) and which rules no fixture
/// made fire.
public struct ReplayRunner: Sendable {
    /// The packs and versions fixtures and logged requests are decided with (SPEC section 9).
    public let set: PolicySet
    let handler: ProtocolHandler
    /// Logged requests are decided with `--audit summary`: the policy and input digests are what
    /// replay checks in the audit block.
    let logHandler: ProtocolHandler

    /// The default pack's current version.
    public var policy: Policy { handler.engines.defaultEngine.policy }

    public struct Output: Sendable {
        public var text: String
        public var status: ExitStatus
    }

    /// A lone pack deciding every fixture and logged request.
    public init(policy: Policy) {
        self.init(set: PolicySet(lone: policy))
    }

    /// Each fixture and logged request is decided by the version selection picks for it.
    public init(set: PolicySet) {
        self.set = set
        self.handler = ProtocolHandler(engines: EngineSet(set), audit: .full)
        self.logHandler = ProtocolHandler(engines: EngineSet(set), audit: .summary)
    }

    /// Runs every fixture and log under `paths`. With `update`, failing fixtures get their
    /// expectations rewritten from the actual decisions (review the diff in git).
    public func run(paths: [String], update: Bool = false, format: ReplayFormat = .text) -> Output {
        var text = ""
        let status = run(paths: paths, update: update, progress: false, format: format) { text += $0 }
        return Output(text: text, status: status)
    }

    /// How a log read from stdin is named and numbered: `--stdin-name` and `--stdin-first-line`
    /// (a piece of a larger log, as a Spark partition replays it, reports the whole log's name
    /// and line numbers).
    public struct StdinOptions: Sendable {
        public var name: String
        public var firstLine: Int

        public init(name: String = "-", firstLine: Int = 1) {
            self.name = name
            self.firstLine = firstLine
        }
    }

    /// Like `run(paths:update:format:)`, writing the report through `emit` as it goes (a log of
    /// any size is replayed in constant memory), with progress on stderr when `progress`.
    public func run(paths: [String], update: Bool, progress: Bool, format: ReplayFormat = .text, stdin: StdinOptions = StdinOptions(),
                    emit: @escaping (String) -> Void) -> ExitStatus {
        var files: [String] = []
        for path in paths {
            if path == "-" {
                files.append(path)
                continue
            }
            let (found, skipped) = FixtureLoader.scan(path)
            for (file, why) in skipped {
                FileHandle.standardError.write(Data("arbiter: skipped '\(file)': \(why)\n".utf8))
            }
            if found.isEmpty {
                FileHandle.standardError.write(Data("arbiter: no fixtures or decision logs at '\(path)'\n".utf8))
                return .unusable
            }
            files += found
        }
        let reporter = format.reporter(emit: emit)
        var summary = ReplaySummary()
        summary.update = update
        var tally = CoverageTally()
        for file in files {
            if file == "-" || Self.isLog(file) {
                let name = file == "-" ? stdin.name : file
                let firstLine = file == "-" ? stdin.firstLine : 1
                summary.logs.append(DecisionLogReplay(handler: logHandler, path: file, name: name, firstLine: firstLine,
                                                      reporter: reporter, progress: progress).run())
                continue
            }
            let result = runFixture(file, update: update, tally: &tally)
            if result.status == .same { summary.fixturesPassed += 1 } else { summary.fixturesFailed += 1 }
            if result.update == .rewritten { summary.fixturesUpdated += 1 }
            reporter.result(result)
        }
        if summary.fixtures > 0 { summary.coverage = tally.coverage(of: set) }
        reporter.finished(summary)
        return summary.passed ? .success : .failure
    }

    /// One fixture: loaded, decided by the pack it is for, compared with its expectation (and
    /// rewritten with `update` when it fails).
    func runFixture(_ file: String, update: Bool, tally: inout CoverageTally) -> ReplayResult {
        let fallbackName = String(file.split(separator: "/").last ?? Substring(file))
        let fixture: Fixture
        do {
            fixture = try FixtureLoader.load(path: file)
        } catch {
            return ReplayResult(kind: .fixture, name: fallbackName, source: file, line: nil, status: .error,
                                problem: .init(message: error.message), named: false)
        }
        let id: String? = if case .string(let text)? = fixture.request["id"] { text } else { nil }
        func failure(_ message: String) -> ReplayResult {
            ReplayResult(kind: .fixture, name: fixture.name, id: id, source: file, line: fixture.expectLine ?? 1, status: .error,
                         problem: .init(message: message), named: false)
        }
        // A fixture's `policy:` picks the pack for a request that names none; it is not added
        // to the request (its input_digest is the request's as written) and must agree with it.
        var forcedPack: Int?
        if let wanted = fixture.policy {
            guard let index = set.packIndex(named: wanted) else {
                let known = set.packs.map { "'\($0.name)'" }.joined(separator: ", ")
                return failure("fixture is for policy '\(wanted)' but the loaded \(set.isLone ? "policy is" : "set holds") \(known)")
            }
            if case .string(let named)? = fixture.request["policy"], named != wanted {
                return failure("fixture is for policy '\(wanted)' but its request names policy '\(named)'")
            }
            forcedPack = index
            tally.fixture(for: wanted)
        }
        let actual = decide(fixture.request, forcedPack: forcedPack)
        tally.add(actual)
        var result = ReplayResult(kind: .fixture, name: fixture.name, id: id, source: file, line: fixture.expectLine ?? 1, status: .same)
        // A request answered with an error that the fixture does not expect: the error says what
        // is wrong with the request; a field-by-field diff against (absent) would not.
        if let error = actual["error"], fixture.expect["error"] == nil {
            result.status = .error
            result.problem = .init(message: Self.string(error["message"]) ?? "", code: Self.string(error["code"]) ?? "internal",
                                   path: Self.string(error["path"]))
            if update { result.update = .notRewritten("the request is answered with an error; fix the request, not the expectation") }
            return result
        }
        result.differences = SubsetMatcher.mismatches(expected: fixture.expect, actual: actual)
        guard !result.differences.isEmpty else { return result }
        result.status = .different
        if update {
            do {
                try FixtureUpdater.rewrite(fixture, expect: SubsetMatcher.project(actual, onto: fixture.expect))
                result.update = .rewritten
            } catch {
                result.update = .notRewritten(error.message)
            }
        }
        return result
    }

    /// The rules that fired in the fixtures' decisions, by the pack version that decided each
    /// (`audit.policy`): coverage is measured per version, since a version's rules prove nothing
    /// about what another version decides, even where they share ids and text.
    struct CoverageTally {
        struct Key: Hashable {
            var pack: String
            var version: String
        }
        /// Rule ids fired under each version.
        var fired: [Key: Set<String>] = [:]
        /// Fixtures decided by each version.
        var fixtures: [Key: Int] = [:]
        /// Packs fixtures were written for (`policy:`), decided or not: a fixture answered with an
        /// error still says which pack's coverage the run is about.
        var packsNamed: Set<String> = []

        /// Counts a fixture written for `pack`, before it is decided.
        mutating func fixture(for pack: String) { packsNamed.insert(pack) }

        /// Counts one decision (an error answer has no audit block and counts for no version).
        mutating func add(_ decision: JSONValue) {
            guard let pack = ReplayRunner.string(decision["audit"]?["policy"]?["name"]),
                  let version = ReplayRunner.string(decision["audit"]?["policy"]?["version"]) else { return }
            let key = Key(pack: pack, version: version)
            fixtures[key, default: 0] += 1
            var ids = fired[key, default: []]
            if case .array(let rules)? = decision["audit"]?["rules_fired"] {
                for case .string(let id) in rules { ids.insert(id) }
            }
            fired[key] = ids
        }

        /// Coverage over the packs some fixture was decided by (`Fixtures/cn` alone is not
        /// measured against eu's rules), every version of each: a version no fixture was decided
        /// by is listed with nothing fired, which is what an auditor needs to see.
        func coverage(of set: PolicySet) -> ReplaySummary.Coverage {
            let packsRun = Set(fixtures.keys.map(\.pack)).union(packsNamed)
            var all: [String] = []
            var seen = Set<String>()
            var firedAnywhere = Set<String>()
            var byVersion: [ReplaySummary.Coverage.Version] = []
            for version in set.allVersions where packsRun.contains(version.name) {
                let key = Key(pack: version.name, version: version.version)
                let firedHere = fired[key] ?? []
                firedAnywhere.formUnion(firedHere)
                var ids: [String] = []
                var seenHere = Set<String>()
                for rule in version.allRules where seenHere.insert(rule.id).inserted { ids.append(rule.id) }
                for id in ids where seen.insert(id).inserted { all.append(id) }
                byVersion.append(.init(pack: version.name, version: version.version, fixtures: fixtures[key] ?? 0,
                                       total: ids.count, neverFired: ids.filter { !firedHere.contains($0) }))
            }
            return .init(total: all.count, neverFired: all.filter { !firedAnywhere.contains($0) }, byVersion: byVersion)
        }
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    /// A file is a decision log when its first line says so (SPEC section 10: by content, not by name).
    static func isLog(_ path: String) -> Bool {
        guard FixtureLoader.isFixtureFile(path) else { return true }
        return startsLikeALog(path)
    }

    /// Whether the file's first non-blank line is a serve-log header or a request with its
    /// recorded decision.
    static func startsLikeALog(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var format: DiffInputFormat?
        try? LogLineReader(descriptor: descriptor).forEachLine { line in
            if line.truncated { return false }
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return true }
            format = DiffInputFormat.detect(firstLine: line.bytes)
            return false
        }
        // The same test `diff` makes: a serve-log header, or a request with its recorded decision.
        return format.map { $0 != .requests } ?? false
    }

    /// The decision `serve` would answer for `request`, as a JSON value.
    func decide(_ request: JSONValue, forcedPack: Int? = nil) -> JSONValue {
        handler.tree(of: handler.answer(to: request, lineNumber: 1, scratch: RequestScratch(), forcedPack: forcedPack))
    }

    // MARK: - Decision logs

    /// `name version digest` of a decision's `audit.policy`, or nil when it has none.
    static func auditPolicy(_ decision: JSONValue) -> (digest: String, shown: String)? {
        guard case .string(let digest)? = decision["audit"]?["policy"]?["digest"] else { return nil }
        var shown = digest
        if case .string(let name)? = decision["audit"]?["policy"]?["name"], case .string(let version)? = decision["audit"]?["policy"]?["version"] {
            shown = "\(name) \(version) \(digest)"
        }
        return (digest, shown)
    }
}
