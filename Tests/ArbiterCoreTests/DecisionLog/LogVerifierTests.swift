import Foundation
import Testing
@testable import ArbiterCore

/// `log verify` and `log head` against logs written by `serve --log` and then damaged:
/// every change names the first bad line.
@Suite(.serialized) struct LogVerifierTests {
    /// A log of 60 answered lines (a quarter malformed) and its folder.
    static func writtenLog() throws -> (LogFolder, [[UInt8]]) {
        let folder = try LogFolder()
        let input = try ServeEndToEndTests.workload(count: 60, bad: 0.25, seed: 11).joined(separator: "\n") + "\n"
        let run = try folder.serve(Array(input.utf8))
        #expect(run.status == 0, "stderr: \(run.stderr)")
        return (folder, try folder.lines("decisions.log"))
    }

    static func verify(_ folder: LogFolder, _ names: [String], head: String? = nil) -> LogCommandRunner.Output {
        LogCommandRunner.verify(paths: names.map(folder.path), anchor: head)
    }

    @Test func anIntactLogVerifiesAndHeadIsItsLastHash() throws {
        let (folder, lines) = try Self.writtenLog()
        defer { folder.remove() }
        #expect(lines.count == 61)
        let output = Self.verify(folder, ["decisions.log"])
        #expect(output.status == .success, "\(output.text)")
        let head = LogCommandRunner.head(path: folder.path("decisions.log"))
        #expect(head.status == .success)
        let last = try JSONReader.parse(lines[60])
        #expect(head.text == (last["hash"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? "?") + "\n")
        // An anchor taken earlier is still in the chain after the log has grown.
        let anchor = try JSONReader.parse(lines[30])["hash"]
        guard case .string(let anchorText)? = anchor else { Issue.record("no hash"); return }
        #expect(Self.verify(folder, ["decisions.log"], head: anchorText).status == .success)
    }

    @Test func changingAnyByteNamesThatLine() throws {
        let (folder, lines) = try Self.writtenLog()
        defer { folder.remove() }
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<120 {
            // Every line once at its first byte, the header too; then random places.
            let lineIndex = trial < lines.count ? trial : Int.random(in: 0..<lines.count, using: &generator)
            let position = trial < lines.count ? 0 : Int.random(in: 0..<lines[lineIndex].count, using: &generator)
            var damaged = lines
            damaged[lineIndex][position] ^= 0x01
            try folder.write("damaged.log", lines: damaged)
            let output = Self.verify(folder, ["damaged.log"])
            #expect(output.status == .failure)
            #expect(output.text.hasPrefix("\(folder.path("damaged.log")):\(lineIndex + 1): "), "byte \(position) of line \(lineIndex + 1): \(output.text)")
        }
    }

