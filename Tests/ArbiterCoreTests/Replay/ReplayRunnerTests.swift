import Foundation
import Testing
@testable import ArbiterCore

/// `arbiter replay` as an auditor uses it: failures by name with a readable diff, `--update`,
/// and decision logs that reproduce or show exactly what a policy change changed.
@Suite(.serialized) struct ReplayRunnerTests {
    static let workedExample = Repository.path("Fixtures/cn/spec-worked-example.yaml")

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func changedExpectationFailsByNameWithADiff() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOfFile: Self.workedExample, encoding: .utf8)
        let broken = original.replacingOccurrences(of: "total: \"185.96\"", with: "total: \"185.95\"")
        #expect(broken != original)
        let path = directory.appendingPathComponent("worked-example-wrong-total.yaml").path
        try broken.write(toFile: path, atomically: true, encoding: .utf8)

        let output = ReplayRunner(policy: Repository.cnPolicy).run(paths: [path])
        #expect(output.status == .failure)
        #expect(output.text.contains("FAIL \(path) — the worked example of SPEC sections 4–5"))
        #expect(output.text.contains("  $.refund.total: expected \"185.95\", actual \"185.96\""))
        #expect(output.text.contains("1 fixture: 0 passed, 1 failed"))
    }

    @Test func updateRewritesOnlyTheExpectation() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOfFile: Self.workedExample, encoding: .utf8)
        let path = directory.appendingPathComponent("update-me.yaml").path
        try original.replacingOccurrences(of: "outcome: approve", with: "outcome: reject").write(toFile: path, atomically: true, encoding: .utf8)

        let runner = ReplayRunner(policy: Repository.cnPolicy)
        let updated = runner.run(paths: [path], update: true)
        #expect(updated.text.contains("updated: expectations rewritten"))
        let rewritten = try String(contentsOfFile: path, encoding: .utf8)
        // Everything above `expect:` (comments, the request) is kept byte for byte.
        let head = original.components(separatedBy: "\nexpect:\n")[0]
        #expect(rewritten.hasPrefix(head + "\nexpect:\n"))
        #expect(runner.run(paths: [path]).status == .success, "the rewritten fixture passes")
        #expect(rewritten.contains("\n  outcome: approve\n"), "YAML stays YAML, block stays block")
    }

    /// A fixture saved with CRLF line endings (an editor on Windows) is rewritten in place: one
    /// `expect:`, CRLF kept, flow style kept, and it passes afterwards.
    @Test func updateKeepsAFixturesCRLFLineEndings() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOfFile: Self.workedExample, encoding: .utf8)
        let head = original.components(separatedBy: "\nexpect:\n")[0]
        let stale = head + "\nexpect:\n  outcome: reject\n  refund: {total: \"1.00\"}\n"
        let path = directory.appendingPathComponent("crlf.yaml").path
        try Data(stale.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: URL(fileURLWithPath: path))

        let runner = ReplayRunner(policy: Repository.cnPolicy)
        #expect(runner.run(paths: [path], update: true).text.contains("updated: expectations rewritten"))
        let rewritten = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        #expect(rewritten.components(separatedBy: "expect:").count == 2, "one expect:")
        #expect(!rewritten.utf8.split(separator: 0x0A).contains { $0.last != 0x0D }, "every line ends in CRLF")
        #expect(rewritten.hasPrefix(head.replacingOccurrences(of: "\n", with: "\r\n") + "\r\nexpect:\r\n"))
        #expect(rewritten.contains("\r\n  refund: {"), "flow stays flow")
        #expect(runner.run(paths: [path]).status == .success, "the rewritten fixture passes")
    }

    /// A log recorded from `serve` answers replays with zero differences against the same policy;
    /// after one parameter changes, exactly the decisions it affects are reported.
    @Test func decisionLogReproducesAndShowsWhatAParameterChanges() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let requests = try ServeEndToEndTests.workload(count: 400, bad: 0, seed: 11)
        let handler = ProtocolHandler(engine: Engine(policy: Repository.cnPolicy), audit: .summary)
        var log = ""
        var recorded: [(request: JSONValue, decision: JSONValue)] = []
        for (index, line) in requests.enumerated() {
            var writer = JSONWriter(pretty: false)
            Array(line.utf8).withUnsafeBytes { handler.respond(to: $0, lineNumber: index + 1, into: &writer) }
            log += "{\"request\":\(line),\"decision\":\(String(decoding: writer.bytes, as: UTF8.self))}\n"
            recorded.append((try JSONReader.parse(Array(line.utf8)), try JSONReader.parse(writer.bytes)))
        }
        let logPath = directory.appendingPathComponent("recorded.jsonl").path
        try log.write(toFile: logPath, atomically: true, encoding: .utf8)

        let same = ReplayRunner(policy: Repository.cnPolicy).run(paths: [logPath])
        #expect(same.status == .success, "\(same.text.prefix(2000))")
        #expect(same.text.contains("decision logs: 400 decisions replayed, 400 same, 0 different"))

        // The same pack with a 6-day no-reason window.
        let changed = try policyCopy(in: directory) { $0.replacingOccurrences(of: "no_reason_window_days:\n    type: int\n    value: 7", with: "no_reason_window_days:\n    type: int\n    value: 6") }
        let output = ReplayRunner(policy: changed).run(paths: [logPath])
        #expect(output.status == .failure)

        // Independently, from the SPEC: a non-VIP no-reason return of delivered goods gets a
        // return_by one day earlier (rule 1, deadlines); a VIP's day-7 approval now comes from the
        // extended window and carries VIP_EXTENDED_WINDOW too (rule 14). Nothing else changes.
        let zone = try #require(Zone.named("Asia/Shanghai"))
        var affected: [String] = []
        for (request, decision) in recorded {
            guard request["kind"] == .string("return"), request["reason"] == .string("no_reason") || request["reason"] == .string("changed_mind"),
                  case .string(let delivered)? = request["order"]?["delivered_at"], case .string(let requested)? = request["requested_at"],
                  case .string(let tier)? = request["customer"]?["tier"], case .string(let id)? = request["id"] else { continue }
            let vip = tier == "gold" || tier == "diamond"
            let days = zone.calendarDays(from: try Timestamp.parse(delivered), to: try Timestamp.parse(requested))
            var approvedByWindow = false
            if case .array(let lines)? = decision["lines"] {
                for line in lines {
                    if case .array(let codes)? = line["reasons"], codes.contains(.string("SEVEN_DAY_NO_REASON")) { approvedByWindow = true }
                }
            }
            if !vip || (days == 7 && approvedByWindow) { affected.append(id) }
        }
        #expect(!affected.isEmpty, "the workload clusters around day 7")
        #expect(output.text.contains("decision logs: 400 decisions replayed, \(400 - affected.count) same, \(affected.count) different"), "\(output.text.suffix(300))")
        for id in affected { #expect(output.text.contains(" \(id):"), "\(id) is reported") }
    }

    /// A copy of Rules/cn with `parameters.yaml` edited.
    func policyCopy(in directory: URL, edit: (String) -> String) throws -> Policy {
        let copy = directory.appendingPathComponent("cn")
        try FileManager.default.copyItem(atPath: Repository.path("Rules/cn"), toPath: copy.path)
        let parameters = copy.appendingPathComponent("parameters.yaml").path
        let text = try String(contentsOfFile: parameters, encoding: .utf8)
        let edited = edit(text)
        #expect(edited != text, "the edit applies")
        try edited.write(toFile: parameters, atomically: true, encoding: .utf8)
        guard case .success(let policy) = PolicyLocator.loadUsablePolicy(at: copy.path) else {
            throw FixtureError(message: "the edited copy does not load")
        }
        return policy
    }
}
