import Foundation
import Testing
@testable import ArbiterCore

/// The serve loop in-process, on real file descriptors: threads and the output thread change
/// the speed, never the bytes; a caller that goes away ends the loop instead of hanging it.
@Suite(.serialized) struct ServeLoopTests {
    static func deciders(_ count: Int, audit: AuditLevel) -> [Decider] {
        (0..<count).map { _ in Decider(engines: EngineSet(lone: Engine(policy: Repository.cnPolicy)), audit: audit) }
    }

    /// Runs `loop` with `input` on a file and returns what it wrote to another file.
    static func serve(_ loop: ServeLoop, input: [UInt8]) throws -> (ok: Bool, output: [UInt8]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-loop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputPath = directory.appendingPathComponent("in.jsonl").path
        let outputPath = directory.appendingPathComponent("out.jsonl").path
        FileManager.default.createFile(atPath: inputPath, contents: Data(input))
        let inputDescriptor = open(inputPath, O_RDONLY)
        let outputDescriptor = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(inputDescriptor >= 0 && outputDescriptor >= 0)
        let ok = loop.run(input: inputDescriptor, output: outputDescriptor)
        close(inputDescriptor)
        close(outputDescriptor)
        return (ok, Array(try Data(contentsOf: URL(fileURLWithPath: outputPath))))
    }

    /// Enough lines (with malformed ones and blank ones) to fill several reads and split every
    /// batch between threads; the answers must be the one-thread answers, byte for byte.
    @Test(arguments: [AuditLevel.full, .summary])
    func threadsChangeSpeedNotBytes(audit: AuditLevel) throws {
        var lines = try ServeEndToEndTests.workload(count: 1200, bad: 0.2, seed: 11)
        lines.insert("", at: 100)
        lines.insert("{\"op\":\"ping\"}", at: 500)
        let input = Array((lines.joined(separator: "\n") + "\n").utf8)
        let single = try Self.serve(ServeLoop(deciders: Self.deciders(1, audit: audit)), input: input)
        let threaded = try Self.serve(ServeLoop(deciders: Self.deciders(3, audit: audit)), input: input)
        #expect(single.ok && threaded.ok)
        let answers = single.output.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        #expect(answers.count == lines.count - 1, "one answer per non-empty line")
        #expect(threaded.output == single.output)
        // In order: each decision is about the line at its position (it echoes that line's id).
        let requests = lines.filter { !$0.isEmpty }
        var decisions = 0
        for (index, answer) in answers.enumerated() {
            let decision = try JSONReader.parse(Array(answer))
            guard decision["outcome"] != nil else { continue }
            decisions += 1
            #expect(decision["id"] == (try JSONReader.parse(requests[index]))["id"], "answer \(index + 1)")
        }
        #expect(decisions > 800)
    }

    /// An embedder may hand the loop more deciders than `serve --threads` allows (64): the
    /// loop decides with the first 64 and gives the one-thread answers, byte for byte.
    @Test func moreDecidersThanThreadsGiveTheSameAnswers() throws {
        let lines = try ServeEndToEndTests.workload(count: 1500, bad: 0.1, seed: 3)
        let input = Array((lines.joined(separator: "\n") + "\n").utf8)
        let policy = Repository.cnPolicy
        let many = (0..<70).map { _ in Decider(engines: EngineSet(lone: Engine(policy: policy)), audit: .summary) }
        let single = try Self.serve(ServeLoop(deciders: Self.deciders(1, audit: .summary)), input: input)
        let threaded = try Self.serve(ServeLoop(deciders: many), input: input)
        #expect(single.ok && threaded.ok)
        #expect(threaded.output == single.output)
    }