    @Test func deletingSwappingOrCuttingLinesIsFound() throws {
        let (folder, lines) = try Self.writtenLog()
        defer { folder.remove() }
        let name = folder.path("damaged.log")
        for index in [1, 2, 17, 59] {
            var deleted = lines
            deleted.remove(at: index)
            try folder.write("damaged.log", lines: deleted)
            let output = Self.verify(folder, ["damaged.log"])
            #expect(output.text.hasPrefix("\(name):\(index + 1): seq gap"), "\(output.text)")
        }
        for index in [1, 20, 59] {
            var swapped = lines
            swapped.swapAt(index, index + 1)
            try folder.write("damaged.log", lines: swapped)
            let output = Self.verify(folder, ["damaged.log"])
            #expect(output.status == .failure)
            #expect(output.text.hasPrefix("\(name):\(index + 1): "), "\(output.text)")
        }
        // Cutting the last record leaves a valid chain; the anchor stored before shows the cut.
        let anchor = LogCommandRunner.head(path: folder.path("decisions.log")).text.trimmingCharacters(in: .newlines)
        try folder.write("damaged.log", lines: Array(lines.dropLast()))
        #expect(Self.verify(folder, ["damaged.log"]).status == .success)
        let cut = Self.verify(folder, ["damaged.log"], head: anchor)
        #expect(cut.status == .failure)
        #expect(cut.text.hasPrefix("\(name):60: the anchor \(anchor) is not in the chain"), "\(cut.text)")
        // A torn last line and a missing header.
        var torn = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.path("decisions.log"))))
        torn.removeLast(10)
        try Data(torn).write(to: URL(fileURLWithPath: name))
        #expect(Self.verify(folder, ["damaged.log"]).text.hasPrefix("\(name):61: torn line"))
        try folder.write("damaged.log", lines: Array(lines.dropFirst()))
        #expect(Self.verify(folder, ["damaged.log"]).text.hasPrefix("\(name):1: bad header"))
    }

    /// Text the hash does not cover is found too: an earlier value of a repeated key (which
    /// canonical JSON drops, so the hash still matches) or a space.
    @Test func textOutsideWhatTheHashCoversIsFound() throws {
        let (folder, lines) = try Self.writtenLog()
        defer { folder.remove() }
        let name = folder.path("damaged.log")
        let index = try #require(lines.indices.first { String(decoding: lines[$0], as: UTF8.self).contains("\"decision\":{\"audit\":") })
        let line = String(decoding: lines[index], as: UTF8.self)
        for forged in [line.replacingOccurrences(of: "\"decision\":{", with: "\"decision\":{\"outcome\":\"approve\",\"refund\":{\"total\":\"9999.00\"},"),
                       line.replacingOccurrences(of: "\"decision\":{", with: "\"decision\": {")] {
            var damaged = lines
            damaged[index] = Array(forged.utf8)
            try folder.write("damaged.log", lines: damaged)
            let output = Self.verify(folder, ["damaged.log"])
            #expect(output.status == .failure)
            #expect(output.text.hasPrefix("\(name):\(index + 1): not in canonical form"), "\(output.text)")
        }
    }

    @Test func unreadableFilesAndBadAnchorsAreUsageErrors() throws {
        let folder = try LogFolder()
        defer { folder.remove() }
        #expect(Self.verify(folder, ["missing.log"]).status == .unusable)
        #expect(LogCommandRunner.head(path: folder.path("missing.log")).status == .unusable)
        try Data().write(to: URL(fileURLWithPath: folder.path("empty.log")))
        #expect(Self.verify(folder, ["empty.log"]).text.hasSuffix("empty.log:1: empty file: no header\n"))
        #expect(Self.verify(folder, ["empty.log"], head: "sha256:xyz").status == .unusable)
    }

    /// A file that ends inside its header line is not "empty": both commands say it is torn.
    @Test func aTornHeaderIsNotCalledEmpty() throws {
        let folder = try LogFolder()
        defer { folder.remove() }
        try Data("{\"created_at\":\"2026-12-03T00:00:00Z\",\"engine\":\"arb".utf8).write(to: URL(fileURLWithPath: folder.path("torn.log")))
        let verified = Self.verify(folder, ["torn.log"])
        #expect(verified.status == .failure)
        #expect(verified.text.contains("torn.log:1: torn"), "\(verified.text)")
        let head = LogCommandRunner.head(path: folder.path("torn.log"))
        #expect(head.status == .failure)
        #expect(head.text.contains("torn.log:1: torn header: the file ends inside its first line"), "\(head.text)")
    }

    @Test func aCarriageReturnEndingAPartIsHeldBack() {
        var split = TooLargeLine()
        Array("abc\r".utf8).withUnsafeBytes { split.absorb($0) }
        Array("def\r".utf8).withUnsafeBytes { split.absorb($0) }
        var whole = TooLargeLine()
        Array("abc\rdef".utf8).withUnsafeBytes { whole.absorb($0) }
        #expect(split.finish().byteCount == 7)
        #expect(split.finish().digest == whole.finish().digest)
    }
}
