import Testing
@testable import ArbiterCore

/// The `full` trail's computations as the engine records them (`ComputationLog`: plain data,
/// texts in one byte array, tables' cells in another): what `computations()` makes of them is
/// what was recorded, the log written in place is byte for byte the written `[Computation]`,
/// and emptying the log for the next decision keeps its memory.
@Suite struct ComputationLogTests {
    /// A log with one step of each kind of value: a text that needs escapes and is not ASCII, a
    /// timestamp and a duration shown as text, and a table of two rows.
    static func sampleLog() -> ComputationLog {
        var log = ComputationLog()
        log.record(.define) { values in
            values.append(.string("cn.rule"))
            values.append(.null)
            values.append(.string("window"))
            values.append(.string("a \"quoted\" × text\n  on two lines"))
            values.append(value: .timestamp(Timestamp(epochSeconds: 1_762_000_000, nanoseconds: 0, offsetSeconds: 8 * 3600)))
        }
        let table = log.appendTable(.refundByMethod, rowCount: 2) { log in
            log.cell(.string("alipay"))
            log.cell(.money(20_000))
            log.cell(.money(0))
            log.cell(.money(15_050))
            log.cell(.string("积分"))
            log.cell(.money(100))
            log.cell(.money(-1))
            log.cell(.money(0))
        }
        log.record(.refundByMethod) { values in
            values.append(.money(15_050))
            values.append(.money(30_000))
            values.append(AuditTable(isListed: true, value: table))
        }
        log.record(.expression) { values in
            values.append(.string("cn.other"))
            values.append(.string("deadlines.refund_by"))
            values.append(.string("refund_within_days"))
            values.append(value: .duration(3 * 86_400))
        }
        log.record(.applyAdjustment) { values in
            values.append(.string("CODE"))
            values.append(.string("cn.adjust"))
            values.append(.money(-500))
            values.append(.money(-300))
            values.append(.bool(true))
            values.append(.int(42))
        }
        return log
    }

    @Test func theComputationsAreWhatWasRecorded() {
        let computations = Self.sampleLog().computations()
        #expect(computations.map(\.step) == ["define", "refund_by_method", "expression", "apply_adjustment"])
        #expect(computations[0].fields.map(\.value) == [
            .string("cn.rule"), .null, .string("window"), .string("a \"quoted\" × text\n  on two lines"),
            .string("2025-11-01T20:26:40+08:00"),
        ])
        #expect(computations[1].fields.map(\.name) == ["refund_total", "refundable", "rows"])
        #expect(computations[1].fields[2].value == .rows([
            [AuditField("method", .string("alipay")), AuditField("amount", .money(20_000)), AuditField("refunded_before", .money(0)), AuditField("refund", .money(15_050))],
            [AuditField("method", .string("积分")), AuditField("amount", .money(100)), AuditField("refunded_before", .money(-1)), AuditField("refund", .money(0))],
        ]))
        #expect(computations[2].fields[3].value == .string("3d"))
        #expect(computations[3].fields.map(\.value) == [.string("CODE"), .string("cn.adjust"), .money(-500), .money(-300), .bool(true), .int(42)])
    }

    /// The log written in place and its computations written as values, as JSON text.
    static func written(_ log: ComputationLog, pretty: Bool) -> (inPlace: String, typed: String) {
        var inPlace = JSONWriter(pretty: pretty)
        inPlace.beginArray()
        log.write(digits: 2, into: &inPlace)
        inPlace.endArray()
        var typed = JSONWriter(pretty: pretty)
        typed.beginArray()
        for computation in log.computations() { DecisionWriter.write(computation, digits: 2, into: &typed) }
        typed.endArray()
        return (String(decoding: inPlace.bytes, as: UTF8.self), String(decoding: typed.bytes, as: UTF8.self))
    }

    /// Written in place, compact and as a tree, the log is what its computations write.
    @Test func writtenInPlaceItIsTheWrittenComputations() {
        let log = Self.sampleLog()
        for pretty in [false, true] {
            let written = Self.written(log, pretty: pretty)
            #expect(written.inPlace == written.typed, "pretty: \(pretty)")
        }
        var inPlaceTree = JSONTreeWriter()
        inPlaceTree.beginArray()
        log.write(digits: 2, into: &inPlaceTree)
        inPlaceTree.endArray()
        var typedTree = JSONTreeWriter()
        typedTree.beginArray()
        for computation in log.computations() { DecisionWriter.write(computation, digits: 2, into: &typedTree) }
        typedTree.endArray()
        #expect(inPlaceTree.value == typedTree.value)
    }

    /// A rule's id and an expression's source are recorded as references to the policy's
    /// objects (not copied): they read back and write as the texts themselves.
    @Test func policyTextsAreTheRulesOwn() throws {
        let rule = try #require(Repository.rulesSet.packs[0].current.lineRules.first { $0.condition != nil })
        let condition = try #require(rule.condition)
        var log = ComputationLog()
        log.record(.expression) { values in
            values.append(idOf: rule)
            values.append(name: ValueName("offer X", " for line ", "L1"))
            values.append(sourceOf: condition)
            values.append(.bool(true))
        }
        let computations = log.computations()
        #expect(computations.map { $0.fields.map(\.value) } == [[.string(rule.id), .string("offer X for line L1"), .string(condition.source), .bool(true)]])
        let written = Self.written(log, pretty: false)
        #expect(written.inPlace == written.typed)
    }

    /// The next decision's values go where the last one's were: no array is made again.
    @Test func emptiedItKeepsItsMemory() {
        var log = Self.sampleLog()
        let capacities = [log.values.capacity, log.text.capacity, log.cells.capacity, log.tables.capacity, log.steps.capacity]
        for _ in 0..<3 {
            log.removeAll()
            #expect(log.computations().isEmpty)
            log.record(.refundItems) { values in
                values.append(.string("sum of paid of approved and review lines"))
                values.append(.money(1))
            }
        }
        #expect([log.values.capacity, log.text.capacity, log.cells.capacity, log.tables.capacity, log.steps.capacity] == capacities)
        #expect(log.computations().map(\.fields) == [[AuditField("formula", .string("sum of paid of approved and review lines")), AuditField("amount", .money(1))]])
    }

    /// Every kind of table the engine records is in the mixed stream's `full` answers, so the
    /// comparison of answers written in place with typed ones (`DeferredTrailTests`) covers them.
    @Test func theMixedStreamHasEveryKindOfTable() throws {
        let decider = Decider(policy: Repository.rulesSet, audit: .full)
        var seen: Set<String> = []
        for line in try ReusedBuffersTests.mixedStream() {
            guard let decision = try? decider.decide(line: line) else { continue }
            for computation in decision.audit?.computations ?? [] where computation.fields.contains(where: { if case .rows(let rows) = $0.value { !rows.isEmpty } else { false } }) {
                seen.insert(computation.step)
            }
        }
        #expect(seen == ["allocate_discount", "split", "kept_units", "allocation_on_kept", "refund_by_method"])
    }
}
