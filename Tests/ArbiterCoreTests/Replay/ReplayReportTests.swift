import Foundation
import Testing
@testable import ArbiterCore

/// `replay --format json|junit` for CI systems, `replay --merge`, the failure of a fixture whose
/// request is invalid, and `--update` keeping a fixture's own style.
@Suite(.serialized) struct ReplayReportTests {
    static let workedExample = Repository.path("Fixtures/cn/spec-worked-example.yaml")

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-replay-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A fixture that fails, one that passes, and a log with one record edited so that it differs,
    /// one line that is not JSON, and a ping.
    func corpus(in directory: URL) throws -> (failing: String, passing: String, log: String) {
        let original = try String(contentsOfFile: Self.workedExample, encoding: .utf8)
        let failing = directory.appendingPathComponent("a-wrong-total.yaml").path
        try original.replacingOccurrences(of: "total: \"185.96\"", with: "total: \"185.95\"").write(toFile: failing, atomically: true, encoding: .utf8)
        let passing = directory.appendingPathComponent("b-worked-example.yaml").path
        try original.write(toFile: passing, atomically: true, encoding: .utf8)

        let handler = ProtocolHandler(engines: EngineSet(Repository.rulesSet), audit: .summary)
        var log = ""
        for (index, line) in try ServeEndToEndTests.workload(count: 30, bad: 0, seed: 3).enumerated() {
            var writer = JSONWriter(pretty: false)
            Array(line.utf8).withUnsafeBytes { handler.respond(to: $0, lineNumber: index + 1, into: &writer) }
            var decision = String(decoding: writer.bytes, as: UTF8.self)
            if index == 4 { decision = decision.replacingOccurrences(of: "\"outcome\":\"", with: "\"outcome\":\"x") }
            log += "{\"request\":\(line),\"decision\":\(decision)}\n"
            if index == 9 { log += "not json\n" }
        }
        let logPath = directory.appendingPathComponent("c-recorded.jsonl").path
        try log.write(toFile: logPath, atomically: true, encoding: .utf8)
        return (failing, passing, logPath)
    }

    @Test func jsonListsEveryFixtureAndLoggedDecisionWithWhereAndWhatDiffers() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try corpus(in: directory)
        let output = ReplayRunner(set: Repository.rulesSet).run(paths: [directory.path], format: .json)
        #expect(output.status == .failure)
        let report = try JSONReader.parse(Array(output.text.utf8))
        #expect(report["format"] == .string("arbiter-replay/1"))
        guard case .array(let results)? = report["results"] else { Issue.record("no results"); return }
        guard results.count == 2 + 30 + 1 else {
            Issue.record("two fixtures, 30 decisions and one unreadable line expected, got \(results.count) results")
            return
        }

