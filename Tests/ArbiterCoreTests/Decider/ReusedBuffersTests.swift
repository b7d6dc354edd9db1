import Testing
@testable import ArbiterCore

/// A decider keeps the arrays of the request it decided last and fills them for the next one
/// (`RequestBuffers`, the lines' code arrays, the run's buffers): nothing of one request may
/// show in the answer to another. One decider answering a mixed stream — both packs, orders
/// with payments, gifts and scoped discounts, malformed and refused lines in between, orders
/// of 1 to 5 items one after the other — must give, line for line, the bytes the same engines
/// give with buffers that never held a request (a new `RequestScratch` per line).
@Suite struct ReusedBuffersTests {
    static func mixedStream() throws -> [String] {
        let cn = try ServeEndToEndTests.workload(count: 300, bad: 0.2, seed: 5)
        let eu = try ServeEndToEndTests.workload(count: 150, bad: 0.1, seed: 6, options: ["--pack", "eu"])
        let payments = try ServeEndToEndTests.workload(count: 150, bad: 0, seed: 8, options: ["--payments", "1"])
        // Interleaved, so that each kind of request follows each other kind.
        var stream: [String] = []
        for index in 0..<cn.count {
            stream.append(cn[index])
            if index < eu.count { stream.append(eu[index]) }
            if index < payments.count { stream.append(payments[index]) }
        }
        return stream
    }

    static func answer(_ line: String, lineNumber: Int, with decider: Decider, scratch: RequestScratch) -> String {
        var writer = JSONWriter(pretty: false)
        let answer = Array(line.utf8).withUnsafeBytes { decider.handler.answer(to: $0, lineNumber: lineNumber, scratch: scratch) }
        decider.handler.write(answer, into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test(arguments: AuditLevel.allCases)
    func reusedDeciderAnswersAsAFreshOne(audit: AuditLevel) throws {
        let stream = try Self.mixedStream()
        let decider = Decider(policy: Repository.rulesSet, audit: audit)
        var differences: [Int] = []
        var decisions = 0
        for (index, line) in stream.enumerated() {
            let expected = Self.answer(line, lineNumber: index + 1, with: decider, scratch: RequestScratch())
            let actual = Self.answer(line, lineNumber: index + 1, with: decider, scratch: decider.scratch)
            if actual != expected { differences.append(index + 1) }
            if expected.contains("\"outcome\"") { decisions += 1 }
        }
        #expect(differences.isEmpty, "lines answered differently by a decider reusing its buffers: \(differences.prefix(10))")
        #expect(decisions > stream.count / 2, "the stream is mostly decisions (\(decisions) of \(stream.count))")
    }

    /// `serve` also gives each written decision's arrays back to its decider, which fills them
    /// with the next decision (`DecisionBuffers`): the loop's answers to the mixed stream, with
    /// one thread and with two, are the answers of buffers that never held a decision (at
    /// `summary` the fired rules' ids are such an array).
    @Test(arguments: AuditLevel.allCases)
    func recycledDecisionsAnswerAsFreshOnes(audit: AuditLevel) throws {
        let stream = try Self.mixedStream()
        let fresh = Decider(policy: Repository.rulesSet, audit: audit)
        let expected = stream.enumerated().map { index, line in
            Self.answer(line, lineNumber: index + 1, with: fresh, scratch: RequestScratch())
        }
        let input = Array((stream.joined(separator: "\n") + "\n").utf8)
        for threads in [1, 2] {
            let loop = ServeLoop(deciders: (0..<threads).map { _ in Decider(policy: Repository.rulesSet, audit: audit) })
            let run = try ServeLoopTests.serve(loop, input: input)
            #expect(run.ok)
            let answers = String(decoding: run.output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
            #expect(answers.count == expected.count)
            let differing = zip(answers, expected).enumerated().filter { $0.element.0 != $0.element.1 }.map { $0.offset + 1 }
            #expect(differing.isEmpty, "\(threads) thread(s): lines answered differently after a recycled decision: \(differing.prefix(10))")
        }
    }

    /// A `full` decision's computations share one array of values with the others of its
    /// decision (`ComputationLog`), memory the decider fills again for its next decision: an
    /// embedder that keeps its decisions must find each one as it was made. Every decision of
    /// the mixed stream is kept, and only then written: each gives the bytes (and is equal to
    /// the decision) that another decider gives for its line, written before it decides again.
    @Test func keptDecisionsAreNotChangedByTheNextOnes() throws {
        let stream = try Self.mixedStream()
        let decider = Decider(policy: Repository.rulesSet, audit: .full)
        var kept: [(line: String, decision: Decision)] = []
        for line in stream {
            if let decision = try? decider.decide(line: line) { kept.append((line, decision)) }
        }
        #expect(kept.count > stream.count / 2, "the stream is mostly decisions (\(kept.count) of \(stream.count))")
        #expect(kept.contains { $0.decision.audit?.computations.contains { $0.step == "allocate_discount" } == true })
        // Each line decided again and written at once, before the reference decides another.
        let reference = Decider(policy: Repository.rulesSet, audit: .full)
        var differing: [String] = []
        for (line, decision) in kept {
            let fresh = try reference.decide(line: line)
            var keptBytes = JSONWriter(pretty: false), freshBytes = JSONWriter(pretty: false)
            DecisionWriter.write(decision, into: &keptBytes)
            DecisionWriter.write(fresh, into: &freshBytes)
            if keptBytes.bytes != freshBytes.bytes || decision != fresh { differing.append(decision.id) }
        }
        #expect(differing.isEmpty, "decisions changed after the decider made others: \(differing.prefix(10))")
    }

    /// Two deciders (two of `serve`'s threads) record their computations with layouts of
    /// their own: the process-wide layouts, retained and released some sixty times per `full`
    /// decision, were objects both threads wrote to (`bench/shared_objects.sh`).
    @Test func decidersShareNoComputationLayout() throws {
        for (index, layout) in ComputationLayout.declared.enumerated() { #expect(layout.declaredIndex == index, "\(layout.step)") }
        let stream = try Self.mixedStream()
        let first = Decider(policy: Repository.rulesSet, audit: .full), second = Decider(policy: Repository.rulesSet, audit: .full)
        let line = try #require(stream.first { line in
            (try? first.decide(line: line))?.audit?.computations.contains { $0.step == "allocate_discount" } == true
        })
        let mine = try #require(try first.decide(line: line).audit).computations.map(\.layout)
        let theirs = try #require(try second.decide(line: line).audit).computations.map(\.layout)
        #expect(mine.count == theirs.count && mine.count > 5)
        for (layout, other) in zip(mine, theirs) {
            #expect(layout !== other)
            #expect(layout.step == other.step && layout.names == other.names)
            #expect(!ComputationLayout.declared.contains { $0 === layout })
        }
        // A decider keeps its copies: its next decision holds the same objects.
        let again = try #require(try first.decide(line: line).audit).computations.map(\.layout)
        #expect(zip(mine, again).allSatisfy { $0 === $1 })
    }
}
