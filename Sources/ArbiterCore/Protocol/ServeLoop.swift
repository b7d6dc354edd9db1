#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// The `serve` loop: reads JSON Lines from a file descriptor and writes one answer per
/// non-empty line, in order.
///
/// Every read is followed by answering all the complete lines it brought, then by handing
/// the answers to the output thread before the loop blocks on the next read: a caller that
/// writes one line and waits gets its answer at once, and bulk input is answered in large
/// batches, written in large chunks while the next batch is being decided. A batch is cut
/// into chunks of contiguous lines decided on `workers` threads (the engine is immutable and
/// each decision independent); the chunks' answers are written in input order, so threads
/// change only the speed, never the bytes.
public struct ServeLoop: Sendable {
    /// One decider per thread, each with its own buffers. Deciders built from separately
    /// compiled copies of the policy share no objects, so threads never contend on the reference
    /// counts of rules and expressions (which, shared, cost more than the second core gains);
    /// all of them decide alike.
    let deciders: WorkerDeciders
    /// Lines longer than this (without the line break) are answered with `too_large`.
    public let maxLineBytes: Int
    /// The line limits `serve --max-line-bytes` accepts: a line up to 1 GiB is read into memory
    /// whole (and the JSON tape's offsets stay far below their 4 GiB bound).
    public static let maxLineBytesRange: ClosedRange<Int> = 1...(1 << 30)
    /// The longest line `serve --log` accepts: a record holds the line again (up to six times
    /// its size as escaped `raw` text) beside an answer of at most 16 MiB, and must stay under
    /// the longest line the log's readers keep (`LogLineReader.maximumLineBytes`, 256 MiB).
    public static let maxLoggedLineBytes = 32 << 20
    /// Threads deciding a batch of lines (1 decides on the reading thread only).
    public var workers: Int { deciders.count }
    /// Where every answer is recorded before it is written (`serve --log`), or nil.
    public let log: DecisionLog?

    /// - Parameter deciders: one per thread (at least one), each with its own copy of the same policy.
    /// - Parameter maxLineBytes: the line limit, brought into `maxLineBytesRange` (no limit can
    ///   make the loop's arithmetic overflow).
    /// - Parameter log: the decision log to record every answer in, before it is written.
    public init(deciders: [Decider], maxLineBytes: Int = 1 << 20, log: DecisionLog? = nil) {
        precondition(!deciders.isEmpty, "serve needs a decider")
        self.deciders = WorkerDeciders(deciders)
        self.log = log
        self.maxLineBytes = min(max(maxLineBytes, Self.maxLineBytesRange.lowerBound), Self.maxLineBytesRange.upperBound)
    }

    /// One input line to answer: where it sits in the read buffer, or how long it was when it
    /// was too long to keep.
    enum Work {
        case line(start: Int, end: Int, number: Int)
        case tooLarge(size: Int, number: Int)
    }

    /// How a run ended.
    public enum Ending: Equatable, Sendable {
        /// The input ended and every line of it was answered and written.
        case endOfInput
        /// The answers could not be written (e.g. the caller closed the pipe).
        case outputFailed
        /// Reading the input failed (the system's reason, and how many bytes had been read before:
        /// 0 is an input unusable from the start): every whole line read before was answered; a
        /// line cut off by the failure was not.
        case inputFailed(String, bytesRead: Int)
    }

    /// Runs until end of input. Returns false if the output could not be written (e.g. a closed
    /// pipe) or the input could not be read (`serve(input:output:)` says which).
    @discardableResult
    public func run(input: Int32 = 0, output: Int32 = 1) -> Bool {
        serve(input: input, output: output) == .endOfInput
    }

