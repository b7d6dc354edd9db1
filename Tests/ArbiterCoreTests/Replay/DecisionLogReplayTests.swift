import Foundation
import Testing
@testable import ArbiterCore

/// Replaying decision logs (SPEC section 10): serve logs and plain `{request, decision}` lines,
/// told apart by content; a recorded decision is compared field by field both ways (an empty
/// or missing field is a difference), error answers by code and path, the input digest against
/// the request; an empty log proves nothing.
@Suite struct DecisionLogReplayTests {
    static let runner = ReplayRunner(policy: Repository.cnPolicy)

    /// Writes `lines` to a temporary file named `name` and replays it.
    static func replay(_ lines: [String], name: String = "decisions.txt") throws -> ReplayRunner.Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(name).path
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        return runner.run(paths: [path])
    }

    /// `{"request": …, "decision": …}` lines for generated requests, as `serve --audit summary` answers them.
    static func recorded(count: Int, bad: Double = 0) throws -> [(request: JSONValue, decision: JSONValue)] {
        let handler = ProtocolHandler(engine: Engine(policy: Repository.cnPolicy), audit: .summary)
        return try ServeEndToEndTests.workload(count: count, bad: bad, seed: 11).compactMap { line in
            guard let request = try? JSONReader.parse(Array(line.utf8)) else { return nil }
            var writer = JSONWriter(pretty: false)
            Array(line.utf8).withUnsafeBytes { handler.respond(to: $0, lineNumber: 1, into: &writer) }
            return (request, try JSONReader.parse(writer.bytes))
        }
    }

    static func line(_ request: JSONValue, _ decision: JSONValue) -> String {
        JSONValue.object([JSONMember(key: "request", value: request), JSONMember(key: "decision", value: decision)]).serialized(pretty: false)
    }

    @Test func aLogOfAnyNameIsRecognisedByItsContentAndReplays() throws {
        let records = try Self.recorded(count: 300, bad: 0.2)
        let output = try Self.replay(records.map { Self.line($0.request, $0.decision) }, name: "october.txt")
        #expect(output.status == .success, "\(output.text)")
        #expect(output.text.contains("SAME"), "\(output.text)")
        #expect(output.text.contains("\(records.count) decisions replayed, \(records.count) same"))
    }

    @Test func errorAnswersAreComparedByCodeAndPathNotByLine() throws {
        let records = try Self.recorded(count: 400, bad: 0.3).filter { $0.decision["error"] != nil }
        try #require(!records.isEmpty)
        let moved = records.map { record -> String in
            var decision = record.decision
            if case .object(var members) = decision, let index = members.firstIndex(where: { $0.key == "error" }),
               case .object(var error) = members[index].value {
                error = error.map { $0.key == "line" ? JSONMember(key: "line", value: .number("1932")) : $0 }
                members[index] = JSONMember(key: "error", value: .object(error))
                decision = .object(members)
            }
            return Self.line(record.request, decision)
        }
        #expect(try Self.replay(moved).status == .success)
    }

    @Test func emptiedFieldsAndEditedRequestsAreDifferences() throws {
        let records = try Self.recorded(count: 40).filter { $0.decision["lines"] != nil }
        try #require(records.count >= 3)
        func replace(_ value: JSONValue, _ key: String, with replacement: JSONValue) -> JSONValue {
            guard case .object(let members) = value else { return value }
            return .object(members.map { $0.key == key ? JSONMember(key: key, value: replacement) : $0 })
        }
        let emptyLine = Self.line(records[0].request, replace(records[0].decision, "lines", with: .array([.object([])])))
        let emptyRefund = Self.line(records[1].request, replace(records[1].decision, "refund", with: .object([])))
        let edited = Self.line(replace(records[2].request, "requested_at", with: .string("2026-12-31T10:00:00+08:00")), records[2].decision)
        let output = try Self.replay([emptyLine, emptyRefund, edited])
        #expect(output.status == .failure)
        #expect(output.text.contains("3 different"), "\(output.text)")
        #expect(output.text.contains("$.lines: recorded [{}]") || output.text.contains("$.lines[0].verdict: recorded (absent)"), "\(output.text)")
        #expect(output.text.contains("$.refund.total: recorded (absent)"))
        #expect(output.text.contains("$.audit.input_digest"))
        #expect(output.text.contains("differences by field:"))
    }

    /// What is skipped follows the request, not the answer: a decision replaced by a pong or by
    /// an `unsupported_op` error is a difference, while a real ping stays skipped.
    @Test func aDecisionRecordedAsAPongOrUnsupportedOpIsADifference() throws {
        let records = try Self.recorded(count: 20).filter { $0.decision["lines"] != nil }
        try #require(records.count >= 2)
        let pong = try JSONReader.parse(Array(#"{"op":"pong","policy":{"name":"cn","version":"2026.11","digest":"sha256:0"}}"#.utf8))
        let unsupported = try JSONReader.parse(Array(#"{"error":{"code":"unsupported_op","message":"unsupported op","path":"$.op","line":1},"id":null}"#.utf8))
        let ping = try JSONReader.parse(Array(#"{"op":"ping"}"#.utf8))
        let output = try Self.replay([
            Self.line(records[0].request, pong), Self.line(records[1].request, unsupported), Self.line(ping, pong),
        ])
        #expect(output.status == .failure)
        #expect(output.text.contains("2 decisions replayed, 0 same, 2 different"), "\(output.text)")
        #expect(output.text.contains("1 not requests"), "\(output.text)")
    }

    @Test func anEmptyLogIsAnError() throws {
        let output = try Self.replay([], name: "empty.jsonl")
        #expect(output.status == .failure)
        #expect(output.text.contains("empty log"))
    }

    @Test func aServeLogReplaysItsRequestsAndSkipsWhatWasNotOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-servelog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("decisions").path
        let input = try ServeEndToEndTests.workload(count: 200, bad: 0.2, seed: 5).joined(separator: "\n") + "\n{\"op\":\"ping\"}\nnot json\n"
        let run = try ArbiterRun.run(["serve", "--rules", Repository.path("Rules/cn"), "--audit", "summary", "--log", log], stdin: Array(input.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let output = Self.runner.run(paths: [log])
        #expect(output.status == .success, "\(output.text)")
        #expect(output.text.contains("SAME"))
        #expect(output.text.contains("not requests"), "the header, the ping and the line that was not JSON are skipped")
    }

    /// A serve log keeps a request's fields sorted (canonical JSON), not in the order they were
    /// written: a request with two bad fields, answered with the first one written, replays as
    /// the same when deciding it with that field first gives the recorded error — and still as
    /// different when the recorded path is not an error of the request (interpretations, 93).
    @Test func anInvalidRequestLoggedInSortedOrderReplaysWithItsRecordedError() throws {
        let line = try #require(ServeEndToEndTests.workload(count: 20, bad: 0, seed: 11).first { $0.contains("\"condition\"") })
        guard case .object(var members) = try JSONReader.parse(Array(line.utf8)) else { throw Failure("not an object") }
        func set(_ key: String, _ value: JSONValue) { members = members.map { $0.key == key ? JSONMember(key: key, value: value) : $0 } }
        set("reason", .string("bogus"))
        guard case .array(var lines)? = JSONValue.object(members)["lines"], case .object(let first) = lines[0] else { throw Failure("no lines") }
        lines[0] = .object(first.map { $0.key == "condition" ? JSONMember(key: "condition", value: .string("bogus")) : $0 })
        set("lines", .array(lines))
        let written = JSONValue.object(members)
        let handler = ProtocolHandler(engine: Engine(policy: Repository.cnPolicy), audit: .summary)
        var writer = JSONWriter(pretty: false)
        Array(written.serialized(pretty: false).utf8).withUnsafeBytes { handler.respond(to: $0, lineNumber: 1, into: &writer) }
        let answered = try JSONReader.parse(writer.bytes)
        #expect(answered["error"]?["path"] == .string("$.reason"))
        // As the log holds it: keys sorted, so `lines` comes before `reason`.
        let logged = try JSONReader.parse(written.canonicalBytes())
        let same = try Self.replay([Self.line(logged, answered)])
        #expect(same.status == .success, "\(same.text)")

        var elsewhere = answered
        if case .object(var decision) = elsewhere, let index = decision.firstIndex(where: { $0.key == "error" }), case .object(let error) = decision[index].value {
            decision[index] = JSONMember(key: "error", value: .object(error.map { $0.key == "path" ? JSONMember(key: "path", value: .string("$.customer.tier")) : $0 }))
            elsewhere = .object(decision)
        }
        let different = try Self.replay([Self.line(logged, elsewhere)])
        #expect(different.status == .failure)
        #expect(different.text.contains("$.error.path"), "\(different.text)")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
