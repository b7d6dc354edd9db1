/// A `full` trail's computations while a decision is made, kept as plain data: every step's
/// values one after the other in one array, the bytes of their texts in another, the cells of
/// their tables in a third, and per step its layout and where its values end. Nothing in these
/// arrays holds a reference, so emptying the log for the next decision destroys nothing value
/// by value, and the arrays keep their memory from one decision to the next.
///
/// Kept as `[AuditValue]` (each text a `String`, each table an array of arrays), a decision's
/// values were destroyed one by one through the runtime's generic value witnesses (some 80 per
/// `full` decision on the workload), each table allocated an array per row, and a timestamp
/// shown was a `String` of its own. `computations()` makes the public `[Computation]` from the
/// log when a decision is kept as a value; an answer written at once (`DeferredTrail`) is
/// written from the log in place (`ComputationLog+Writing.swift`), the same bytes.
struct ComputationLog {
    /// One value of a computation, or one cell of its table.
    struct Entry {
        enum Kind: UInt8 {
            case money, int, bool, null
            /// `text[number..<number + length]`, UTF-8.
            case text
            /// `tables[number]`.
            case table
            /// The id of the rule `number` refers to, unretained (`append(idOf:)`).
            case ruleID
            /// The source of the expression `number` refers to, unretained (`append(sourceOf:)`).
            case source
        }
        var kind: Kind
        var length: Int32 = 0
        var number: Int64
    }

    /// A table's rows: `rowCount` rows of `columns`' cells, row after row, from `start` in `cells`.
    struct Table {
        var columns: Int
        var start: Int
        var rowCount: Int
    }

    /// Each step's layout (its index in `layouts`) and the end of its values in `values` (its
    /// start is the previous step's end).
    struct Step {
        var layout: Int
        var end: Int
    }

    private(set) var values: [Entry] = []
    private(set) var text: [UInt8] = []
    private(set) var cells: [Entry] = []
    private(set) var tables: [Table] = []
    private(set) var steps: [Step] = []
    /// This log's own copies of the declared layouts and table columns
    /// (`ComputationLayout.declared`, `TableColumns.declared`), made at its first step: what
    /// the log is read with, so that threads each with their own evaluation state share no
    /// layout (`ComputationLayout.unsharedCopy`).
    private(set) var layouts: [ComputationLayout] = []
    private(set) var columnSets: [TableColumns] = []

    // MARK: - Recording

    /// Appends a step whose values `fill` appends (`append`), in the order of the layout's names.
    @inline(__always)
    mutating func record(_ layout: ComputationLayout, _ fill: (inout ComputationLog) -> Void) {
        record(declared: layout.declaredIndex, fill)
    }

    /// A step with a table: the layout that lists its rows, or the one that counts them.
    /// (The layout is chosen by its index: a layout returned from the tables' subscript was
    /// retained, the process-wide one.)
    @inline(__always)
    mutating func record(_ layouts: TableLayouts, _ table: AuditTable, _ fill: (inout ComputationLog) -> Void) {
        record(declared: table.isListed ? layouts.listed.declaredIndex : layouts.omitted.declaredIndex, fill)
    }

    @inline(__always)
    private mutating func record(declared index: Int, _ fill: (inout ComputationLog) -> Void) {
        prepare()
        precondition(index >= 0, "the engine records its computations with declared layouts")
        let start = values.count
        fill(&self)
        precondition(values.count - start == layouts[index].names.count, "a \(layouts[index].step) computation has \(layouts[index].names.count) fields")
        steps.append(Step(layout: index, end: values.count))
    }

    /// Before the first step or table: room for a usual decision (~85 values on the workload)
    /// in one allocation each, and this log's copies of the declared layouts.
    @inline(__always)
    private mutating func prepare() {
        guard layouts.isEmpty else { return }
        values.reserveCapacity(128)
        steps.reserveCapacity(32)
        text.reserveCapacity(2048)
        layouts = ComputationLayout.declared.map { $0.unsharedCopy() }
        columnSets = TableColumns.declared.map { $0.unsharedCopy() }
    }

    /// Appends a table whose cells `fill` appends (`cell`), `rowCount` rows of `columns`' names
    /// in order, and returns the value that stands for it in a step.
    mutating func appendTable(_ columns: TableColumns, rowCount: Int, _ fill: (inout ComputationLog) -> Void) -> Entry {
        prepare()
        let start = cells.count
        fill(&self)
        precondition(cells.count - start == rowCount * columns.names.count, "a table of \(columns.names.count) columns has \(rowCount) full rows")
        tables.append(Table(columns: columns.declaredIndex, start: start, rowCount: rowCount))
        return Entry(kind: .table, number: Int64(tables.count - 1))
    }

    /// The next value of the step being recorded.
    @inline(__always)
    mutating func append(_ value: AuditValue) {
        values.append(entry(value))
    }

    /// The next value of the step being recorded, as `AuditValue(value)` shows it.
    @inline(__always)
    mutating func append(value: Value) {
        values.append(entry(value))
    }

    /// The next value of the step being recorded: a value's name, its parts in one text.
    mutating func append(name: ValueName) {
        values.append(textEntry { text in name.withParts { text.append(contentsOf: $0) } })
    }

    /// The next value of the step being recorded: the rule's id, as a reference to the rule.
    ///
    /// The policy's texts are not copied: the entry refers to the rule, unretained. The log is
    /// read only while its decision is made and written, by the evaluation state of the decider
    /// whose engine holds the rule (as `DeferredTrail` reads its entries' rules).
    @inline(__always)
    mutating func append(idOf rule: Rule) {
        values.append(Entry(kind: .ruleID, number: Int64(Int(bitPattern: Unmanaged.passUnretained(rule).toOpaque()))))
    }

