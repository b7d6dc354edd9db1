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
    public func run(paths: [String], update: Bool = false) -> Output {
        var text = ""
        let status = run(paths: paths, update: update, progress: false) { text += $0 }
        return Output(text: text, status: status)
    }

    /// Like `run(paths:update:)`, writing the report through `emit` as it goes (a log of any
    /// size is replayed in constant memory), with progress on stderr when `progress`.
    public func run(paths: [String], update: Bool, progress: Bool, emit: (String) -> Void) -> ExitStatus {
        var files: [String] = []
        for path in paths {
            if path == "-" {
                files.append(path)
                continue
            }
            let found = FixtureLoader.files(at: path)
            if found.isEmpty {
                emit("arbiter: no fixtures or decision logs at '\(path)'\n")
                return .unusable
            }
            files += found
        }
        var passed = 0, failed = 0, updated = 0
        var firedRules = Set<String>()
        var packsRun = Set<String>()
        var logs = DecisionLogReplay.Totals()
        var report = ""
        for file in files {
            if file == "-" || Self.isLog(file) {
                emit(report)
                report = ""
                logs.add(withoutActuallyEscaping(emit) { emit in
                    DecisionLogReplay(handler: logHandler, path: file, emit: emit, progress: progress).run()
                })
                continue
            }
            let fixture: Fixture
            do {
                fixture = try FixtureLoader.load(path: file)
            } catch {
                failed += 1
                report += "FAIL \(file)\n  \(error.message)\n"
                continue
            }
            // A fixture's `policy:` picks the pack for a request that names none; it is not added
            // to the request (its input_digest is the request's as written) and must agree with it.
            var forcedPack: Int?
            if let wanted = fixture.policy {
                guard let index = set.packIndex(named: wanted) else {
                    failed += 1
                    let known = set.packs.map { "'\($0.name)'" }.joined(separator: ", ")
                    report += "FAIL \(file)\n  fixture is for policy '\(wanted)' but the loaded \(set.isLone ? "policy is" : "set holds") \(known)\n"
                    continue
                }
                if case .string(let named)? = fixture.request["policy"], named != wanted {
                    failed += 1
                    report += "FAIL \(file)\n  fixture is for policy '\(wanted)' but its request names policy '\(named)'\n"
                    continue
                }
                forcedPack = index
            }
            let actual = decide(fixture.request, forcedPack: forcedPack)
            if case .array(let rules)? = actual["audit"]?["rules_fired"] {
                for case .string(let id) in rules { firedRules.insert(id) }
            }
            if case .string(let pack)? = actual["audit"]?["policy"]?["name"] { packsRun.insert(pack) }
            let mismatches = SubsetMatcher.mismatches(expected: fixture.expect, actual: actual)
            if mismatches.isEmpty {
                passed += 1
                report += "PASS \(file)\n"
                continue
            }
            failed += 1
            report += "FAIL \(file) — \(fixture.name)\n"
            for mismatch in mismatches {
                report += "  \(mismatch.path): expected \(mismatch.expected), actual \(mismatch.actual)\n"
            }
            if update {
                do {
                    try FixtureUpdater.rewrite(fixture, expect: SubsetMatcher.project(actual, onto: fixture.expect))
                    updated += 1
                    report += "  updated: expectations rewritten from the actual decision\n"
                } catch {
                    report += "  not updated: \(error.message)\n"
                }
            }
        }
        let fixtures = passed + failed
        var summary = ""
        if fixtures > 0 {
            summary += "\(fixtures) fixture\(fixtures == 1 ? "" : "s"): \(passed) passed, \(failed) failed"
            if update { summary += ", \(updated) updated" }
            summary += "\n"
            // Rule ids over every version of every pack (versions of a pack share most ids).
            // Over the packs the fixtures were for (`Fixtures/cn` alone is not measured against eu's rules).
            var all: [String] = []
            var seen = Set<String>()
            for version in set.allVersions where packsRun.contains(version.name) {
                for rule in version.allRules where seen.insert(rule.id).inserted { all.append(rule.id) }
            }
            let missing = all.filter { !firedRules.contains($0) }
            summary += "rule coverage: \(all.count - missing.count)/\(all.count) rules fired"
            summary += missing.isEmpty ? "\n" : "; never fired: \(missing.joined(separator: ", "))\n"
        }
        if logs.decisions > 0 || logs.unreadable > 0 {
            summary += "decision logs: \(logs.decisions) decision\(logs.decisions == 1 ? "" : "s") replayed, \(logs.same) same, \(logs.different) different"
            if logs.otherDigest > 0 { summary += "; \(logs.otherDigest) recorded under another policy digest than the version selected now" }
            if logs.unchecked > 0 { summary += "; \(logs.unchecked) unchecked (no audit block)" }
            summary += logs.unreadable > 0 ? ", \(logs.unreadable) unreadable line\(logs.unreadable == 1 ? "" : "s") or empty log\(logs.unreadable == 1 ? "" : "s")\n" : "\n"
            if !logs.fields.isEmpty {
                summary += "differences by field:\n"
                for (field, count) in logs.fields.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                    summary += "  \(field): \(count)\n"
                }
            }
        }
        let failedAny = (failed > 0 && !(update && updated == failed)) || logs.different > 0 || logs.unreadable > 0 || logs.otherDigest > 0
        emit(report + summary)
        return failedAny ? .failure : .success
    }

    /// A file is a decision log when its first line says so (SPEC section 10: by content, not by name).
    static func isLog(_ path: String) -> Bool {
        guard FixtureLoader.isFixtureFile(path) else { return true }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var format: DiffInputFormat?
        try? LogLineReader(descriptor: descriptor).forEachLine { line in
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return true }
            format = DiffInputFormat.detect(firstLine: line.bytes)
            return false
        }
        // The same test `diff` makes: a serve-log header, or a request with its recorded decision.
        return format.map { $0 != .requests } ?? false
    }

    /// The decision `serve` would answer for `request`, as a JSON value.
    func decide(_ request: JSONValue, forcedPack: Int? = nil) -> JSONValue {
        var writer = JSONWriter(pretty: false)
        handler.respond(to: request, lineNumber: 1, into: &writer, forcedPack: forcedPack)
        // The writer's output is valid JSON by construction.
        return (try? JSONReader.parse(writer.bytes)) ?? .null
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
