import Foundation

/// `arbiter replay`: runs fixtures and decision logs against a policy and reports, like a test
/// runner, what passed, what differs (field path, expected, actual) and which rules no fixture
/// made fire.
public struct ReplayRunner: Sendable {
    /// The packs and versions fixtures and logged requests are decided with (SPEC section 9).
    public let set: PolicySet
    let handler: ProtocolHandler

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
    }

    /// Runs every fixture and log under `paths`. With `update`, failing fixtures get their
    /// expectations rewritten from the actual decisions (review the diff in git).
    public func run(paths: [String], update: Bool = false) -> Output {
        var report = ""
        var files: [String] = []
        for path in paths {
            let found = FixtureLoader.files(at: path)
            if found.isEmpty { return Output(text: "arbiter: no fixtures or decision logs at '\(path)'\n", status: .unusable) }
            files += found
        }
        var passed = 0, failed = 0, updated = 0
        var firedRules = Set<String>()
        var logs = LogTotals()
        for file in files {
            if file.hasSuffix(".jsonl") {
                let result = replayLog(at: file)
                report += result.text
                logs.add(result)
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
            var all: [String] = []
            var seen = Set<String>()
            for version in set.allVersions { for rule in version.allRules where seen.insert(rule.id).inserted { all.append(rule.id) } }
            let missing = all.filter { !firedRules.contains($0) }
            summary += "rule coverage: \(all.count - missing.count)/\(all.count) rules fired"
            summary += missing.isEmpty ? "\n" : "; never fired: \(missing.joined(separator: ", "))\n"
        }
        if logs.decisions > 0 || logs.unreadable > 0 {
            summary += "decision logs: \(logs.decisions) decision\(logs.decisions == 1 ? "" : "s") replayed, \(logs.same) same, \(logs.different) different"
            if logs.otherDigest > 0 { summary += "; \(logs.otherDigest) recorded under another policy digest than the version selected now" }
            if logs.unchecked > 0 { summary += "; \(logs.unchecked) unchecked (no audit block)" }
            summary += logs.unreadable > 0 ? ", \(logs.unreadable) unreadable line\(logs.unreadable == 1 ? "" : "s")\n" : "\n"
        }
        let failedAny = (failed > 0 && !(update && updated == failed)) || logs.different > 0 || logs.unreadable > 0 || logs.otherDigest > 0
        return Output(text: report + summary, status: failedAny ? .failure : .success)
    }

    /// The decision `serve` would answer for `request`, as a JSON value.
    func decide(_ request: JSONValue, forcedPack: Int? = nil) -> JSONValue {
        var writer = JSONWriter(pretty: false)
        handler.respond(to: request, lineNumber: 1, into: &writer, forcedPack: forcedPack)
        // The writer's output is valid JSON by construction.
        return (try? JSONReader.parse(writer.bytes)) ?? .null
    }

    // MARK: - Decision logs

    struct LogResult {
        var text = ""
        var decisions = 0
        var same = 0
        var different = 0
        var unreadable = 0
        /// Decisions whose `audit.policy.digest` is not the digest of the version selected now.
        var otherDigest = 0
        /// Decisions recorded without an audit block (`--audit none`): their version is unknown.
        var unchecked = 0
    }

    struct LogTotals {
        var decisions = 0, same = 0, different = 0, unreadable = 0, otherDigest = 0, unchecked = 0
        mutating func add(_ result: LogResult) {
            decisions += result.decisions
            same += result.same
            different += result.different
            unreadable += result.unreadable
            otherDigest += result.otherDigest
            unchecked += result.unchecked
        }
    }

    /// `name version digest` of a decision's `audit.policy`, or nil when it has none.
    static func auditPolicy(_ decision: JSONValue) -> (digest: String, shown: String)? {
        guard case .string(let digest)? = decision["audit"]?["policy"]?["digest"] else { return nil }
        var shown = digest
        if case .string(let name)? = decision["audit"]?["policy"]?["name"], case .string(let version)? = decision["audit"]?["policy"]?["version"] {
            shown = "\(name) \(version) \(digest)"
        }
        return (digest, shown)
    }

    /// Replays JSON Lines of `{"request": …, "decision": …}` as a caller recorded them and
    /// reports every decision the current policy makes differently. The audit block is not
    /// compared field by field; its `policy.digest` must be the digest of the version selection
    /// picks now (SPEC section 9), else the record counts as recorded under another digest (a
    /// difference: the decisions were made by other rules). Same digest changes are reported
    /// once per pair of digests, with the first line; records without an audit are unchecked.
    func replayLog(at path: String) -> LogResult {
        var result = LogResult()
        guard let data = FileManager.default.contents(atPath: path) else {
            result.unreadable = 1
            result.text = "FAIL \(path)\n  cannot read the file\n"
            return result
        }
        var lineNumber = 0
        var body = ""
        // (recorded, now) digest pairs that differ: how many records, and the first line.
        var digestChanges: [(recorded: String, now: String, count: Int, firstLine: Int)] = []
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var bytes = Array(line)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let entry: JSONValue
            do {
                entry = try JSONReader.parse(bytes)
            } catch {
                result.unreadable += 1
                body += "  \(path):\(lineNumber): invalid JSON: \(error.message)\n"
                continue
            }
            guard let request = entry["request"], let recorded = entry["decision"] else {
                result.unreadable += 1
                body += "  \(path):\(lineNumber): expected an object with 'request' and 'decision'\n"
                continue
            }
            result.decisions += 1
            let now = decide(request)
            if recorded["error"] == nil {
                if let (recordedDigest, recordedShown) = Self.auditPolicy(recorded) {
                    let nowShown = Self.auditPolicy(now)
                    if nowShown?.digest != recordedDigest {
                        result.otherDigest += 1
                        let shownNow = nowShown?.shown ?? "no version (the request is now answered with an error)"
                        if let index = digestChanges.firstIndex(where: { $0.recorded == recordedShown && $0.now == shownNow }) {
                            digestChanges[index].count += 1
                        } else {
                            digestChanges.append((recordedShown, shownNow, 1, lineNumber))
                        }
                    }
                } else {
                    result.unchecked += 1
                }
            }
            let differences = DecisionComparison.differences(recorded: recorded, now: now)
            if differences.isEmpty {
                result.same += 1
                continue
            }
            result.different += 1
            let id = request["id"].flatMap { if case .string(let text) = $0 { return text } else { return nil } } ?? "(no id)"
            body += "  \(path):\(lineNumber) \(id):\n"
            for difference in differences {
                body += "    \(difference.path): recorded \(difference.expected), now \(difference.actual)\n"
            }
        }
        for change in digestChanges {
            body += "  \(change.count) decision\(change.count == 1 ? "" : "s") (first \(path):\(change.firstLine)) recorded under policy \(change.recorded), now selected: \(change.now)\n"
        }
        let verdict = result.different + result.unreadable + result.otherDigest == 0 ? "SAME" : "DIFF"
        var counts = "\(result.decisions) decisions, \(result.different) different"
        if result.otherDigest > 0 { counts += ", \(result.otherDigest) under another policy digest" }
        if result.unchecked > 0 { counts += ", \(result.unchecked) unchecked" }
        result.text = "\(verdict) \(path): \(counts)\n" + body
        return result
    }
}