    /// The next value of the step being recorded: the expression's source, as a reference to
    /// the compiled expression (unretained, as `append(idOf:)`).
    @inline(__always)
    mutating func append(sourceOf expression: CompiledExpression) {
        values.append(Entry(kind: .source, number: Int64(Int(bitPattern: Unmanaged.passUnretained(expression).toOpaque()))))
    }

    /// The text an entry of kind `.ruleID` or `.source` refers to, borrowed for `body`.
    @inline(__always)
    func withPolicyText<Result>(_ entry: Entry, _ body: (String) -> Result) -> Result {
        let pointer = UnsafeRawPointer(bitPattern: Int(entry.number))!
        if entry.kind == .ruleID {
            return Unmanaged<Rule>.fromOpaque(pointer)._withUnsafeGuaranteedRef { body($0.id) }
        }
        return Unmanaged<CompiledExpression>.fromOpaque(pointer)._withUnsafeGuaranteedRef { body($0.source) }
    }

    /// A step's table (`EvaluationState.auditTable`), or the count of its rows left out.
    @inline(__always)
    mutating func append(_ table: AuditTable) {
        values.append(table.value)
    }

    /// The next cell of the table being recorded.
    @inline(__always)
    mutating func cell(_ value: AuditValue) {
        cells.append(entry(value))
    }

    @inline(__always)
    private mutating func entry(_ value: AuditValue) -> Entry {
        switch value {
        case .money(let amount): return Entry(kind: .money, number: amount)
        case .int(let number): return Entry(kind: .int, number: number)
        case .bool(let flag): return Entry(kind: .bool, number: flag ? 1 : 0)
        case .null: return Entry(kind: .null, number: 0)
        case .string(let string): return entry(text: string)
        case .rows: preconditionFailure("a computation's table is recorded with appendTable")
        }
    }

    @inline(__always)
    private mutating func entry(_ value: Value) -> Entry {
        switch value {
        case .null: return Entry(kind: .null, number: 0)
        case .bool(let flag): return Entry(kind: .bool, number: flag ? 1 : 0)
        case .int(let number): return Entry(kind: .int, number: number)
        case .money(let amount): return Entry(kind: .money, number: amount)
        case .string(let string): return entry(text: string)
        case .timestamp(let timestamp):
            // Straight from the digits: no `String` is made for it.
            return timestamp.withRFC3339Bytes { entry(bytes: $0) }
        case .percent, .duration, .list: return entry(AuditValue(value))
        }
    }

    private mutating func entry(text string: String) -> Entry {
        var string = string
        return string.withUTF8 { entry(bytes: $0) }
    }

    private mutating func entry(bytes: UnsafeBufferPointer<UInt8>) -> Entry {
        textEntry { $0.append(contentsOf: bytes) }
    }

    /// The entry for the text `write` appends to the log's text bytes.
    @inline(__always)
    private mutating func textEntry(_ write: (inout [UInt8]) -> Void) -> Entry {
        let start = text.count
        write(&text)
        return Entry(kind: .text, length: Int32(truncatingIfNeeded: text.count - start), number: Int64(start))
    }

    /// Empties the log for the next decision, keeping its memory.
    mutating func removeAll() {
        values.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        cells.removeAll(keepingCapacity: true)
        tables.removeAll(keepingCapacity: true)
        steps.removeAll(keepingCapacity: true)
    }

    // MARK: - Reading

    /// The steps recorded, in order, as the decision's computations.
    func computations() -> [Computation] {
        var all: [AuditValue] = []
        all.reserveCapacity(values.count)
        for index in values.indices { all.append(auditValue(values[index])) }
        var start = 0
        return steps.map { step in
            defer { start = step.end }
            return Computation(layouts[step.layout], all[start..<step.end])
        }
    }

    /// The `AuditValue` an entry stands for.
    func auditValue(_ entry: Entry) -> AuditValue {
        switch entry.kind {
        case .money: return .money(entry.number)
        case .int: return .int(entry.number)
        case .bool: return .bool(entry.number != 0)
        case .null: return .null
        case .text: return .string(String(decoding: text[Int(entry.number)..<Int(entry.number) + Int(entry.length)], as: UTF8.self))
        case .ruleID, .source: return .string(withPolicyText(entry) { $0 })
        case .table:
            let table = tables[Int(entry.number)]
            let names = columnSets[table.columns].names
            return .rows((0..<table.rowCount).map { row in
                names.indices.map { column in
                    AuditField(name: names[column], value: auditValue(cells[table.start + row * names.count + column]))
                }
            })
        }
    }
}

/// The columns of a computation's table (`allocate_discount`'s rows, …): their names, with each
/// name's JSON key encoded once, as `ComputationLayout` has them for a step's fields.
final class TableColumns: Sendable {
    let names: [String]
    /// `"<name>":` for each name (`EncodedJSON(encodedKeys, position)`).
    let encodedKeys: EncodedFragments
    /// Where `TableColumns.declared` lists these.
    let declaredIndex: Int

    init(_ names: [String], declaredIndex: Int) {
        self.names = names
        self.declaredIndex = declaredIndex
        encodedKeys = EncodedFragments(keys: names)
    }

    /// The same columns in objects and storage of their own (`ComputationLayout.unsharedCopy`).
    func unsharedCopy() -> TableColumns {
        TableColumns(names.map { $0.unsharedCopy() }, declaredIndex: declaredIndex)
    }
}
