import Foundation
import Testing
@testable import ArbiterCore

/// What a serve log records for input lines that were not JSON (`request: null`, the line in
/// `raw`, `raw_b64` or `raw_bytes`) is replayed too, and folders of logs are read by content
/// (docs/interpretations.md items 68 and 96): a log whose chain was rewritten cannot hide a
/// forged answer in such a record, nor in a file with an unusual name.
@Suite(.serialized) struct UnparsedRecordReplayTests {
    static let runner = ReplayRunner(policy: Repository.cnPolicy)

    /// A serve log of a few requests, a line that is not JSON, one that is not UTF-8 and one
    /// over the line limit, in a fresh folder.
    static func servedLog() throws -> (LogFolder, [[UInt8]]) {
        let folder = try LogFolder()
        let requests = try ServeEndToEndTests.workload(count: 6, bad: 0, seed: 3)
        // `null` is JSON: recorded as a null request with nothing kept of the line.
        var input = Array((requests.joined(separator: "\n") + "\nnot json\nnull\n").utf8)
        input += [0x78, 0xFF, 0x0A]  // "x\xFF": not UTF-8
        input += Array(("{\"id\":\"" + String(repeating: "a", count: 3_000) + "\"}\n").utf8)
        let run = try folder.serve(input, ["--max-line-bytes", "2000"])
        #expect(run.status == 0, "\(run.stderr)")
        return (folder, try folder.lines("decisions.log"))
    }

    static func object(_ line: [UInt8]) throws -> [JSONMember] {
        guard case .object(let members) = try JSONReader.parse(line) else { throw LogFileError(path: nil, reason: "not an object") }
        return members
    }

    static func line(_ members: [JSONMember]) -> [UInt8] { Array(JSONValue.object(members).serialized(pretty: false).utf8) }

    static func setting(_ members: [JSONMember], _ key: String, _ value: JSONValue) -> [JSONMember] {
        members.contains { $0.key == key } ? members.map { $0.key == key ? JSONMember(key: key, value: value) : $0 } : members + [JSONMember(key: key, value: value)]
    }

    /// Replays `lines` written as `name` in `folder`.
    static func replay(_ folder: LogFolder, _ lines: [[UInt8]], name: String = "edited.log") throws -> ReplayRunner.Output {
        try folder.write(name, lines: lines)
        return Self.runner.run(paths: [folder.path(name)])
    }

