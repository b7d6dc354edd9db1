import Testing
@testable import ArbiterCore

/// The audit trail's in-place storage: `InPlaceBuffer` and the field-by-field initializers that
/// build a step or an entry where it is stored. A field an initializer forgot would be garbage
/// (and the value unequal to the one `init` makes, or a crash): these compare them value for
/// value, with reference-counted payloads in every field.
@Suite struct InPlaceBufferTests {
    static let list = Value.list([.string("fresh_food"), .string("custom_made")])

    @Test func aStepMadeInPlaceEqualsTheInitializedStep() {
        let cases: [(String, Value, Value?, Value?, Int)] = [
            ("", .bool(true), nil, nil, 3),
            ("item.category in excluded", .bool(false), .string("fresh_food " + String(repeating: "x", count: 40)), Self.list, 0),
            ("order.shipping_fee == 0", .bool(true), .money(1_200), .money(0), -1),
        ]
        let buffer = InPlaceBuffer<ConditionStep>(capacity: 1)  // grows twice on the way
        for (text, value, left, right, index) in cases {
            ConditionStep.initialize(buffer.nextSlot(), text: text, value: value, left: left, right: right, textIndex: index)
        }
        let made = buffer.moveToArray()
        #expect(made == cases.map { ConditionStep(text: $0.0, value: $0.1, left: $0.2, right: $0.3, textIndex: $0.4) })
        #expect(buffer.count == 0)
    }

    @Test func anEntryMadeInPlaceEqualsTheInitializedEntry() {
        let rule = Rule(id: "cn.returns.window", description: "七天无理由", basis: "消费者权益保护法第二十五条", scope: .line,
                        condition: nil, effects: [], location: SourceLocation(file: "rules/10.yaml", line: 4, column: 3),
                        order: 2, source: "rules/10.yaml:4")
        let steps = [ConditionStep(text: "a", value: .bool(true), textIndex: 0), ConditionStep(text: "b", value: .string("L-1 gift"), textIndex: 1)]
        let effects = ["approve SEVEN_DAY_NO_REASON", "adjust THRESHOLD_CLAWBACK for D1"]
        let buffer = InPlaceBuffer<TraceEntry>(capacity: 4)
        TraceEntry.initialize(buffer.nextSlot(), recorded: rule, steps: steps[1...], line: "L-" + String(repeating: "7", count: 30), fired: true, effects: effects)
        TraceEntry.initialize(buffer.nextSlot(), recorded: rule, steps: steps[0..<0], line: nil, fired: false, effects: [])
        let made = buffer.moveToArray()
        #expect(made == [
            TraceEntry(recorded: rule, steps: steps[1...], line: "L-" + String(repeating: "7", count: 30), fired: true, effects: effects),
            TraceEntry(recorded: rule, steps: steps[0..<0], line: nil, fired: false, effects: []),
        ])
    }

    @Test func aBufferKeepsOrderThroughGrowthChangesInPlaceAndEmpties() {
        let buffer = InPlaceBuffer<String>(capacity: 2)
        for number in 0..<100 { buffer.nextSlot().initialize(to: "line " + String(number) + String(repeating: "-", count: 20)) }
        buffer.modify(99) { $0 += " (last)" }
        #expect(buffer.count == 100)
        let all = buffer.moveToArray()
        #expect(all.count == 100 && all.first == "line 0" + String(repeating: "-", count: 20) && all.last?.hasSuffix("(last)") == true)
        #expect(buffer.count == 0 && buffer.moveToArray().isEmpty)
        buffer.nextSlot().initialize(to: "again")
        buffer.removeAll()
        #expect(buffer.count == 0)
    }
}
