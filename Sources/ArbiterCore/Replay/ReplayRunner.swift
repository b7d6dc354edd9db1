import Foundation

/// `arbiter replay`: runs fixtures and decision logs against a policy and reports, like a test
/// runner, what passed, what differs (field path, expected, actual) and which rules no fixture
/// made fire.
public struct ReplayRunner: Sendable {
    public let policy: Policy
    let handler: ProtocolHandler

    public struct Output: Sendable {
        public var text: String
        public var status: ExitStatus
    }

    public init(policy: Policy) {
        self.policy = policy
        self.handler = ProtocolHandler(engine: Engine(policy: policy), audit: .full)
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
            if let wanted = fixture.policy, wanted != policy.name {
                failed += 1
                report += "FAIL \(file)\n  fixture is for policy '\(wanted)' but the loaded policy is '\(policy.name)'\n"
                continue
            }
            let actual = decide(fixture.request)
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
            let all = policy.allRules.map(\.id)
            let missing = all.filter { !firedRules.contains($0) }
            summary += "rule coverage: \(all.count - missing.count)/\(all.count) rules fired"
            summary += missing.isEmpty ? "\n" : "; never fired: \(missing.joined(separator: ", "))\n"
        }
        if logs.decisions > 0 || logs.unreadable > 0 {
            summary += "decision logs: \(logs.decisions) decision\(logs.decisions == 1 ? "" : "s") replayed, \(logs.same) same, \(logs.different) different"
            summary += logs.unreadable > 0 ? ", \(logs.unreadable) unreadable line\(logs.unreadable == 1 ? "" : "s")\n" : "\n"
        }
        let failedAny = (failed > 0 && !(update && updated == failed)) || logs.different > 0 || logs.unreadable > 0
        return Output(text: report + summary, status: failedAny ? .failure : .success)
    }

    /// The decision `serve` would answer for `request`, as a JSON value.
    func decide(_ request: JSONValue) -> JSONValue {
        var writer = JSONWriter(pretty: false)
        handler.respond(to: request, lineNumber: 1, into: &writer)
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
    }

    struct LogTotals {
        var decisions = 0, same = 0, different = 0, unreadable = 0
        mutating func add(_ result: LogResult) {
            decisions += result.decisions
            same += result.same
            different += result.different
            unreadable += result.unreadable
        }
    }

    /// Replays JSON Lines of `{"request": …, "decision": …}` as a caller recorded them and
    /// reports every decision the current policy makes differently. The audit block is not
    /// compared (its policy digest changes with any edit); everything else is.
    func replayLog(at path: String) -> LogResult {
        var result = LogResult()
        guard let data = FileManager.default.contents(atPath: path) else {
            result.unreadable = 1
            result.text = "FAIL \(path)\n  cannot read the file\n"
            return result
        }
        var lineNumber = 0
        var body = ""
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
            let differences = SubsetMatcher.mismatches(expected: Self.withoutAudit(recorded), actual: Self.withoutAudit(now))
                + Self.extraFields(recorded: recorded, now: now)
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
        let verdict = result.different + result.unreadable == 0 ? "SAME" : "DIFF"
        result.text = "\(verdict) \(path): \(result.decisions) decisions, \(result.different) different\n" + body
        return result
    }

    static func withoutAudit(_ value: JSONValue) -> JSONValue {
        guard case .object(let members) = value else { return value }
        return .object(members.filter { $0.key != "audit" })
    }

    /// Fields the current policy adds that the recorded decision did not have (a new adjustment
    /// field, say) count as differences too.
    static func extraFields(recorded: JSONValue, now: JSONValue) -> [SubsetMatcher.Mismatch] {
        guard case .object(let members) = now, case .object = recorded else { return [] }
        return members.filter { $0.key != "audit" && recorded[$0.key] == nil }.map {
            SubsetMatcher.Mismatch(path: "$." + $0.key, expected: "(absent)", actual: SubsetMatcher.show($0.value))
        }
    }
}
