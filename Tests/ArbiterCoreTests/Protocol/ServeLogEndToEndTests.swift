import Crypto
import Foundation
import Testing
@testable import ArbiterCore

/// `arbiter serve --log FILE` as callers and auditors use it: the real binary under load, killed
/// and restarted, rotating, locked.
@Suite(.serialized) struct ServeLogEndToEndTests {
    /// The records of a log file (every line after the header), parsed.
    static func records(_ folder: LogFolder, _ name: String = "decisions.log") throws -> [JSONValue] {
        try folder.lines(name).dropFirst().map { try JSONReader.parse($0) }
    }

    /// Every answer the caller received is the decision of the record at the same place.
    static func expectAnswersLogged(_ answers: [[UInt8]], in records: [JSONValue], firstSeq: Int = 1) throws {
        try #require(records.count >= answers.count)
        for (index, answer) in answers.enumerated() {
            let record = records[index]
            #expect(record["seq"] == .number("\(firstSeq + index)"))
            #expect(try LogTestJSON.canonical(answer) == LogTestJSON.canonical(try #require(record["decision"])), "answer \(index + 1)")
        }
    }

    static func answers(_ run: ArbiterRun) -> [[UInt8]] {
        run.stdout.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    @Test func aLogWrittenUnderLoadWithMalformedLinesVerifiesAndHoldsEveryAnswer() throws {
        let folder = try LogFolder()
        defer { folder.remove() }
        let lines = try ServeEndToEndTests.workload(count: 1500, bad: 0.25)
        var input = Array((lines.joined(separator: "\n") + "\n\n  \n{\"op\":\"ping\"}\r\n{\"op\":\"reboot\"}\nnot json\r\n").utf8)
        input += [0x7b, 0x22, 0xff, 0x22, 0x7d, 0x0a]  // not UTF-8
        let run = try folder.serve(input)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let answers = Self.answers(run)
        #expect(answers.count == lines.count + 4)
        let records = try Self.records(folder)
        #expect(records.count == answers.count)
        try Self.expectAnswersLogged(answers, in: records)
        let verified = LogCommandRunner.verify(paths: [folder.path("decisions.log")], anchor: nil)
        #expect(verified.status == .success, "\(verified.text)")
        // Valid JSON is kept as the request; the rest as raw text or base64, by input line.
        #expect(records[1500]["request"] == .object([JSONMember(key: "op", value: .string("ping"))]))
        #expect(records[1500]["input_line"] == .number("1503"))
        #expect(records[1502]["raw"] == .string("not json"))
        #expect(records[1502]["request"] == .null)
        #expect(records[1503]["raw"] == .null)
        #expect(records[1503]["raw_b64"] == .string(Data([0x7b, 0x22, 0xff, 0x22, 0x7d]).base64EncodedString()))
    }

    @Test func tooLargeLinesAreRecordedByLengthAndDigest() throws {
        let folder = try LogFolder()
        defer { folder.remove() }
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: 300_000)
        let short = [UInt8](repeating: UInt8(ascii: "b"), count: 150)
        let input = long + Array("\r\n".utf8) + short + [0x0a] + Array("{\"op\":\"ping\"}\n".utf8)
        let run = try folder.serve(input, ["--max-line-bytes", "100"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let records = try Self.records(folder)
        try #require(records.count == 3)
        #expect(records[0]["raw_bytes"] == .number("300000"))
        #expect(records[0]["raw_sha256"] == .string("sha256:" + SHA256.hash(data: long).map { String(format: "%02x", $0) }.joined()))
        #expect(records[0]["raw"] == .null && records[0]["request"] == .null)
        #expect(records[1]["raw_bytes"] == .number("150"))
        #expect(records[1]["raw_sha256"] == .string("sha256:" + SHA256.hash(data: short).map { String(format: "%02x", $0) }.joined()))
        #expect(LogCommandRunner.verify(paths: [folder.path("decisions.log")], anchor: nil).status == .success)
    }

    @Test func killedMidStreamAndRestartedTheChainContinues() throws {
        let folder = try LogFolder()
        defer { folder.remove() }
        // The feeding thread writes on after the kill: a closed pipe must not end the test run.
        signal(SIGPIPE, SIG_IGN)
        let lines = try ServeEndToEndTests.workload(count: 4000, bad: 0.1, seed: 5)
        let process = Process()
        process.executableURL = Repository.binary
        process.arguments = ["serve", "--rules", Repository.path("Rules/cn"), "--audit", "summary", "--log", folder.path("decisions.log")]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread {
            for line in lines { try? input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8)) }
        }.start()
        // Read about half the answers, then kill it mid-stream.
        var received = Data()
        var newlines = 0
        while newlines < 1500 {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            newlines += chunk.count(where: { $0 == 0x0a })
            received.append(chunk)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let answers = [UInt8](received).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map(Array.init)
        // Only whole answers count as received.
        let whole = received.last == 0x0a ? answers : Array(answers.dropLast())
        // A torn tail, as if the kill had come mid-write.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path("decisions.log")))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"at\":\"2026-11-".utf8))
        try handle.close()
        let restarted = try folder.serve(Array((lines.prefix(20).joined(separator: "\n") + "\n").utf8))
        #expect(restarted.status == 0)
        #expect(restarted.stderr.contains("torn last line"), "\(restarted.stderr)")
        let records = try Self.records(folder)
        try Self.expectAnswersLogged(whole, in: records)
        let verified = LogCommandRunner.verify(paths: [folder.path("decisions.log")], anchor: nil)
        #expect(verified.status == .success, "\(verified.text)")
        // The restart's answers are the last records, their seq continuing.
        try Self.expectAnswersLogged(Self.answers(restarted), in: Array(records.suffix(20)), firstSeq: records.count - 19)
    }

    @Test func rotatedFilesVerifyInOrderAndFailOutOfOrder() throws {
        let folder = try LogFolder()
        defer { folder.remove() }
        let lines = try ServeEndToEndTests.workload(count: 150, bad: 0.2, seed: 9)
        for part in [lines.prefix(75), lines.suffix(75)] {
            let run = try folder.serve(Array((part.joined(separator: "\n") + "\n").utf8), ["--log-max-bytes", "40000"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let rotated = LogFiles.rotatedNumbers(of: folder.path("decisions.log"))
        #expect(rotated.count >= 3)
        #expect(rotated == Array(1...rotated.count))
        let inOrder = rotated.map { "decisions.log.\($0)" } + ["decisions.log"]
        let verified = LogCommandRunner.verify(paths: inOrder.map(folder.path), anchor: nil)
        #expect(verified.status == .success, "\(verified.text)")
        // `--rotated` finds the same files from the current one, whatever else is in the folder
        // (the lock file; a shell glob would also sort `.10` before `.2`).
        #expect(FileManager.default.fileExists(atPath: folder.path("decisions.log.lock")))
        #expect(LogCommandRunner.verify(paths: [folder.path("decisions.log")], anchor: nil, withRotated: true).text == verified.text)
        // Through a symbolic link to the current file too: its rotated files are found beside
        // the file it leads to, where serve put them (not beside the link, where none are).
        try FileManager.default.createSymbolicLink(atPath: folder.path("current.log"), withDestinationPath: folder.path("decisions.log"))
        let throughLink = LogCommandRunner.verify(paths: [folder.path("current.log")], anchor: nil, withRotated: true)
        #expect(throughLink.status == .success, "\(throughLink.text)")
        #expect(throughLink.text == verified.text, "\(throughLink.text)")
        #expect(throughLink.text.hasPrefix("\(rotated.count + 1) files,"), "\(throughLink.text)")
        var seq = 0
        for name in inOrder {
            for record in try Self.records(folder, name) {
                seq += 1
                #expect(record["seq"] == .number("\(seq)"))
            }
        }
        #expect(seq == 150)
        var swapped = inOrder
        swapped.swapAt(0, 1)
        let outOfOrder = LogCommandRunner.verify(paths: swapped.map(folder.path), anchor: nil)
        #expect(outOfOrder.status == .failure)
        #expect(outOfOrder.text.hasPrefix("\(folder.path("decisions.log.1")):1: rotated files out of order"), "\(outOfOrder.text)")

        // A record deleted from the first file and one edited in the last: each file reports its
        // own first problem, and the intact files between them none.
        var first = try folder.lines(inOrder[0])
        first.remove(at: 4)
        try folder.write(inOrder[0], lines: first)
        let lastName = inOrder[inOrder.count - 1]
        var last = try folder.lines(lastName)
        #expect(last.count >= 3)
        last[2] = Array(String(decoding: last[2], as: UTF8.self).replacingOccurrences(of: "\"input_line\":", with: "\"input_line\":1").utf8)
        try folder.write(lastName, lines: last)
        let damaged = LogCommandRunner.verify(paths: inOrder.map(folder.path), anchor: nil)
        let reported = damaged.text.split(separator: "\n").filter { $0.hasPrefix(folder.path("")) }
        #expect(reported.count == 2, "\(damaged.text)")
        #expect(reported.first?.hasPrefix("\(folder.path(inOrder[0])):5: seq gap") == true, "\(damaged.text)")
        #expect(reported.last?.hasPrefix("\(folder.path(lastName)):3: hash mismatch") == true, "\(damaged.text)")
        // `--rotated` names the rotated files as the current file was given (it is no link).
        let fromCurrent = LogCommandRunner.verify(paths: [folder.path("decisions.log")], anchor: nil, withRotated: true)
        #expect(fromCurrent.text == damaged.text, "\(fromCurrent.text)")
    }

    @Test func aHeldLockOrADamagedLogStopsServe() throws {
        let folder = try LogFolder()
        defer { folder.remove() }
        let lock = open(folder.path("decisions.log.lock"), O_RDWR | O_CREAT, 0o644)
        #expect(flock(lock, LOCK_EX | LOCK_NB) == 0)
        let locked = try folder.serve(Array("{\"op\":\"ping\"}\n".utf8))
        #expect(locked.status == 2)
        #expect(locked.stderr.contains("in use by another process"))
        // The same log reached through a link to its folder or to the file is the same lock.
        try FileManager.default.createSymbolicLink(atPath: folder.path("alias"), withDestinationPath: folder.url.path)
        #expect(try folder.serve(Array("{\"op\":\"ping\"}\n".utf8), log: "alias/decisions.log").status == 2)
        try FileManager.default.createSymbolicLink(atPath: folder.path("link.log"), withDestinationPath: folder.path("decisions.log"))
        #expect(try folder.serve(Array("{\"op\":\"ping\"}\n".utf8), log: "link.log").status == 2)
        close(lock)
        #expect(try folder.serve(Array("{\"op\":\"ping\"}\n{\"op\":\"ping\"}\n".utf8)).status == 0)
        var lines = try folder.lines("decisions.log")
        lines[1][5] ^= 0x01
        try folder.write("decisions.log", lines: lines)
        let damaged = try folder.serve(Array("{\"op\":\"ping\"}\n".utf8))
        #expect(damaged.status == 2)
        #expect(damaged.stderr.contains("decisions.log:2: "), "\(damaged.stderr)")
    }

    /// serve does not make folders: a log in one that does not exist is refused in those terms
    /// (it said "cannot open the lock: no such file or directory", naming the lock file).
    @Test func aLogInAMissingFolderIsRefusedSayingSo() throws {
        let folder = try LogFolder()
        defer { folder.remove() }
        let run = try folder.serve(Array("{\"op\":\"ping\"}\n".utf8), log: "missing/decisions.log")
        #expect(run.status == 2)
        #expect(run.stderr.contains("decisions.log: cannot create the log: its folder \(folder.path("missing")) does not exist"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        // Through a link, the folder named is the one the link leads into.
        try FileManager.default.createSymbolicLink(atPath: folder.path("current.log"), withDestinationPath: folder.path("nowhere/decisions.log"))
        let linked = try folder.serve(Array("{\"op\":\"ping\"}\n".utf8), log: "current.log")
        #expect(linked.status == 2)
        #expect(linked.stderr.contains("current.log: cannot create the log: its folder \(folder.path("nowhere")) does not exist"), "\(linked.stderr)")
    }

    @Test func anotherPolicyStartsANewFile() throws {
        let folder = try LogFolder()
        defer { folder.remove() }
        let pack = try TemporaryPack()
        defer { try? FileManager.default.removeItem(at: pack.directory) }
        #expect(try folder.serve(Array("{\"op\":\"ping\"}\n".utf8)).status == 0)
        try pack.edit("parameters.yaml", replacing: "value: 7", with: "value: 10")
        let changed = try folder.serve(Array("{\"op\":\"ping\"}\n".utf8), rules: pack.path)
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(changed.stderr.contains("kept as"), "\(changed.stderr)")
        let verified = LogCommandRunner.verify(paths: [folder.path("decisions.log.1"), folder.path("decisions.log")], anchor: nil)
        #expect(verified.status == .success, "\(verified.text)")
        #expect(try Self.records(folder).first?["seq"] == .number("2"))
    }
}