    /// A line limit smaller than the loop's read size: a too-long line is answered where it
    /// stood, and the lines around it are decided normally.
    @Test func tooLargeLineKeepsItsPlace() throws {
        let lines = try ServeEndToEndTests.workload(count: 3, bad: 0, seed: 5)
        let huge = "{\"id\":\"big\",\"pad\":\"" + String(repeating: "x", count: 600_000) + "\"}"
        let input = Array((lines[0] + "\n" + huge + "\n" + lines[1] + "\n" + lines[2]).utf8)
        let run = try Self.serve(ServeLoop(deciders: Self.deciders(2, audit: .none), maxLineBytes: 100_000), input: input)
        let answers = try run.output.split(separator: UInt8(ascii: "\n")).map { try JSONReader.parse(Array($0)) }
        try #require(answers.count == 4)
        #expect(answers[0]["outcome"] != nil)
        #expect(answers[1]["error"]?["code"] == .string("too_large"))
        #expect(answers[1]["error"]?["line"] == .number("2"))
        #expect(answers[2]["outcome"] != nil)
        #expect(answers[3]["outcome"] != nil, "a last line without a newline is answered")
    }

    /// Runs `loop` on `input` written into a pipe `chunk` bytes at a time (reads see short pieces).
    static func servePiped(_ loop: ServeLoop, input: [UInt8], chunk: Int) throws -> [UInt8] {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        let writeEnd = fds[1]
        let writer = Thread {
            var offset = 0
            while offset < input.count {
                let count = min(chunk, input.count - offset)
                _ = input[offset..<(offset + count)].withUnsafeBytes { write(writeEnd, $0.baseAddress, count) }
                offset += count
            }
            close(writeEnd)
        }
        writer.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-pipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputPath = directory.appendingPathComponent("out.jsonl").path
        let outputDescriptor = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = loop.run(input: fds[0], output: outputDescriptor)
        close(fds[0])
        close(outputDescriptor)
        return Array(try Data(contentsOf: URL(fileURLWithPath: outputPath)))
    }

    /// A line over the limit gets the same answer however the input arrives (found by running
    /// serve on Spark partitions: kept whole or discarded as it streamed, the words differed).
    @Test func tooLargeAnswersDoNotDependOnHowTheInputIsRead() throws {
        let lines = try ServeEndToEndTests.workload(count: 60, bad: 0.1, seed: 9)
        var input = lines.joined(separator: "\r\n") + "\n" + String(repeating: " ", count: 900) + "\n"
        input += String(repeating: "y", count: 2_000)
        let bytes = Array(input.utf8)
        let loop = ServeLoop(deciders: Self.deciders(1, audit: .summary), maxLineBytes: 700)
        let fromFile = try Self.serve(loop, input: bytes).output
        #expect(String(decoding: fromFile, as: UTF8.self).contains("too_large"))
        for chunk in [1, 97, 4096] {
            #expect(try Self.servePiped(loop, input: bytes, chunk: chunk) == fromFile, "chunks of \(chunk) bytes")
        }
    }

    /// Issue 9: a limit of `Int.max` overflowed the loop's length test. Any limit a library
    /// caller passes is brought into the accepted range, and lines are answered.
    @Test(arguments: [Int.max, Int.min, 0, -1])
    func anyLineLimitIsSafe(limit: Int) throws {
        let run = try Self.serve(ServeLoop(deciders: Self.deciders(1, audit: .none), maxLineBytes: limit), input: Array("{\"op\":\"ping\"}\n".utf8))
        #expect(run.ok)
        let answers = try run.output.split(separator: UInt8(ascii: "\n")).map { try JSONReader.parse(Array($0)) }
        try #require(answers.count == 1)
        #expect(answers[0]["op"] == .string("pong") || answers[0]["error"]?["code"] == .string("too_large"), "\(limit)")
    }

    /// The caller closed its end of the pipe: writing fails (EPIPE, SIGPIPE ignored) and `run`
    /// returns false promptly instead of dying or blocking.
    @Test func closedOutputEndsTheLoop() throws {
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        close(descriptors[0])
        let lines = try ServeEndToEndTests.workload(count: 400, bad: 0, seed: 3)
        let input = Array((lines.joined(separator: "\n") + "\n").utf8)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-loop-\(UUID().uuidString).jsonl")
        FileManager.default.createFile(atPath: directory.path, contents: Data(input))
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputDescriptor = open(directory.path, O_RDONLY)
        defer { close(inputDescriptor) }
        let ok = ServeLoop(deciders: Self.deciders(2, audit: .full)).run(input: inputDescriptor, output: descriptors[1])
        close(descriptors[1])
        #expect(!ok)
    }

