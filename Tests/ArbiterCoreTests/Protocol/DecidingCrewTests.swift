import Foundation
import Synchronization
import Testing
@testable import ArbiterCore

/// The crew that decides a batch beside the serve loop's thread: every part of every job runs
/// exactly once, on its own thread, before `perform` returns — whether the helpers were still
/// awake from the last job or had gone to sleep — and `stop` ends the threads.
@Suite struct DecidingCrewTests {
    @Test(arguments: [1, 3])
    func everyPartOfEveryJobRunsOnceBeforePerformReturns(helpers: Int) {
        let crew = DecidingCrew(helpers: helpers)
        defer { crew.stop() }
        for round in 0..<2_000 {
            let runs = Mutex<[Int]>(Array(repeating: 0, count: helpers + 1))
            let threads = Mutex<Set<ObjectIdentifier>>([])
            crew.perform { part in
                // Parts of unequal length, so that the caller waits for helpers and the reverse.
                if (part + round) % 3 == 0 { for _ in 0..<((round % 7) * 200) { _ = Thread.current } }
                runs.withLock { $0[part] += 1 }
                threads.withLock { _ = $0.insert(ObjectIdentifier(Thread.current)) }
            }
            #expect(runs.withLock { $0 } == Array(repeating: 1, count: helpers + 1), "round \(round)")
            #expect(threads.withLock { $0.count } == helpers + 1)
            // Now and then a pause longer than the ready window: the helpers (and, waiting for
            // them, the caller) go to sleep and must be woken.
            if round % 250 == 0 { usleep(useconds_t(DecidingCrew.defaultReadyWindow * 3_000_000)) }
        }
    }

    /// With no time awake, every wait sleeps and every job wakes its threads: more helpers than
    /// cores, so that threads are often held up between finishing a part and looking at the
    /// caller's sleeping flag — a late helper of one job then finds the flag of the next, and
    /// `perform` must still not return before every part of that next job has run.
    @Test func sleepingHandshakesHoldWhenThreadsAreHeldUp() {
        let crew = DecidingCrew(helpers: 5, readyWindow: 0)
        defer { crew.stop() }
        var early = 0
        for round in 0..<20_000 {
            let done = Atomic<Int>(0)
            crew.perform { part in
                if part == 0, round % 2 == 0 { sched_yield() }
                done.add(1, ordering: .relaxed)
            }
            if done.load(ordering: .relaxed) != 6 { early += 1 }
        }
        #expect(early == 0, "perform returned before every part had run, \(early) times")
    }

    /// The late helper made to happen: held up after the last part of one job until the caller
    /// is asleep waiting for the next, it finds that job's sleeping flag and signals. The
    /// caller must look at the count again, not take the signal for the end of its job.
    @Test func aLateHelperOfTheLastJobDoesNotEndThisOne() {
        let crew = DecidingCrew(helpers: 1, readyWindow: 0)
        defer { crew.stop() }
        let calls = Atomic<Int>(0)
        crew.heldUpAfterPart = { _ in
            if calls.add(1, ordering: .relaxed).newValue == 1 { usleep(30_000) }
        }
        // The caller's part outlasts the helper's, so the caller finds the job done without
        // sleeping; the helper is then held up for 30 ms before it looks at the flag.
        crew.perform { part in if part == 0 { usleep(10_000) } }
        let ran = Mutex<[Int]>([])
        crew.perform { part in
            if part == 1 { usleep(20_000) }  // longer than the caller takes to wake up
            ran.withLock { $0.append(part) }
        }
        #expect(ran.withLock { $0.sorted() } == [0, 1], "perform returned before the helper's part had run")
    }

    /// A crew without helpers runs the job on the caller alone.
    @Test func aCrewWithoutHelpersRunsTheCallersPart() {
        let crew = DecidingCrew(helpers: 0)
        var parts: [Int] = []
        crew.perform { parts.append($0) }
        #expect(parts == [0])
        crew.stop()
    }

    /// After `stop` the helper threads end and let go of the crew.
    @Test func stoppedCrewIsReleased() async throws {
        weak var released: DecidingCrew?
        do {
            let crew = DecidingCrew(helpers: 2)
            crew.perform { _ in }
            usleep(useconds_t(DecidingCrew.defaultReadyWindow * 3_000_000))  // the helpers are asleep
            crew.stop()
            released = crew
        }
        for _ in 0..<200 where released != nil { try await Task.sleep(nanoseconds: 5_000_000) }
        #expect(released == nil)
    }
}