        let failing = results[0]
        #expect(failing["kind"] == .string("fixture"))
        #expect(failing["source"] == .string(files.failing))
        #expect(failing["status"] == .string("different"))
        #expect(failing["name"] == .string("the worked example of SPEC sections 4–5"))
        let expectLine = try String(contentsOfFile: files.failing, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.hasPrefix("expect:") }.map { $0 + 1 }
        #expect(failing["line"] == expectLine.map { .number(String($0)) }, "the line of `expect:`")
        #expect(failing["differences"] == .array([.object([JSONMember(key: "path", value: .string("$.refund.total")),
                                                           JSONMember(key: "recorded", value: .string("\"185.95\"")),
                                                           JSONMember(key: "now", value: .string("\"185.96\""))])]))
        #expect(results[1]["status"] == .string("same"))

        let edited = results[2 + 4]
        #expect(edited["kind"] == .string("decision"))
        #expect(edited["status"] == .string("different"))
        #expect(edited["source"] == .string(files.log))
        #expect(edited["line"] == .number("5"))
        #expect(edited["id"] == edited["name"])
        guard case .array(let differences)? = edited["differences"] else { Issue.record("no differences"); return }
        #expect(differences.first?["path"] == .string("$.outcome"))
        let unreadable = results[2 + 10]
        #expect(unreadable["status"] == .string("error"))
        #expect(unreadable["line"] == .number("11"))
        #expect(unreadable["error"]?["message"].map { if case .string(let text) = $0 { text.hasPrefix("invalid JSON") } else { false } } == true)

        let summary = report["summary"]
        #expect(summary?["fixtures"]?["total"] == .number("2"))
        #expect(summary?["fixtures"]?["failed"] == .number("1"))
        #expect(summary?["decisions"]?["replayed"] == .number("30"))
        #expect(summary?["decisions"]?["different"] == .number("1"))
        #expect(summary?["decisions"]?["unreadable"] == .number("1"))
        #expect(summary?["differences_by_field"]?[at: 0]?["field"] == .string("$.outcome"))
        #expect(summary?["passed"] == .bool(false))
        #expect(report["logs"]?[at: 0]?["path"] == .string(files.log))
        #expect(report["logs"]?[at: 0]?["passed"] == .bool(false))
    }

    @Test func junitValidatesAgainstTheSchemaAndCarriesTheDifferences() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try corpus(in: directory)
        let empty = directory.appendingPathComponent("d-empty.jsonl").path
        try "{\"log\":\"arbiter-decisions\",\"format\":1}\n".write(toFile: empty, atomically: true, encoding: .utf8)
        let output = ReplayRunner(set: Repository.rulesSet).run(paths: [directory.path], format: .junit)
        #expect(output.status == .failure)
        let xml = directory.appendingPathComponent("report.xml")
        try output.text.write(to: xml, atomically: true, encoding: .utf8)
        let check = try Self.xmllint(["--noout", "--schema", Repository.path("Tests/ArbiterCoreTests/Golden/junit.xsd"), xml.path])
        #expect(check.status == 0, "xmllint: \(check.output)")

        #expect(output.text.contains("<testsuites name=\"arbiter replay\" tests=\"34\" failures=\"2\" errors=\"2\">"), "\(output.text.prefix(400))")
        #expect(output.text.contains("<testsuite name=\"fixtures\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\">"))
        #expect(output.text.contains("<testsuite name=\"\(files.log)\" tests=\"31\" failures=\"1\" errors=\"1\" skipped=\"0\">"))
        #expect(output.text.contains("<failure message=\"1 field differs\" type=\"different\">$.refund.total: expected &quot;185.95&quot;, actual &quot;185.96&quot;</failure>"))
        #expect(output.text.contains("file=\"\(files.log)\" line=\"5\">\n      <failure"), "the edited record fails at its line")
        #expect(output.text.contains("<error message=\"no decisions: an empty log proves nothing\""), "an empty log fails")
    }

    @Test func aFixtureWhoseRequestIsInvalidShowsTheErrorNotAbsentFields() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOfFile: Self.workedExample, encoding: .utf8)
        let path = directory.appendingPathComponent("invalid.yaml").path
        let broken = original.replacingOccurrences(of: "unit_price: \"199.00\"", with: "unit_price: \"199.0O\"")
        #expect(broken != original)
        try broken.write(toFile: path, atomically: true, encoding: .utf8)

        let output = ReplayRunner(set: Repository.rulesSet).run(paths: [path])
        #expect(output.status == .failure)
        #expect(output.text.contains("  the request is answered with an error: invalid_request at $.order.items[0].unit_price: "), "\(output.text)")
        #expect(!output.text.contains("(absent)"), "no field-by-field diff against an error answer")

        let json = try JSONReader.parse(Array(ReplayRunner(set: Repository.rulesSet).run(paths: [path], format: .json).text.utf8))
        #expect(json["results"]?[at: 0]?["status"] == .string("error"))
        #expect(json["results"]?[at: 0]?["error"]?["code"] == .string("invalid_request"))
        #expect(json["results"]?[at: 0]?["error"]?["path"] == .string("$.order.items[0].unit_price"))

        let updated = ReplayRunner(set: Repository.rulesSet).run(paths: [path], update: true)
        #expect(updated.text.contains("not updated: the request is answered with an error"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == broken, "an invalid request's expectation is not rewritten")
        #expect(updated.status == .failure)
    }

    /// Pieces of a log replayed apart by the binary (as Spark partitions are: stdin, named and
    /// numbered as the whole log), then merged with `replay --merge`, give the report of the whole.
    @Test func mergedPiecesOfALogGiveTheReportOfTheWhole() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try corpus(in: directory)
        let rules = Repository.path("Rules")
        let whole = try ArbiterRun.run(["replay", "--rules", rules, "--format", "json", files.log])
        #expect(whole.status == 1)
        let lines = try String(contentsOfFile: files.log, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var parts: [String] = []
        for (index, (start, end)) in [(0, 3), (3, 3), (3, 12), (12, lines.count)].enumerated() {
            let piece = lines[start..<end].joined(separator: "\n") + (end < lines.count ? "\n" : "")
            let run = try ArbiterRun.run(["replay", "--rules", rules, "--format", "json", "--stdin-name", files.log,
                                          "--stdin-first-line", String(start + 1), "-"], stdin: Array(piece.utf8))
            #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
            let part = directory.appendingPathComponent("part-\(index).json").path
            try Data(run.stdout).write(to: URL(fileURLWithPath: part))
            parts.append(part)
        }
        let merged = try ArbiterRun.run(["replay", "--merge", "--format", "json"] + parts)
        #expect(merged.status == 1, "the edited record and the unreadable line fail the merged log")
        #expect(merged.stdoutText == whole.stdoutText, "merged:\n\(merged.stdoutText.suffix(800))\nwhole:\n\(whole.stdoutText.suffix(800))")
        let text = try ArbiterRun.run(["replay", "--merge"] + parts)
        #expect(text.stdoutText == (try ArbiterRun.run(["replay", "--rules", rules, files.log])).stdoutText)
        let refused = try ArbiterRun.run(["replay", "--merge", Self.workedExample])
        #expect(refused.status == 2 && refused.stderr.contains("not a replay report"), "\(refused.stderr)")
    }

    @Test func updateKeepsAYAMLFixturesFlowAndBlockStyles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("threshold.yaml").path
        let original = try String(contentsOfFile: Repository.path("Fixtures/cn/cancel-partial-below-threshold-claws-back.yaml"), encoding: .utf8)
        let broken = original.replacingOccurrences(of: "amount: \"-18.00\"", with: "amount: \"-17.00\"")
            .replacingOccurrences(of: "  outcome: approve\n", with: "  outcome: reject\n")
        #expect(broken != original)
        try broken.write(toFile: path, atomically: true, encoding: .utf8)
        let runner = ReplayRunner(set: Repository.rulesSet)
        #expect(runner.run(paths: [path], update: true).text.contains("updated: expectations rewritten"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == original, "the fixture is back to what it was, byte for byte")
        #expect(runner.run(paths: [path]).status == .success)
    }

    @Test func updateKeepsAWholeFlowExpectationAndAJSONFixturesLayout() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for fixture in ["Fixtures/eu/review-four-refunds-approved.yaml", "Fixtures/cn/invalid-money-json-number.json"] {
            let original = try String(contentsOfFile: Repository.path(fixture), encoding: .utf8)
            let path = directory.appendingPathComponent(URL(fileURLWithPath: fixture).lastPathComponent).path
            let broken = original.contains("invalid_request")
                ? original.replacingOccurrences(of: "\"code\": \"invalid_request\"", with: "\"code\": \"invalid_json\"")
                : original.replacingOccurrences(of: "outcome: approve}", with: "outcome: review}")
            #expect(broken != original, "\(fixture)")
            try broken.write(toFile: path, atomically: true, encoding: .utf8)
            let runner = ReplayRunner(set: Repository.rulesSet)
            #expect(runner.run(paths: [path], update: true).text.contains("updated: expectations rewritten"), "\(fixture)")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == original, "\(fixture) is back to what it was, byte for byte")
        }
    }

    @Test func newValuesAreQuotedWhenPlainWouldChangeThem() {
        #expect(YAMLWriter.isPlainSafe("approve"))
        #expect(YAMLWriter.isPlainSafe("cn.settlement.threshold-clawback"))
        for text in ["185.96", "true", "null", "no", "", "$.order.items[0]", "2026-11-08T23:59:59+08:00", "a: b", "-1", "x#y"] {
            #expect(!YAMLWriter.isPlainSafe(text), "\(text)")
        }
        let writer = YAMLWriter(source: [])
        let value = JSONValue.object([JSONMember(key: "refund", value: .string("185.96")), JSONMember(key: "codes", value: .array([.string("A"), .string("no")]))])
        let yaml = "expect:" + writer.value(value, original: nil, indent: 0) + "\n"
        #expect(yaml == "expect:\n  refund: \"185.96\"\n  codes: [A, \"no\"]\n")
        guard let node = try? YAMLLoader.load(text: yaml, file: "t.yaml"), case .mapping(let mapping) = node else {
            Issue.record("does not read back")
            return
        }
        #expect(mapping["expect"]?.value.jsonValue == value, "reads back as the same values")
    }

    static func xmllint(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xmllint"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

extension JSONValue {
    /// The element at `index` of an array.
    subscript(at index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
