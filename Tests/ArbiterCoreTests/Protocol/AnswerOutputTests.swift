import Foundation
import Testing
@testable import ArbiterCore

/// The output side of `serve`: units of answers written in submission order, a small unit
/// written before `submit` returns when nothing is queued (a caller waiting for one answer
/// does not wait for the output thread to wake up too).
@Suite struct AnswerOutputTests {
    /// A temporary file to write to (a pipe would block the output thread until read).
    struct File {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-output-\(UUID().uuidString)").path
        let descriptor: Int32
        init() { descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
        func contents() -> [UInt8] { (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? [] }
        func remove() {
            close(descriptor)
            unlink(path)
        }
    }

    static func unit(_ output: AnswerOutput, _ text: String) -> [AnswerOutput.Batch] {
        let batch = output.nextBatch()
        batch.bytes = Array(text.utf8)
        return [batch]
    }

    @Test func aSmallUnitIsWrittenBeforeSubmitReturns() {
        let file = File()
        defer { file.remove() }
        let output = AnswerOutput(descriptor: file.descriptor)
        #expect(output.submit(Self.unit(output, "{\"op\":\"pong\"}\n")))
        #expect(file.contents() == Array("{\"op\":\"pong\"}\n".utf8))
        #expect(output.finish())
    }

    /// Large units go to the output thread; a small unit submitted while one is queued waits
    /// its turn: the file holds every unit, in submission order.
    @Test func unitsKeepTheirOrderWhateverTheirSize() {
        let file = File()
        defer { file.remove() }
        let output = AnswerOutput(descriptor: file.descriptor)
        var expected: [UInt8] = []
        for index in 0..<200 {
            let text = index % 7 == 0
                ? String(repeating: "\(index % 10)", count: 100_000) + "\n"  // over the direct-write limit
                : "{\"unit\":\(index)}\n"
            expected += Array(text.utf8)
            #expect(output.submit(Self.unit(output, text)))
        }
        #expect(output.finish())
        #expect(file.contents() == expected)
    }
}
