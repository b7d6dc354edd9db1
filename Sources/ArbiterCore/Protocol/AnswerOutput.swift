#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Writes batches of answers to a file descriptor on a thread of its own, so that the next
/// batch is decided while the previous one is still being written.
///
/// Without it the deciding threads sit idle while a large batch drains into a pipe that its
/// reader empties 64 KiB at a time (a batch of `--audit full` answers is megabytes). Batches
/// are written strictly in the order they were submitted, and at most `depth` of them wait at
/// once, so memory stays bounded however slowly the caller reads.
final class AnswerOutput: Sendable {
    /// A reusable buffer of answer bytes; owned by one side at a time (the loop fills it, the
    /// writer thread drains it and hands it back).
    final class Batch: @unchecked Sendable {
        /// The answers, one per line: each written here by the thread that decides it (no copy
        /// of each answer from a writer of its own into the batch). Unchecked: a batch belongs
        /// to one thread at a time (the loop's thread that fills it, then the output thread),
        /// and the runtime's check cost about as much as the copy it replaces.
        @exclusivity(unchecked) var answers = JSONWriter(pretty: false, reservingCapacity: 0)
        /// The decision-log records of these answers (only with `serve --log`).
        var records: PendingRecords?

        /// The bytes its buffers hold on to while it waits for reuse.
        var retainedCapacity: Int { answers.capacity + (records?.retainedCapacity ?? 0) }
    }

    private struct State {
        var spare: [Batch] = []
        /// The capacity the spare batches hold, at most `spareCapacityBudget`.
        var spareCapacity = 0
        var failed = false
        /// Units submitted to the output thread and not yet written.
        var queued = 0
    }

    private let descriptor: Int32
    /// Where each unit's records are written, before its answers (SPEC section 10).
    private let log: DecisionLog?
    private let queue = DispatchQueue(label: "arbiter.serve.output")
    private let slots: DispatchSemaphore
    private let state = Mutex(State())
    /// Bytes per answer in the last unit submitted with its count of lines (0: none yet).
    private let answerBytesPerLine = Atomic<Int>(0)

    init(descriptor: Int32, depth: Int = 2, log: DecisionLog? = nil) {
        self.descriptor = descriptor
        self.log = log
        self.slots = DispatchSemaphore(value: depth)
    }

    /// An empty buffer to fill with `lines` answers, with room for them at the size the last
    /// unit's answers had (and a quarter more): a reused buffer that is too small, or a new one,
    /// grows while it is empty, not by doubling while it fills, each time copying what it holds
    /// (at `--audit full`, megabytes per batch).
    ///
    /// At most `maximumReservation` bytes are set aside so: after a unit of one huge answer (a
    /// `full` trail of megabytes), a batch of many lines would otherwise reserve gigabytes for
    /// answers that are mostly small; a batch larger than that grows as it fills.
    func nextBatch(forLines lines: Int) -> Batch {
        let batch = nextBatch()
        let perLine = answerBytesPerLine.load(ordering: .relaxed)
        if perLine > 0 {
            let (estimate, overflow) = lines.multipliedReportingOverflow(by: perLine + perLine / 4)
            batch.answers.reserveCapacity(overflow ? Self.maximumReservation : min(estimate, Self.maximumReservation))
        }
        return batch
    }

    /// The most room `nextBatch(forLines:)` sets aside before a batch is filled: a 256 KiB read
    /// of `--audit full` answers is about 3.5 MB.
    static let maximumReservation = 8 << 20

    /// An empty buffer to fill with (part of) the next batch of answers.
    func nextBatch() -> Batch {
        state.withLock { state -> Batch? in
            guard let batch = state.spare.popLast() else { return nil }
            state.spareCapacity -= batch.retainedCapacity
            return batch
        } ?? Batch()
    }

