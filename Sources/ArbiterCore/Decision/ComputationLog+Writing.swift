/// Writing a `ComputationLog` in place: each step `{"step",…}` as
/// `DecisionWriter.writeComputation` writes the `Computation` that `computations()` makes of
/// it, byte for byte (`ComputationLogTests` compares the two), read straight from the log's
/// arrays: no `AuditValue`, no `String` and no array per table row is made.
extension ComputationLog {
    /// The computations, each `{"step",…}`, comma-separated.
    func write<Output: JSONOutput & ~Copyable>(digits: Int, into writer: inout Output) {
        values.withUnsafeBufferPointer { values in
            steps.withUnsafeBufferPointer { steps in
                var start = 0
                for index in steps.indices {
                    // A step has one value per name of its layout (`record` checks it).
                    DecisionWriter.writeStep(layouts[steps[index].layout], into: &writer) { position, writer in
                        write(values[start + position], digits: digits, into: &writer)
                    }
                    start = steps[index].end
                }
            }
        }
    }

    /// One value or cell, as `DecisionWriter.write(_: AuditValue, …)` writes what it stands for.
    private func write<Output: JSONOutput & ~Copyable>(_ entry: Entry, digits: Int, into writer: inout Output) {
        switch entry.kind {
        case .money: writer.money(entry.number, fractionDigits: digits)
        case .int: writer.int64(entry.number)
        case .bool: writer.bool(entry.number != 0)
        case .null: writer.null()
        case .text:
            writer.string(utf8: text, in: Int(entry.number)..<Int(entry.number) + Int(entry.length))
        case .ruleID, .source:
            withPolicyText(entry) { writer.string($0) }
        case .table:
            let table = tables[Int(entry.number)]
            let columns = columnSets[table.columns]
            writer.beginArray()
            cells.withUnsafeBufferPointer { cells in
                columns.names.withUnsafeBufferPointer { names in
                    var cell = table.start
                    for _ in 0..<table.rowCount {
                        writer.beginObject()
                        for column in names.indices {
                            writer.key(encoded: EncodedJSON(columns.encodedKeys, column), name: names[column])
                            write(cells[cell], digits: digits, into: &writer)
                            cell += 1
                        }
                        writer.endObject()
                    }
                }
            }
            writer.endArray()
        }
    }
}
