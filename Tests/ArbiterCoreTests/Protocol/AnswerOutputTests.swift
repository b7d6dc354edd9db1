import Foundation
import Synchronization
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
        Array(text.utf8).withUnsafeBytes { batch.answers.appendRaw($0) }
        return [batch]
    }

    /// A batch is given room for its lines at the size the last unit's answers had, before it
    /// is filled (growing it as it fills copies what it holds at every doubling), and never more
    /// than `maximumReservation`, whatever one huge answer made the average.
    @Test func aBatchHasRoomForItsLinesAtTheLastSizeWithinABound() {
        let file = File()
        defer { file.remove() }
        let output = AnswerOutput(descriptor: file.descriptor)
        #expect(output.nextBatch(forLines: 100).answers.capacity == 0, "no size known yet: nothing set aside")
        let answer = String(repeating: "a", count: 999) + "\n"
        #expect(output.submit(Self.unit(output, String(repeating: answer, count: 10)), lines: 10))
        #expect(output.finish())
        let batch = output.nextBatch(forLines: 300)
        #expect(batch.answers.capacity == 300 * 1_250, "each line's 1,000 bytes and a quarter more")
        let huge = String(repeating: "b", count: 3 << 20) + "\n"
        #expect(output.submit(Self.unit(output, huge), lines: 1))
        #expect(output.finish())
        #expect(output.nextBatch(forLines: 1_000).answers.capacity == AnswerOutput.maximumReservation)
        #expect(output.nextBatch(forLines: Int.max / 2).answers.capacity == AnswerOutput.maximumReservation, "no overflow")
        #expect(file.contents().count == 10 * 1_000 + (3 << 20) + 1)
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

    /// A unit of many batches goes out in one `writev` per 512 batches; a pipe takes 64 KiB at
    /// a time, so the writes are partial, some ending inside a batch: what the reader gets is
    /// still every batch, whole and in order (empty batches included, which add nothing).
    @Test func aUnitOfManyBatchesArrivesWholeThroughAPipe() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let output = AnswerOutput(descriptor: ends[1])
        var expected: [UInt8] = []
        var unit: [AnswerOutput.Batch] = []
        for index in 0..<700 {  // more than one writev's worth of buffers
            let batch = output.nextBatch()
            let size = index % 50 == 0 ? 0 : (index * 7_919) % 3_000 + 1
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
            bytes.withUnsafeBytes { batch.answers.appendRaw($0) }
            expected += batch.answers.bytes
            unit.append(batch)
        }
        // Read on another thread while the unit is written: a pipe holds 64 KiB.
        let received = Mutex<[UInt8]>([])
        let done = DispatchSemaphore(value: 0)
        let readEnd = ends[0]
        DispatchQueue.global().async {
            var bytes: [UInt8] = []
            var piece = [UInt8](repeating: 0, count: 4_093)  // small reads: the writer blocks often
            while true {
                let count = piece.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                bytes += piece[..<count]
            }
            received.withLock { $0 = bytes }
            done.signal()
        }
        #expect(output.submit(unit))
        #expect(output.finish())
        close(ends[1])
        done.wait()
        close(ends[0])
        let bytes = received.withLock { $0 }
        #expect(bytes.count == expected.count)
        #expect(bytes == expected)
    }
}

/// Writing many buffers with as few system calls as possible, when a call may take only part.
@Suite struct DescriptorWriterTests {
    /// Each call takes at most 1,000 bytes (often ending inside a buffer), and sometimes fails
    /// with EINTR: the bytes that arrive are every buffer's, whole and in order.
    @Test func partialAndInterruptedWritesLoseNothing() {
        let sources: [[UInt8]] = (0..<700).map { index in
            (0..<(index % 50 == 0 ? 0 : (index * 7_919) % 3_000 + 1)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
        }
        var received: [UInt8] = []
        var calls = 0
        var most = 0
        let failure = withBuffers(sources) { buffers in
            DescriptorWriter.writeAll(buffers) { vectors, count in
                calls += 1
                most = max(most, Int(count))
                if calls % 7 == 0 {
                    errno = EINTR
                    return -1
                }
                var taken = 0
                for vector in UnsafeBufferPointer(start: vectors, count: Int(count)) where taken < 1_000 {
                    let part = min(vector.iov_len, 1_000 - taken)
                    received += UnsafeRawBufferPointer(start: vector.iov_base, count: part)
                    taken += part
                }
                return taken
            }
        }
        #expect(failure == nil)
        #expect(received == sources.flatMap { $0 })
        #expect(most <= 512)
    }

    /// A failed write is reported with its errno.
    @Test func aFailedWriteIsReported() {
        let failure = withBuffers([[1, 2, 3]]) { buffers in
            DescriptorWriter.writeAll(buffers) { _, _ in
                errno = EPIPE
                return -1
            }
        }
        #expect(failure == EPIPE)
    }

    private func withBuffers<Result>(_ arrays: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) -> Result) -> Result {
        var collected: [UnsafeRawBufferPointer] = []
        func next(_ index: Int) -> Result {
            guard index < arrays.count else { return body(collected) }
            return arrays[index].withUnsafeBytes { bytes in
                collected.append(bytes)
                return next(index + 1)
            }
        }
        return next(0)
    }
}

/// The chunks a batch of lines is cut into for the deciding threads.
@Suite struct ChunkBoundsTests {
    /// Every line in exactly one chunk, in order; chunks shrink towards the end of the batch
    /// (so no thread is left with a long last chunk while the others wait) and none is a
    /// single line but possibly the last.
    @Test func chunksCoverEveryLineOnceAndShrinkTowardsTheEnd() {
        for threads in [2, 3, 4, 8] {
            for lines in [16, 17, 100, 215, 1_000, 4_321] {
                let bounds = ServeLoop.chunkBounds(lines: lines, threads: threads)
                #expect(bounds.first == 0)
                #expect(bounds.last == lines)
                let sizes = zip(bounds.dropFirst(), bounds).map { $0 - $1 }
                #expect(sizes.allSatisfy { $0 > 0 }, "lines \(lines), threads \(threads)")
                #expect(sizes.dropLast().allSatisfy { $0 >= 2 })
                #expect(zip(sizes, sizes.dropFirst()).allSatisfy { $0 >= $1 }, "sizes \(sizes)")
                #expect(sizes.last! <= 2)
                #expect(sizes.first! <= max(2, lines / (threads * 4)))
            }
        }
    }
}