    /// Queues `batches` for writing, in order, as one unit (waiting while `depth` units are
    /// already queued). Returns false once any write has failed (e.g. the caller closed the pipe).
    ///
    /// A small unit submitted while nothing is queued (a caller that writes one line and waits)
    /// is written at once on the submitting thread: the order is kept (every earlier unit is
    /// written), and the answer does not wait for the output thread to wake up, which costs
    /// tens of microseconds on a virtual machine. Only one thread submits (the serve loop's).
    ///
    /// `lines`: how many answers the batches hold, when the caller knows (the size of the next
    /// batches is estimated from it, `nextBatch(forLines:)`).
    func submit(_ batches: [Batch], lines: Int = 0) -> Bool {
        if hasFailed { return false }
        if lines > 0 { answerBytesPerLine.store(batches.reduce(0) { $0 + $1.answers.count } / lines, ordering: .relaxed) }
        let nonEmpty = batches.filter { $0.answers.count > 0 }
        for batch in batches where batch.answers.count == 0 { recycle(batch, failed: false) }
        guard !nonEmpty.isEmpty else { return true }
        let small = nonEmpty.reduce(0) { $0 + $1.answers.count } <= Self.directWriteLimit
        if small, state.withLock({ $0.queued == 0 }) {
            return write(nonEmpty)
        }
        state.withLock { $0.queued += 1 }
        slots.wait()
        queue.async {
            _ = self.write(nonEmpty)
            self.state.withLock { $0.queued -= 1 }
            self.slots.signal()
        }
        return true
    }

    /// Units up to this many bytes of answers may be written on the submitting thread.
    private static let directWriteLimit = 32 << 10

    /// Writes one unit: its records to the log, then its answers; false once a write failed.
    private func write(_ unit: [Batch]) -> Bool {
        // After a failed write nothing more is written, even batches already queued: a
        // caller must never receive answers after a gap or a half-written line.
        var ok = !hasFailed
        // The unit's records go to the log (and to disk) before any of its answers is
        // written: a caller never holds an answer the log does not have.
        if ok, let log { ok = log.append(unit.compactMap(\.records)) }
        if ok { ok = Self.writeAll(unit[...], to: descriptor) }
        for batch in unit { recycle(batch, failed: !ok) }
        return ok
    }

    /// Whether a write has failed (nothing more will be written).
    var hasFailed: Bool { state.withLock { $0.failed } }

    /// Waits until every submitted batch is written; true if all of them were.
    func finish() -> Bool {
        queue.sync {}
        return !state.withLock { $0.failed }
    }

    /// Spare buffers kept for reuse, and how much memory they may keep: what the output holds
    /// on to between batches is bounded, whatever sizes the answers had. Large enough that a
    /// batch of `--audit full` answers (a 256 KiB read is about 3.5 MB of answers, and as much
    /// again of log records) finds its buffers grown already: letting them go and growing them
    /// again page-faults on every batch, which cost about a tenth of serve's time with `--log`.
    private static let maximumSpare = 96
    private static let spareCapacityBudget = 32 << 20

    private func recycle(_ batch: Batch, failed: Bool) {
        batch.records?.reset()
        batch.answers.reset()
        state.withLock { state in
            if state.spare.count < Self.maximumSpare {
                if state.spareCapacity + batch.retainedCapacity > Self.spareCapacityBudget {
                    // Over the budget: the batch is kept, its memory is not.
                    batch.answers.releaseStorage()
                    batch.records?.releaseMemory()
                }
                state.spareCapacity += batch.retainedCapacity
                state.spare.append(batch)
            }
            if failed { state.failed = true }
        }
    }

    /// Writes the answers of `batches` in order, with as few system calls as the buffers allow.
    private static func writeAll(_ batches: ArraySlice<Batch>, to descriptor: Int32) -> Bool {
        var buffers: [UnsafeRawBufferPointer] = []
        buffers.reserveCapacity(batches.count)
        return withBytes(of: batches, collecting: &buffers) { DescriptorWriter.writeAll($0, to: descriptor) } == nil
    }

    /// Calls `body` with the bytes of every batch, each valid for the call (one
    /// `withUnsafeBytes` inside the next; a unit has a few dozen batches).
    private static func withBytes(
        of batches: ArraySlice<Batch>, collecting buffers: inout [UnsafeRawBufferPointer],
        _ body: ([UnsafeRawBufferPointer]) -> Int32?
    ) -> Int32? {
        guard let batch = batches.first else { return body(buffers) }
        return batch.answers.withBytes { bytes in
            buffers.append(UnsafeRawBufferPointer(bytes))
            return withBytes(of: batches.dropFirst(), collecting: &buffers, body)
        }
    }
}