    /// Runs until end of input, or until the input cannot be read or the output written.
    ///
    /// It sets `SIGPIPE` to be ignored, for the whole process (a signal's disposition is not a
    /// thread's): a caller that closes its end must end the loop with a failed write, not kill
    /// the process mid-answer. A process embedding the loop keeps that setting afterwards.
    public func serve(input: Int32 = 0, output: Int32 = 1) -> Ending {
        // A caller that goes away closes the pipe: writing then fails with EPIPE and the loop
        // ends cleanly instead of the process dying of SIGPIPE mid-answer.
        signal(SIGPIPE, SIG_IGN)
        PipeCapacity.enlarge(input)
        PipeCapacity.enlarge(output)
        let chunkSize = 256 * 1024
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        // Bytes of the current (incomplete) line are kept from `lineStart` to `filled`.
        var filled = 0
        var lineStart = 0
        var lineNumber = 0
        var discarding = false  // inside a line that is already too large
        var discardedBytes = 0
        var discardedEndsInCR = false  // the last byte discarded was "\r" (dropped with its "\n")
        var work: [Work] = []
        // The next read's buffer, filled while several threads decide a batch (`readAhead`).
        var spare = [UInt8](repeating: 0, count: chunkSize)
        var readAhead: ReadAhead?
        var readFailure: String?
        var bytesRead = 0
        // One batch being written while the next is decided (and one more read ahead).
        let answers = AnswerOutput(descriptor: output, depth: 2, log: log)
        let logging = log.map { ServeLogging(log: $0, threads: workers, maxLineBytes: maxLineBytes) }
        // The other deciding threads, ready between batches; ended whichever way the loop ends.
        // (An embedder's 65th decider and beyond would sit idle: `serve --threads` stops at 64.)
        let crew = DecidingCrew(helpers: min(workers - 1, DecidingCrew.maximumHelpers))
        defer { crew.stop() }

        while true {
            // The caller has gone away (a write failed): stop before waiting for more input.
            if answers.hasFailed {
                _ = answers.finish()
                return .outputFailed
            }
            let count: Int
            let scanFrom: Int
            if let ahead = readAhead.take() {
                // Read while the last batch was decided: the incomplete line and what followed it
                // are already in `spare`, in order.
                swap(&buffer, &spare)
                lineStart = 0
                filled = ahead.tail
                count = ahead.count
            } else {
                // Make room: move the incomplete line to the front, grow if one line needs it.
                if lineStart > 0 {
                    if lineStart < filled {
                        buffer.withUnsafeMutableBytes { raw in
                            guard let base = raw.baseAddress else { return }
                            memmove(base, base + lineStart, filled - lineStart)
                        }
                    }
                    filled -= lineStart
                    lineStart = 0
                }
                if filled == buffer.count {
                    buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
                }
                count = buffer.withUnsafeMutableBytes { raw -> Int in
                    guard let base = raw.baseAddress else { return 0 }
                    return read(input, base + filled, raw.count - filled)
                }
                if count < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    if code == EAGAIN || code == EWOULDBLOCK {
                        // A standard input inherited in non-blocking mode: wait for it, it has not ended.
                        var waiting = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                        _ = poll(&waiting, 1, -1)
                        continue
                    }
                    readFailure = SystemErrorReason.text(code)
                    break
                }
            }
            if count == 0 { break }
            bytesRead += count
            scanFrom = filled
            filled += count
            // Find the complete lines this read brought.
            work.removeAll(keepingCapacity: true)
            buffer.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                var position = scanFrom
                while position < filled {
                    guard let found = memchr(base + position, Int32(UInt8(ascii: "\n")), filled - position) else { break }
                    let newline = base.distance(to: UnsafeRawPointer(found))
                    lineNumber += 1
                    if discarding {
                        if let logging {
                            logging.absorbDiscarded(UnsafeRawBufferPointer(rebasing: raw[lineStart..<newline]))
                            logging.finishTooLarge(lineNumber: lineNumber)
                        }
                        if newline > lineStart { discardedEndsInCR = raw[newline - 1] == UInt8(ascii: "\r") }
                        discardedBytes += newline - lineStart
                        // The line's length without its "\r\n", as an answer from the buffer counts it.
                        work.append(.tooLarge(size: discardedBytes - (discardedEndsInCR ? 1 : 0), number: lineNumber))
                        discarding = false
                        discardedBytes = 0
                    } else {
                        work.append(.line(start: lineStart, end: newline, number: lineNumber))
                    }
                    lineStart = newline + 1
                    position = lineStart
                }
            }
            // Everything answered so far goes out now (on the output thread, or on this one
            // for a small unit when nothing is queued), before the next read can block: a
            // caller that writes one line and waits gets its answer.
            // A failed write (the caller went away) ends the loop once pending writes are done:
            // nothing may still write to `output` after `run` returns.
            // While the crew decides a large batch, this thread first reads what input is
            // already there (`readAhead`), so that no deciding thread waits for the read.
            let answered = answer(work, in: buffer, output: answers, logging: logging, crew: crew) {
                guard !discarding else { return }
                readAhead = Self.readAhead(from: input, after: buffer[lineStart..<filled], into: &spare, maxLineBytes: maxLineBytes)
            }
            guard answered else {
                _ = answers.finish()
                return .outputFailed
            }
            // A line longer than the limit (plus room for "\r") is not kept in memory.
            if filled - lineStart - 1 > maxLineBytes {
                if let logging {
                    buffer.withUnsafeBytes { logging.absorbDiscarded(UnsafeRawBufferPointer(rebasing: $0[lineStart..<filled])) }
                }
                discardedBytes += filled - lineStart
                discardedEndsInCR = buffer[filled - 1] == UInt8(ascii: "\r")
                discarding = true
                lineStart = filled
            }
        }
        // A final line without a line break still gets its answer (at the end of the input, not
        // when a failed read cut it off: its end is unknown).
        work.removeAll(keepingCapacity: true)
        if let readFailure {
            return answers.finish() ? .inputFailed(readFailure, bytesRead: bytesRead) : .outputFailed
        }
        if discarding {
            lineNumber += 1
            if let logging {
                buffer.withUnsafeBytes { logging.absorbDiscarded(UnsafeRawBufferPointer(rebasing: $0[lineStart..<filled])) }
                logging.finishTooLarge(lineNumber: lineNumber)
            }
            // No line break; a final `\r` is dropped as for every other line (and as the log's
            // `raw_bytes` drops it), so the size does not depend on how the line ended.
            let endsInCR = filled > lineStart ? buffer[filled - 1] == UInt8(ascii: "\r") : discardedEndsInCR
            work.append(.tooLarge(size: discardedBytes + filled - lineStart - (endsInCR ? 1 : 0), number: lineNumber))
        } else if filled > lineStart {
            lineNumber += 1
            work.append(.line(start: lineStart, end: filled, number: lineNumber))
        }
        let submitted = answer(work, in: buffer, output: answers, logging: logging, crew: crew)
        return answers.finish() && submitted ? .endOfInput : .outputFailed
    }

    /// Answers `work` and submits the answers to `output`, in order, deciding a large batch on
    /// several threads. False once the output cannot be written.
    ///
    /// A large batch is cut into chunks that the threads take in turn from a shared counter,
    /// each thread with its own handler: requests differ in cost (one line or ten, a short or a
    /// long audit trail), and fixed halves would leave one thread waiting for the other. Each
    /// chunk is a share of the lines still left (`chunkBounds`), so the first are long and the
    /// last a line or two: a thread that takes the last chunk keeps the others waiting for at
    /// most that long. Each chunk is answered into its own buffer; the buffers go out in chunk
    /// order, in one `writev`.
    ///
    /// `readAhead` is called once, on this thread, before it takes its first chunk, when the
    /// batch is decided by more than one thread.
    private func answer(
        _ work: [Work], in buffer: [UInt8], output: AnswerOutput, logging: ServeLogging?, crew: DecidingCrew, readAhead: () -> Void = {}
    ) -> Bool {
        if let logging { logging.number(work, in: buffer) }
        defer { logging?.batchAnswered() }
        // Below this many lines per thread, handing work to another thread costs more than it saves.
        let minimumPerWorker = 8
        let threads = min(crew.helpers + 1, work.count / minimumPerWorker)
        guard threads > 1 else {
            let batch = output.nextBatch(forLines: work.count)
            for (index, item) in work.enumerated() {
                let start = batch.answers.count
                let answered = answer(item, in: buffer, decider: deciders[0], keepsTrail: logging != nil, into: batch)
                if let logging, answered.isAnswer {  // logging first: without it the answer is not looked at (nor copied)
                    batch.answers.withBytes(from: start, to: batch.answers.count - 1) {
                        logging.record(item, index: index, answer: $0, typed: answered.typed, in: buffer, thread: 0, scratch: deciders[0].scratch, into: batch)
                    }
                }
                Self.recycle(answered, by: deciders[0])
            }
            return output.submit([batch], lines: work.count)
        }
        let bounds = Self.chunkBounds(lines: work.count, threads: threads)
        let chunkCount = bounds.count - 1
        let chunks = (0..<chunkCount).map { output.nextBatch(forLines: bounds[$0 + 1] - bounds[$0]) }
        let nextChunk = Atomic<Int>(0)
        // Every thread of the crew takes chunks (a batch too small for all of them leaves some
        // with none).
        crew.perform { thread in
            if thread == 0 { readAhead() }
            while true {
                let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
                guard chunk < chunkCount else { break }
                let batch = chunks[chunk]
                for index in bounds[chunk]..<bounds[chunk + 1] {
                    let start = batch.answers.count
                    let answered = answer(work[index], in: buffer, decider: deciders[thread], keepsTrail: logging != nil, into: batch)
                    if let logging, answered.isAnswer {  // logging first: without it the answer is not looked at (nor copied)
                        batch.answers.withBytes(from: start, to: batch.answers.count - 1) {
                            logging.record(work[index], index: index, answer: $0, typed: answered.typed, in: buffer, thread: thread, scratch: deciders[thread].scratch, into: batch)
                        }
                    }
                    Self.recycle(answered, by: deciders[thread])
                }
            }
        }
        return output.submit(chunks, lines: work.count)
    }

    /// Input read before the loop needed it: the incomplete line (`tail` bytes) and `count` bytes
    /// read after it, at the start of the spare buffer; a `count` of 0 is the end of the input.
    struct ReadAhead: Equatable {
        var tail: Int
        var count: Int
    }

    /// The least room a read ahead is made for (a batch reads up to 256 KiB).
    static let minimumReadAhead = 16 * 1024

    /// Reads, into `spare`, what `input` has already (never waiting for more): first `tail`, the
    /// incomplete line the next read would have continued, then up to the rest of `spare`. Nil
    /// when nothing was read: no input is waiting, the read failed (the loop's own read meets
    /// the failure again, and reports it), or `tail` is already over the line limit (the loop
    /// discards it) or leaves too little room.
    ///
    /// What is read is what the loop's next read would have returned, and the answers do not
    /// depend on how the input is cut into reads.
    static func readAhead(from input: Int32, after tail: ArraySlice<UInt8>, into spare: inout [UInt8], maxLineBytes: Int) -> ReadAhead? {
        guard tail.count - 1 <= maxLineBytes, spare.count - tail.count >= minimumReadAhead else { return nil }
        var waiting = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
        guard poll(&waiting, 1, 0) == 1 else { return nil }
        let count = spare.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            tail.withUnsafeBytes { tailBytes in
                if let from = tailBytes.baseAddress { memcpy(base, from, tailBytes.count) }
            }
            return read(input, base + tail.count, raw.count - tail.count)
        }
        guard count >= 0 else { return nil }
        return ReadAhead(tail: tail.count, count: count)
    }

    /// Where the chunks of a batch of `lines` lines begin (and, last, where the batch ends): each
    /// chunk an eighth of what is left for two threads (a sixteenth for four), at least two
    /// lines. For 215 lines (a 256 KiB read of the shared workload) and two threads: 29 chunks,
    /// from 26 lines down to 2.
    static func chunkBounds(lines: Int, threads: Int) -> [Int] {
        var bounds = [0]
        var start = 0
        while start < lines {
            start = min(lines, start + max(2, (lines - start) / (threads * 4)))
            bounds.append(start)
        }
        return bounds
    }

    /// The answer to a line over the limit: the same words whether the line was kept or discarded.
    private func writeTooLarge(_ size: Int, lineNumber: Int, decider: Decider, into writer: inout JSONWriter) {
        decider.handler.writeError(.tooLarge, "line is \(size) bytes; the limit is \(maxLineBytes)", path: nil, id: nil, lineNumber: lineNumber, into: &writer)
    }

    /// Gives a written (and recorded) decision's arrays back to the decider that made it, for
    /// its next decision (`DecisionBuffers`).
    private static func recycle(_ answered: consuming Answered, by decider: Decider) {
        guard case .typed(.decision(var decision)) = consume answered else { return }
        decider.scratch.reclaim(&decision)
    }

    /// What `answer(_:in:decider:into:)` did with a line.
    private enum Answered {
        /// No answer (an empty line).
        case none
        /// An answer written by the loop itself (a line over the limit).
        case written
        /// The answer the protocol handler gave, as written.
        case typed(ProtocolHandler.LineAnswer)

        var isAnswer: Bool {
            if case .none = self { return false }
            return true
        }

        var typed: ProtocolHandler.LineAnswer? {
            if case .typed(let answer) = self { return answer }
            return nil
        }
    }

    /// Appends the answer to one line and its line break to `batch`, written there in place;
    /// empty lines get none. Says whether the line got an answer (the batch's last line) and which.
    @discardableResult
    /// `keepsTrail`: the typed answer keeps its `full` trail (the log records it).
    private func answer(_ item: Work, in buffer: [UInt8], decider: Decider, keepsTrail: Bool, into batch: AnswerOutput.Batch) -> Answered {
        batch.answers.startDocument()
        var answered = Answered.written
        switch item {
        case .tooLarge(let size, let number):
            writeTooLarge(size, lineNumber: number, decider: decider, into: &batch.answers)
        case .line(let start, var end, let number):
            if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            // Over the limit first, as for a line too long to keep: the answer must not depend on
            // how the input was cut into reads (a long line of blanks is too large, not empty).
            if end - start > maxLineBytes {
                writeTooLarge(end - start, lineNumber: number, decider: decider, into: &batch.answers)
            } else if buffer[start..<end].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                return .none  // empty lines get no answer
            } else {
                // The typed answer is kept for the log.
                answered = .typed(buffer.withUnsafeBytes { raw in
                    decider.writeAnswer(line: UnsafeRawBufferPointer(rebasing: raw[start..<end]), lineNumber: number, into: &batch.answers, keepsTrail: keepsTrail)
                })
            }
        }
        batch.answers.appendRaw(UInt8(ascii: "\n"))
        return answered
    }
}

/// The deciders of `serve`'s threads. `Decider` is not `Sendable` (its buffers are one
/// thread's); `ServeLoop` hands decider `t` to thread `t` of a batch only, and a batch ends
/// before the next begins, so no decider is ever used by two threads at once.
struct WorkerDeciders: @unchecked Sendable {
    private let deciders: [Decider]
    init(_ deciders: [Decider]) { self.deciders = deciders }
    var count: Int { deciders.count }
    subscript(thread: Int) -> Decider { deciders[thread] }
}
