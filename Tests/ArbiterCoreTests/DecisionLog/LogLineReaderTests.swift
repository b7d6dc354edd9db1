import Foundation
import Testing
@testable import ArbiterCore

/// Reading a log keeps at most one line, and never one that is not a record: a line longer than
/// the limit, or holding a NUL byte (what a crash can leave at the end of a file), is read
/// through without being kept.
@Suite struct LogLineReaderTests {
    /// Every line of `bytes` read with small reads and a small limit.
    static func lines(_ bytes: [UInt8], limit: Int = 64, chunk: Int = 16) throws -> [(text: String, length: Int, terminated: Bool, dropped: LogLineReader.Dropped?)] {
        let folder = try LogFolder()
        defer { folder.remove() }
        try Data(bytes).write(to: URL(fileURLWithPath: folder.path("file")))
        let descriptor = open(folder.path("file"), O_RDONLY)
        defer { close(descriptor) }
        var found: [(String, Int, Bool, LogLineReader.Dropped?)] = []
        try LogLineReader(descriptor: descriptor, chunkSize: chunk, maximumLineBytes: limit).forEachLine { line in
            found.append((String(decoding: line.bytes, as: UTF8.self), line.length, line.terminated, line.dropped))
            return true
        }
        return found
    }

    @Test func linesOverTheLimitOrWithANULByteAreNotKept() throws {
        let long = String(repeating: "x", count: 200)
        var bytes = Array("first\n\(long)\nthird\n".utf8)
        bytes += Array("with\u{0}nul, longer than one read\n".utf8)
        bytes += Array("last".utf8) + [UInt8](repeating: 0, count: 5_000)
        let lines = try Self.lines(bytes)
        #expect(lines.map(\.text) == ["first", "", "third", "", ""])
        #expect(lines.map(\.length) == [5, 200, 5, 30, 5_004])
        #expect(lines.map(\.dropped) == [nil, .longerThan(64), nil, .holdsNUL, .holdsNUL])
        #expect(lines.map(\.terminated) == [true, true, true, true, false])
        // A line over the limit found whole in one read is not kept either.
        let whole = try Self.lines(Array("\(long)\nok\n".utf8), limit: 64, chunk: 4_096)
        #expect(whole.map(\.dropped) == [.longerThan(64), nil])
        #expect(whole.map(\.length) == [200, 2])
    }

    @Test func aTailOfZerosIsATornLineForVerifyAndRestart() throws {
        let folder = try LogFolder()
        defer { folder.remove() }
        let run = try folder.serve(Array("{\"op\":\"ping\"}\n".utf8))
        #expect(run.status == 0)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path("decisions.log")))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(count: 3 << 20))
        try handle.close()
        let verified = LogCommandRunner.verify(paths: [folder.path("decisions.log")], anchor: nil)
        #expect(verified.status == .failure)
        #expect(verified.text.contains("decisions.log:3: torn line"), "\(verified.text)")
        // A restart reports the torn tail, cuts it and continues the chain.
        let restarted = try folder.serve(Array("{\"op\":\"ping\"}\n".utf8))
        #expect(restarted.status == 0, "\(restarted.stderr)")
        #expect(restarted.stderr.contains("torn"), "\(restarted.stderr)")
        #expect(LogCommandRunner.verify(paths: [folder.path("decisions.log")], anchor: nil).status == .success)
    }

    @Test func serveKeepsLoggedLinesShortEnoughToVerify() throws {
        let folder = try LogFolder()
        defer { folder.remove() }
        let run = try folder.serve([], ["--max-line-bytes", String(ServeLoop.maxLoggedLineBytes + 1)])
        #expect(run.status == 2)
        #expect(run.stderr.contains("with --log, --max-line-bytes is at most"), "\(run.stderr)")
    }
}
