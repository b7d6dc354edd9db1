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
            if round % 250 == 0 { usleep(useconds_t(DecidingCrew.readyWindow * 3_000_000)) }
        }
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
            usleep(useconds_t(DecidingCrew.readyWindow * 3_000_000))  // the helpers are asleep
            crew.stop()
            released = crew
        }
        for _ in 0..<200 where released != nil { try await Task.sleep(nanoseconds: 5_000_000) }
        #expect(released == nil)
    }
}
