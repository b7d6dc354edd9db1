import Testing
@testable import ArbiterCore

/// A `full` answer that is written at once (`serve` without `--log`, `Decider.answer(line:)`)
/// is written from the trail as the engine recorded it (`DeferredTrail`), not from the trail
/// made as values that `Decider.decide` returns. The two must be the same bytes, and a trail
/// left behind — not written, or left out of an answer for its size — must never show in
/// another answer.
@Suite struct DeferredTrailTests {
    /// The answer written from the typed decision, by a decider that never held a request.
    static func typedAnswer(_ line: String) -> String {
        ReusedBuffersTests.answer(line, lineNumber: 1, with: Decider(policy: Repository.rulesSet, audit: .full), scratch: RequestScratch())
    }

    static func answer(_ line: String, by decider: Decider) -> String {
        String(decoding: decider.answer(line: Array(line.utf8)), as: UTF8.self)
    }

    /// The mixed stream (both packs, payments, gifts, scoped discounts, refused lines between
    /// them), answered by one decider: every answer the typed one.
    @Test func writtenFromTheRecordedTrailTheAnswerIsTheTypedOne() throws {
        let stream = try ReusedBuffersTests.mixedStream()
        let decider = Decider(policy: Repository.rulesSet, audit: .full)
        let typed = Decider(policy: Repository.rulesSet, audit: .full)
        var differing: [Int] = []
        var trails = 0
        for (index, line) in stream.enumerated() {
            let expected = ReusedBuffersTests.answer(line, lineNumber: 1, with: typed, scratch: typed.scratch)
            let actual = Self.answer(line, by: decider)
            if actual != expected { differing.append(index + 1) }
            if expected.contains(#""trace":[{"rule""#) { trails += 1 }
        }
        #expect(differing.isEmpty, "lines answered differently from the recorded trail: \(differing.prefix(10))")
        #expect(trails > stream.count / 2, "most answers carry a trace (\(trails) of \(stream.count))")
    }

    /// A decision made with its trail deferred whose answer is never written leaves nothing
    /// in the next decision, typed or written.
    @Test func aTrailNotWrittenIsNotInTheNextAnswer() throws {
        let stream = try ReusedBuffersTests.mixedStream().filter { $0.contains(#""lines""#) }.prefix(40)
        let decider = Decider(policy: Repository.rulesSet, audit: .full)
        let fresh = Decider(policy: Repository.rulesSet, audit: .full)
        for (first, second) in zip(stream, stream.dropFirst()) {
            decider.scratch.defersTrail = true
            _ = Array(first.utf8).withUnsafeBytes { decider.handler.answer(to: $0, lineNumber: 1, scratch: decider.scratch) }
            decider.scratch.defersTrail = false
            let typed = Result { try decider.decide(line: second) }
            let expected = Result { try fresh.decide(line: second) }
            switch (typed, expected) {
            case (.success(let decision), .success(let reference)):
                #expect(decision == reference, "the decision after an unwritten trail")
                #expect(decision.audit?.trace?.isEmpty == false, "a typed decision has its trace")
            case (.failure, .failure): break
            default: Issue.record("decided one way and not the other: \(second.prefix(80))")
            }
            // And written: the next answer is the typed one.
            decider.scratch.defersTrail = true
            _ = Array(second.utf8).withUnsafeBytes { decider.handler.answer(to: $0, lineNumber: 1, scratch: decider.scratch) }
            decider.scratch.defersTrail = false
            #expect(Self.answer(first, by: decider) == Self.typedAnswer(first))
        }
    }

    /// A trail too long for an answer is replaced by its size (SPEC section 8) and let go: the
    /// answer is the typed one, and so is the next.
    @Test func aTrailLeftOutForItsSizeIsLetGo() throws {
        let worst = ResourceBoundTests.worstShape(items: 1000, discounts: 10, lines: 1000, idLength: 300, categoryLength: 300)
        let next = try #require(try ReusedBuffersTests.mixedStream().first { $0.contains(#""lines""#) && !$0.contains("\"op\"") })
        let decider = Decider(policy: Repository.rulesSet, audit: .full)
        let answer = Self.answer(worst, by: decider)
        #expect(answer.contains(#""trail_omitted":{"bytes":"#))
        #expect(answer == Self.typedAnswer(worst))
        #expect(Self.answer(next, by: decider) == Self.typedAnswer(next))
    }
}
