#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization

/// The threads that decide a batch beside the serve loop's own, kept ready between batches.
///
/// `DispatchQueue.concurrentPerform` hands each batch to a pool thread that has usually gone
/// to sleep while the loop read the next 256 KiB: on this project's virtual machines waking it
/// took 60 µs per batch on a quiet machine and 385 µs on a busy one (4–20% of a batch's time),
/// the largest part of why two threads gave 1.6× one. A crew thread that finishes its part
/// yields its core for a while (`readyWindow`) watching for the next batch, so the next
/// `perform` usually finds it awake; only after the window does it sleep on a semaphore,
/// which `perform` then signals. The caller waits for the crew the same way.
///
/// One caller at a time: `perform` is not reentrant and is called by one thread (the serve
/// loop's). `stop` ends the threads; the crew cannot be used after it.
final class DecidingCrew: @unchecked Sendable {
    /// Threads besides the caller's (at most `maximumHelpers`).
    let helpers: Int
    /// Sleeping helpers are bits of one word.
    static let maximumHelpers = 63
    /// Bumped by each `perform` (and by `stop`) after `job` is set.
    private let generation = Atomic<Int>(0)
    /// Helpers that have not finished the current job.
    private let remaining = Atomic<Int>(0)
    /// Bit `i`: helper `i` is asleep (or about to sleep) on `wakeups[i]`.
    private let sleepers = Atomic<UInt64>(0)
    private let wakeups: [DispatchSemaphore]
    /// The caller is asleep (or about to sleep) on `finished`.
    private let callerSleeping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    /// The job of the current `perform`: written before `generation` is bumped (release) and
    /// read by helpers after they see the bump (acquire); cleared after every helper is done.
    nonisolated(unsafe) private var job: ((Int) -> Void)?

    /// How long a thread with nothing to do stays awake, yielding its core, before it sleeps:
    /// longer than the loop's read and line split between two batches (~50 µs), short enough
    /// that an idle `serve` sleeps at once for practical purposes.
    static let defaultReadyWindow = 0.000_5
    /// This crew's (tests use 0: every wait goes to sleep, the path where the handshakes matter).
    let readyWindow: Double
    /// Tests only: called by a helper between finishing its part and looking at the caller's
    /// sleeping flag, to hold it up there (set before the first `perform`).
    nonisolated(unsafe) var heldUpAfterPart: ((Int) -> Void)?

    init(helpers: Int, readyWindow: Double = DecidingCrew.defaultReadyWindow) {
        precondition((0...Self.maximumHelpers).contains(helpers), "a crew has at most \(Self.maximumHelpers) helper threads")
        self.helpers = helpers
        self.readyWindow = readyWindow
        wakeups = (0..<helpers).map { _ in DispatchSemaphore(value: 0) }
        for index in 0..<helpers {
            let thread = Thread { [self] in work(as: index) }
            thread.name = "arbiter.serve.decide.\(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(0)` on the calling thread and `body(1)` … `body(helpers)` on the crew, and
    /// returns when all of them have.
    func perform(_ body: (Int) -> Void) {
        guard helpers > 0 else { return body(0) }
        withoutActuallyEscaping(body) { body in
            job = body
            remaining.store(helpers, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            wakeSleepers()
            body(0)
            waitForHelpers()
            job = nil
        }
    }

    /// Ends the helper threads (each finishes the job it is running first).
    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        wakeSleepers()
    }

    private func wakeSleepers() {
        let asleep = sleepers.exchange(0, ordering: .sequentiallyConsistent)
        for index in 0..<helpers where asleep & (1 << UInt64(index)) != 0 { wakeups[index].signal() }
    }

    /// The caller's wait for the last helper to finish: awake for `readyWindow`, then asleep.
    ///
    /// A wake-up only says "look again": the helper that takes the sleeping flag may be a late
    /// one from an earlier job (it brought that job's count to 0, was held up before it looked
    /// at the flag, and finds the flag of this job), so the count is read again after every
    /// wake-up, and a signal nobody waited for only costs one more look later.
    private func waitForHelpers() {
        let deadline = Self.now() + readyWindow
        while remaining.load(ordering: .acquiring) != 0 {
            if Self.now() < deadline {
                sched_yield()
                continue
            }
            callerSleeping.store(true, ordering: .sequentiallyConsistent)
            if remaining.load(ordering: .sequentiallyConsistent) == 0 {
                callerSleeping.store(false, ordering: .sequentiallyConsistent)
                return
            }
            finished.wait()  // the helper that brings `remaining` to 0 sees the flag and signals
        }
    }

    /// Helper `index`'s loop: wait for a job (awake for `readyWindow`, then asleep), run its
    /// part, report, until stopped.
    private func work(as index: Int) {
        let bit: UInt64 = 1 << UInt64(index)
        var seen = 0
        while true {
            let deadline = Self.now() + readyWindow
            while generation.load(ordering: .acquiring) == seen {
                if Self.now() < deadline {
                    sched_yield()
                    continue
                }
                sleepers.bitwiseOr(bit, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) != seen {
                    // A job came meanwhile. If `perform` already took the bit, it signals: take that.
                    if sleepers.bitwiseAnd(~bit, ordering: .sequentiallyConsistent).oldValue & bit == 0 { wakeups[index].wait() }
                    break
                }
                wakeups[index].wait()  // `perform` or `stop` took the bit and signals; then look again
            }
            seen = generation.load(ordering: .acquiring)
            if stopping.load(ordering: .acquiring) { return }
            job?(index + 1)
            let last = remaining.subtract(1, ordering: .sequentiallyConsistent).newValue == 0
            heldUpAfterPart?(index + 1)
            if last, callerSleeping.exchange(false, ordering: .sequentiallyConsistent) {
                finished.signal()
            }
        }
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