    /// An input that cannot be read is not an empty one: the loop says why it stopped (serve
    /// exits 2 with the reason) instead of ending as if the input had ended.
    @Test func unreadableInputIsReportedNotTakenForTheEnd() throws {
        let directory = open("/", O_RDONLY)
        defer { close(directory) }
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("serve-loop-\(UUID().uuidString).jsonl").path
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(output); try? FileManager.default.removeItem(atPath: outputPath) }
        let ending = ServeLoop(deciders: Self.deciders(1, audit: .none)).serve(input: directory, output: output)
        #expect(ending == .inputFailed("is a directory", bytesRead: 0))
        #expect(!ServeLoop(deciders: Self.deciders(1, audit: .none)).run(input: directory, output: output))

        let run = try ShellRun.bash("\"$ARBITER\" serve --rules '\(Repository.path("Rules"))' < /")
        #expect(run.status == 2)
        #expect(run.stderr == "arbiter: cannot read standard input: is a directory\n")
        #expect(run.stdout.isEmpty)

        // Standard input in non-blocking mode (inherited from a parent that shares the pipe)
        // has not ended when a read would block: the loop waits for the lines still to come.
        let nonBlocking = try ShellRun.bash("""
            python3 -c '
            import os, subprocess, sys, time
            read, write = os.pipe()
            os.set_blocking(read, False)
            serve = subprocess.Popen([os.environ["ARBITER"], "serve", "--rules", sys.argv[1]], stdin=read, stdout=subprocess.PIPE)
            os.close(read)
            time.sleep(0.5)
            os.write(write, b"{\\"op\\":\\"ping\\"}\\n")
            os.close(write)
            out = serve.stdout.read()
            sys.stdout.write(str(serve.wait()) + " " + str(out.count(b"pong")))
            ' '\(Repository.path("Rules"))'
            """)
        #expect(nonBlocking.stdout == "0 1", "\(nonBlocking.stdout) \(nonBlocking.stderr)")
    }

    /// A final `\r` is not part of the line, with or without the `\n` after it, whether the line
    /// over the limit was kept (short) or discarded as it streamed past (long).
    @Test(arguments: [20, 300_000])
    func aFinalCarriageReturnIsNotCountedInALineTooLarge(length: Int) throws {
        let line = Array(repeating: UInt8(ascii: "x"), count: length)
        var answers: [String] = []
        for ending in [[UInt8(ascii: "\r")], [UInt8(ascii: "\r"), UInt8(ascii: "\n")], []] {
            let run = try Self.serve(ServeLoop(deciders: Self.deciders(1, audit: .none), maxLineBytes: 16), input: line + ending)
            #expect(run.ok)
            answers.append(String(decoding: run.output, as: UTF8.self))
        }
        #expect(answers[0].contains("\"line is \(length) bytes; the limit is 16\""), "\(answers[0])")
        #expect(Set(answers).count == 1, "\(answers)")
    }

    // MARK: - Reading ahead while the crew decides

    /// The read ahead takes only input that is already there: it never waits (a caller may be
    /// waiting for the batch's answers before it writes more), it keeps the incomplete line in
    /// front of what it reads, it sees the end of the input, and it leaves a line already over
    /// the limit, and a failure, to the loop's own read.
    @Test func readAheadTakesOnlyWhatIsWaiting() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]) }
        var spare = [UInt8](repeating: 0, count: 64 * 1024)
        let tail = ArraySlice(Array("{\"id\":".utf8))
        #expect(ServeLoop.readAhead(from: fds[0], after: tail, into: &spare, maxLineBytes: 1000) == nil, "nothing written yet")

        let written = Array("\"r1\"}\n{\"op\":\"ping\"}\n".utf8)
        _ = written.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        #expect(ServeLoop.readAhead(from: fds[0], after: tail, into: &spare, maxLineBytes: 4) == nil, "a tail over the limit")
        let ahead = ServeLoop.readAhead(from: fds[0], after: tail, into: &spare, maxLineBytes: 1000)
        #expect(ahead == ServeLoop.ReadAhead(tail: tail.count, count: written.count))
        #expect(Array(spare[0..<(tail.count + written.count)]) == Array(tail) + written)

        close(fds[1])
        #expect(ServeLoop.readAhead(from: fds[0], after: [], into: &spare, maxLineBytes: 1000) == ServeLoop.ReadAhead(tail: 0, count: 0), "the end")
        var small = [UInt8](repeating: 0, count: 100)
        #expect(ServeLoop.readAhead(from: fds[0], after: [], into: &small, maxLineBytes: 1000) == nil, "too little room")
        #expect(ServeLoop.readAhead(from: -1, after: [], into: &spare, maxLineBytes: 1000) == nil, "a failure is the loop's to report")
    }

    /// A caller that writes a batch large enough for every thread, then waits for its answers
    /// before writing the next, gets them: the thread that reads ahead while the others decide
    /// does not wait for input.
    @Test func aCallerWaitingForALargeBatchGetsItsAnswers() throws {
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        try #require(pipe(&input) == 0 && pipe(&output) == 0)
        let loop = ServeLoop(deciders: Self.deciders(2, audit: .summary))
        let done = DispatchSemaphore(value: 0)
        let (requests, answers) = (input[0], output[1])
        let server = Thread {
            _ = loop.run(input: requests, output: answers)
            close(answers)
            done.signal()
        }
        server.start()
        defer {
            close(input[1])
            done.wait()
            close(input[0])
            close(output[0])
        }
        let lines = try ServeEndToEndTests.workload(count: 120, bad: 0.1, seed: 21)
        var received: [UInt8] = []
        for batch in stride(from: 0, to: lines.count, by: 40) {
            let bytes = Array((lines[batch..<(batch + 40)].joined(separator: "\n") + "\n").utf8)
            try #require(bytes.withUnsafeBytes { write(input[1], $0.baseAddress, $0.count) } == bytes.count)
            // Every answer of this batch, each wait at most ten seconds.
            while received.count(where: { $0 == UInt8(ascii: "\n") }) < batch + 40 {
                var readable = pollfd(fd: output[0], events: Int16(POLLIN), revents: 0)
                try #require(poll(&readable, 1, 10_000) == 1, "no answer to the batch from line \(batch + 1) within 10 s")
                var chunk = [UInt8](repeating: 0, count: 65_536)
                let count = chunk.withUnsafeMutableBytes { read(output[0], $0.baseAddress, $0.count) }
                try #require(count > 0)
                received += chunk[0..<count]
            }
        }
        let expected = try Self.serve(ServeLoop(deciders: Self.deciders(1, audit: .summary)), input: Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(received == expected.output)
    }

    /// Input that arrives through a pipe in pieces of every size, lines cut anywhere, read ahead
    /// or not: the answers of two threads are the answers of one from a file.
    @Test func piecesReadAheadGiveTheSameAnswers() throws {
        var lines = try ServeEndToEndTests.workload(count: 700, bad: 0.15, seed: 17)
        lines.insert(String(repeating: " ", count: 3), at: 350)
        let input = Array((lines.joined(separator: "\n") + "\n").utf8)
        let fromFile = try Self.serve(ServeLoop(deciders: Self.deciders(1, audit: .summary)), input: input).output
        for chunk in [1_000, 65_536, 300_000] {
            let piped = try Self.servePiped(ServeLoop(deciders: Self.deciders(2, audit: .summary)), input: input, chunk: chunk)
            #expect(piped == fromFile, "chunks of \(chunk) bytes")
        }
    }

    /// `serve` asks for a larger buffer for a pipe at either end (a 64 KiB pipe cut each batch's
    /// read to a quarter and woke the output thread and the caller many times a batch); a file is
    /// left as it is.
    @Test func aPipeGetsALargerBufferAFileDoesNot() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let size = try #require(PipeCapacity.enlarge(fds[1]))
        // What an unprivileged process may ask for (1 MiB unless the system says otherwise).
        let allowed = (try? String(contentsOfFile: "/proc/sys/fs/pipe-max-size", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? Int(PipeCapacity.requested)
        #expect(size >= min(Int(PipeCapacity.requested), allowed), "a pipe of \(size) bytes; \(allowed) allowed")
        #expect(PipeCapacity.enlarge(fds[0]) == size, "both ends are the same pipe")

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-capacity-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = open(path, O_RDONLY)
        defer { close(file) }
        #expect(PipeCapacity.enlarge(file) == nil)
    }
}