    @Test func linesThatWereNotJSONAreAnsweredAgainAndCompared() throws {
        let (folder, lines) = try Self.servedLog()
        defer { folder.remove() }
        let intact = Self.runner.run(paths: [folder.path("decisions.log")])
        #expect(intact.status == .success, "\(intact.text)")
        // Six requests and the four lines that were not requests, all compared.
        #expect(intact.text.contains("10 decisions replayed, 10 same"), "\(intact.text)")
        #expect(LogCommandRunner.verify(paths: [folder.path("decisions.log")], anchor: nil).status == .success)
        // A restart on it continues the chain (a `null` line once made the log look damaged).
        let restarted = try folder.serve(Array("null\n".utf8))
        #expect(restarted.status == 0, "\(restarted.stderr)")

        let records = try lines.map(Self.object)
        let garbage = try #require(records.firstIndex { $0.contains { $0.key == "raw" && $0.value == .string("not json") } })
        let approved = try #require(records.firstIndex { record in
            record.contains { $0.key == "decision" && $0.value["outcome"] != nil }
        })
        let approval = try #require(records[approved].first { $0.key == "decision" }?.value)

        // The line that was not JSON recorded as answered with a decision (and its refund).
        var forged = lines
        forged[garbage] = Self.line(Self.setting(records[garbage], "decision", approval))
        var output = try Self.replay(folder, forged)
        #expect(output.status == .failure)
        #expect(output.text.contains("1 different"), "\(output.text)")

        // Its error code changed.
        var changed = records[garbage]
        let decision = try #require(changed.first { $0.key == "decision" }?.value)
        guard case .object(var answer) = decision, case .object(var error)? = decision["error"] else { Issue.record("no error"); return }
        error = error.map { $0.key == "code" ? JSONMember(key: "code", value: .string("internal")) : $0 }
        answer = answer.map { $0.key == "error" ? JSONMember(key: "error", value: .object(error)) : $0 }
        changed = Self.setting(changed, "decision", .object(answer))
        forged = lines
        forged[garbage] = Self.line(changed)
        output = try Self.replay(folder, forged)
        #expect(output.status == .failure)
        #expect(output.text.contains("$.error.code"), "\(output.text)")

        // A decision whose request was taken out (raw left null), or moved into `raw`.
        let request = try #require(records[approved].first { $0.key == "request" }?.value)
        for (edited, why) in [
            // Taken out, it reads as the line `null`, which is not what was decided.
            (Self.setting(records[approved], "request", .null), "$.error"),
            (Self.setting(Self.setting(records[approved], "request", .null), "raw", .string(request.serialized(pretty: false))), "holds a line that is JSON"),
        ] {
            forged = lines
            forged[approved] = Self.line(edited)
            output = try Self.replay(folder, forged)
            #expect(output.status == .failure)
            #expect(output.text.contains(why), "\(output.text)")
        }

        // The line over the limit recorded as anything but too_large.
        let large = try #require(records.firstIndex { $0.contains { $0.key == "raw_bytes" } })
        forged = lines
        forged[large] = Self.line(Self.setting(records[large], "decision", approval))
        output = try Self.replay(folder, forged)
        #expect(output.status == .failure)
        #expect(output.text.contains("too_large"), "\(output.text)")

        // A plain decision log cannot record a null request either.
        output = try Self.replay(folder, [Self.line([JSONMember(key: "request", value: .null), JSONMember(key: "decision", value: approval)])], name: "plain.jsonl")
        #expect(output.status == .failure)
    }

    @Test func verifyWantsOneWayOfKeepingALine() throws {
        let (folder, lines) = try Self.servedLog()
        defer { folder.remove() }
        // The last record (the line over the limit) keeping its line as text too, hashed again:
        // the chain holds, but serve keeps a line one way only.
        var members = try Self.object(lines[lines.count - 1]).filter { $0.key != "hash" }
        members = Self.setting(members, "raw", .string("{}"))
        var hasher = TooLargeLine()
        try LogTestJSON.canonical(JSONValue.object(members)).withUnsafeBytes { hasher.absorb($0) }
        members.append(JSONMember(key: "hash", value: .string(hasher.finish().digest.auditText)))
        var forged = lines
        forged[lines.count - 1] = try LogTestJSON.canonical(JSONValue.object(members))
        try folder.write("forged.log", lines: forged)
        let output = LogCommandRunner.verify(paths: [folder.path("forged.log")], anchor: nil)
        #expect(output.status == .failure)
        #expect(output.text.contains("forged.log:\(lines.count): a record keeps its line in one of 'raw', 'raw_b64' or 'raw_bytes', not several"), "\(output.text)")
    }

    @Test func aFolderOfLogsIsReadByContent() throws {
        let (folder, lines) = try Self.servedLog()
        defer { folder.remove() }
        let logs = try LogFolder()
        defer { logs.remove() }
        // A rotated log's name, a log a Windows editor saved with a byte order mark, a note that
        // is neither, and a folder linked from elsewhere (named, not followed).
        try logs.write("decisions.log.1", lines: lines)
        try logs.write("saved.txt", lines: [[0xEF, 0xBB, 0xBF] + lines[0]] + lines.dropFirst())
        try logs.write("notes.md", lines: [Array("# October".utf8)])
        try FileManager.default.createSymbolicLink(atPath: logs.path("elsewhere"), withDestinationPath: folder.url.path)
        let scan = FixtureLoader.scan(logs.url.path)
        #expect(scan.files == [logs.path("decisions.log.1"), logs.path("saved.txt")])
        #expect(scan.skipped.map(\.path) == [logs.path("elsewhere"), logs.path("notes.md")])
        // `diff` tells the same file by the same test.
        #expect(([0xEF, 0xBB, 0xBF] + lines[0]).withUnsafeBytes { DiffInputFormat.detect(firstLine: $0) } == .serveLog)
        // A link to the folder, given as the argument, is read through.
        try FileManager.default.createSymbolicLink(atPath: folder.path("logs-link"), withDestinationPath: logs.url.path)
        #expect(FixtureLoader.scan(folder.path("logs-link")).files == [folder.path("logs-link/decisions.log.1"), folder.path("logs-link/saved.txt")])
        try FileManager.default.removeItem(atPath: logs.path("saved.txt"))
        #expect(Self.runner.run(paths: [logs.url.path]).status == .success)

        // The same log with one refund changed: read, and a difference.
        let records = try lines.map(Self.object)
        let approved = try #require(records.firstIndex { record in
            record.contains { $0.key == "decision" && $0.value["outcome"] != nil }
        })
        guard case .object(var decision)? = records[approved].first(where: { $0.key == "decision" })?.value else { Issue.record("no decision"); return }
        decision = decision.map { $0.key == "outcome" ? JSONMember(key: "outcome", value: .string($0.value == .string("review") ? "approve" : "review")) : $0 }
        var forged = lines
        forged[approved] = Self.line(Self.setting(records[approved], "decision", .object(decision)))
        try logs.write("decisions.log", lines: forged)
        let output = Self.runner.run(paths: [logs.url.path])
        #expect(output.status == .failure)
        #expect(output.text.contains("$.outcome"), "\(output.text)")
    }
}
