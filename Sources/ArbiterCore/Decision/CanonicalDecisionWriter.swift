/// Writes a decision (or an error answer) as canonical JSON, straight from the typed value:
/// byte for byte what `CanonicalJSONWriter` makes of the bytes `DecisionWriter` (or
/// `ProtocolHandler.write(_:into:)`) writes for it, without writing, parsing and sorting them
/// first. The decision log's records embed the answer this way (SPEC section 10).
///
/// A decision's keys are a fixed vocabulary, written here in their sorted (UTF-8 byte) order.
/// The only names that are not are a computation's fields, sorted once per kind of step
/// (`ComputationLayout`), and the columns of a table value (`AuditValue.rows`), sorted here per
/// row. A name written twice in one object would make the canonical form drop a member (the
/// last one counts) and differ in length from the answer, which the omitted-trail rule
/// measures; such a decision is declined (`write` returns false) and the caller canonicalises
/// the answer's bytes instead.
///
/// `CanonicalDecisionTests` checks the equality on the shared workload at every audit level.
enum CanonicalDecisionWriter {
    /// Appends the canonical JSON of `decision`'s answer to `writer` (compact). False, with
    /// nothing written, when the decision is one the generic canonicaliser must handle.
    static func write(_ decision: Decision, into writer: inout JSONWriter) -> Bool {
        precondition(!writer.pretty, "canonical JSON is compact")
        let start = writer.mark()
        let digits = decision.currency.fractionDigits
        func money(_ amount: Int64) { writer.money(amount, fractionDigits: digits) }
        writer.beginObject()
        if let audit = decision.audit {
            guard write(audit, digits: digits, into: &writer) else {
                writer.rewind(to: start)
                return false
            }
        }
        writer.field("compensation"); writeGrants(decision.compensation, digits: digits, into: &writer)
        writer.field("deadlines"); writer.beginObject()
        writer.field("refund_by")
        if let refundBy = decision.deadlines.refundBy { writer.timestamp(refundBy) } else { writer.null() }
        writer.field("refund_within_days_of_receipt")
        if let days = decision.deadlines.refundWithinDaysOfReceipt { writer.int64(days) } else { writer.null() }
        writer.field("return_by")
        if let returnBy = decision.deadlines.returnBy { writer.timestamp(returnBy) } else { writer.null() }
        writer.endObject()
        writer.field("id"); writer.string(decision.id)
        writer.field("lines"); writer.beginArray()
        for line in decision.lines {
            writer.beginObject()
            writer.field("discount"); money(line.discount)
            writer.field("gross"); money(line.gross)
            writer.field("line"); writer.string(line.line)
            writer.field("paid"); money(line.paid)
            writer.field("quantity"); writer.int(line.quantity)
            writer.field("reasons"); writer.beginArray()
            for code in line.reasons { writer.string(code) }
            writer.endArray()
            writer.field("refund"); money(line.refund)
            writer.field("verdict"); writer.string(line.verdict.rawValue)
            writer.endObject()
        }
        writer.endArray()
        writer.field("offers"); writeGrants(decision.offers, digits: digits, into: &writer)
        writer.field("outcome"); writer.string(decision.outcome.rawValue)
        writer.field("reasons"); writer.beginArray()
        for reason in decision.reasons {
            writer.beginObject()
            writer.field("code"); writer.string(reason.code)
            writer.field("message"); writer.string(reason.message)
            writer.field("rule"); writer.string(reason.rule)
            writer.endObject()
        }
        writer.endArray()
        writer.field("refund"); writer.beginObject()
        writer.field("adjustments"); writer.beginArray()
        for adjustment in decision.refund.adjustments {
            writer.beginObject()
            writer.field("amount"); money(adjustment.amount)
            writer.field("code"); writer.string(adjustment.code)
            if let discount = adjustment.discount { writer.field("discount"); writer.string(discount) }
            if let line = adjustment.line { writer.field("line"); writer.string(line) }
            writer.field("rule"); writer.string(adjustment.rule)
            writer.endObject()
        }
        writer.endArray()
        if let byMethod = decision.refund.byMethod {
            writer.field("by_method"); writer.beginArray()
            for part in byMethod {
                writer.beginObject()
                writer.field("amount"); money(part.amount)
                writer.field("method"); writer.string(part.method)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.field("currency"); writer.string(decision.currency.code)
        writer.field("items"); money(decision.refund.items)
        writer.field("shipping"); money(decision.refund.shipping)
        writer.field("total"); money(decision.refund.total)
        writer.endObject()
        writer.field("return_shipping"); writer.beginObject()
        writer.field("payer"); writer.string(decision.returnShippingPayer.rawValue)
        writer.endObject()
        writer.endObject()
        return true
    }

    /// Appends the canonical JSON of an error answer: `{"error":{"code","line","message","path"},"id"}`.
    static func write(_ error: AnswerError, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("error"); writer.beginObject()
        writer.field("code"); writer.string(error.code.rawValue)
        writer.field("line"); writer.int(error.line)
        writer.field("message"); writer.string(error.message)
        writer.field("path")
        if let path = error.path { writer.string(path) } else { writer.null() }
        writer.endObject()
        writer.field("id")
        if let id = error.id { writer.string(id) } else { writer.null() }
        writer.endObject()
    }

    private static func writeGrants(_ grants: [Grant], digits: Int, into writer: inout JSONWriter) {
        writer.beginArray()
        for grant in grants {
            writer.beginObject()
            writer.field("amount"); writer.money(grant.amount, fractionDigits: digits)
            writer.field("code"); writer.string(grant.code)
            writer.field("kind"); writer.string(grant.kind)
            if let line = grant.line { writer.field("line"); writer.string(line) }
            writer.field("rule"); writer.string(grant.rule)
            writer.endObject()
        }
        writer.endArray()
    }

    /// `"audit":{…}` with its members sorted; the trace and computations are replaced by
    /// `trail_omitted` exactly when `DecisionWriter` replaces them (their compact size over
    /// `AuditRecord.maximumTrailBytes`). False when a name repeats in one object.
    private static func write(_ audit: AuditRecord, digits: Int, into writer: inout JSONWriter) -> Bool {
        writer.field("audit"); writer.beginObject()
        let beforeTrail = writer.mark()
        var trailBytes = 0
        if audit.trace != nil {
            // `,"trace":` and `,"computations":` as the answer writes them, before their arrays.
            trailBytes = 9 + 16
            writer.field("computations")
            let computationsStart = writer.count
            writer.beginArray()
            // Read in place through buffer pointers, as `DecisionWriter` reads them: an element
            // read from an array is a copy (its strings, arrays and rule retained and released).
            let written = audit.computations.withUnsafeBufferPointer { computations in
                computations.indices.allSatisfy { write(computations[$0], digits: digits, into: &writer) }
            }
            guard written else { return false }
            writer.endArray()
            trailBytes += writer.count - computationsStart
        }
        writeIdentity(audit, into: &writer)
        if let trace = audit.trace {
            writer.field("trace")
            let traceStart = writer.count
            writer.beginArray()
            let written = trace.withUnsafeBufferPointer { entries in
                entries.indices.allSatisfy { write(entries.baseAddress! + $0, digits: digits, into: &writer) }
            }
            guard written else { return false }
            writer.endArray()
            trailBytes += writer.count - traceStart
            if trailBytes > AuditRecord.maximumTrailBytes {
                // As the answer: the trail goes, its size stays (SPEC section 8).
                writer.rewind(to: beforeTrail)
                writeIdentity(audit, into: &writer)
                writer.field("trail_omitted"); writer.beginObject()
                writer.field("bytes"); writer.int(trailBytes)
                writer.field("limit"); writer.int(AuditRecord.maximumTrailBytes)
                writer.field("why"); writer.string("the trace and computations of this request are longer than an answer may carry; decide it with fewer lines per request to audit it in full")
                writer.endObject()
            }
        }
        writer.endObject()
        return true
    }

    /// `engine`, `input_digest`, `policy` and `rules_fired`: the members of `audit` that sort
    /// between `computations` and `trace`, and stay when the trail is omitted.
    private static func writeIdentity(_ audit: AuditRecord, into writer: inout JSONWriter) {
        writer.field("engine"); writer.string(audit.engine)
        writer.field("input_digest"); writer.string(audit.inputDigest)
        writer.field("policy"); writer.beginObject()
        writer.field("digest"); writer.string(audit.policyDigest)
        writer.field("name"); writer.string(audit.policyName)
        writer.field("version"); writer.string(audit.policyVersion)
        writer.endObject()
        writer.field("rules_fired"); writer.beginArray()
        for rule in audit.rulesFired { writer.string(rule) }
        writer.endArray()
    }

    /// A trace entry: `at`, `basis`, `conditions`, `effects`?, `fired`, `line`?, `rule`.
    /// For an entry the engine recorded, the rule's members and each condition's `expr` are
    /// copied from the JSON encoded once at load, as the answer's writer copies them.
    private static func write(_ entry: UnsafePointer<TraceEntry>, digits: Int, into writer: inout JSONWriter) -> Bool {
        writer.beginObject()
        switch entry.pointee.storage {
        case .recorded(let rule, let steps):
            writer.members(json: rule.canonicalAuditHead)
            writer.field("conditions"); writer.beginArray()
            if steps.isEmpty, rule.condition != nil {
                writer.beginObject()
                writer.members(json: rule.conditionSourceMember)
                writer.field("value"); writer.bool(entry.pointee.fired)
                writer.endObject()
            }
            steps.withUnsafeBufferPointer { steps in
                for index in steps.indices {
                    let textIndex = steps[index].textIndex
                    writer.beginObject()
                    writer.members(json: rule.conditionTextMember(textIndex))
                    // `left`?, `right`?, `value`: sorted after `expr`.
                    if let left = steps[index].left { writer.field("left"); DecisionWriter.write(left, digits: digits, into: &writer) }
                    if let encoded = rule.encodedRight(textIndex: textIndex, right: steps[index].right) {
                        writer.members(json: encoded)
                    } else if let right = steps[index].right {
                        writer.field("right"); DecisionWriter.write(right, digits: digits, into: &writer)
                    }
                    writer.field("value"); DecisionWriter.write(steps[index].value, digits: digits, into: &writer)
                    writer.endObject()
                }
            }
            writer.endArray()
            writeEffectsFiredLine(entry, into: &writer)
            writer.members(json: rule.canonicalAuditRule)
        case .values(let rule, let at, let basis, let conditions):
            writer.field("at"); writer.string(at)
            writer.field("basis"); writer.string(basis)
            writer.field("conditions"); writer.beginArray()
            for condition in conditions {
                writer.beginObject()
                writer.field("expr"); writer.string(condition.expr)
                guard write(condition.value, left: condition.left, right: condition.right, digits: digits, into: &writer) else { return false }
                writer.endObject()
            }
            writer.endArray()
            writeEffectsFiredLine(entry, into: &writer)
            writer.field("rule"); writer.string(rule)
        }
        writer.endObject()
        return true
    }

    /// A trace entry's members between `conditions` and `rule`: `effects`?, `fired`, `line`?.
    private static func writeEffectsFiredLine(_ entry: UnsafePointer<TraceEntry>, into writer: inout JSONWriter) {
        if !entry.pointee.effects.isEmpty {
            writer.field("effects"); writer.beginArray()
            entry.pointee.effects.withUnsafeBufferPointer { effects in
                for index in effects.indices { writer.string(effects[index]) }
            }
            writer.endArray()
        }
        writer.field("fired"); writer.bool(entry.pointee.fired)
        if let line = entry.pointee.line { writer.field("line"); writer.string(line) }
    }

    /// A condition step's `left`?, `right`? and `value`, in that (sorted) order after its `expr`.
    private static func write(_ value: AuditValue, left: AuditValue?, right: AuditValue?, digits: Int, into writer: inout JSONWriter) -> Bool {
        if let left {
            writer.field("left")
            guard write(left, digits: digits, into: &writer) else { return false }
        }
        if let right {
            writer.field("right")
            guard write(right, digits: digits, into: &writer) else { return false }
        }
        writer.field("value")
        return write(value, digits: digits, into: &writer)
    }

    private static func write(_ value: AuditValue, digits: Int, into writer: inout JSONWriter) -> Bool {
        switch value {
        case .money(let amount): writer.money(amount, fractionDigits: digits)
        case .int(let number): writer.int64(number)
        case .string(let text): writer.string(text)
        case .bool(let flag): writer.bool(flag)
        case .null: writer.null()
        case .rows(let rows):
            writer.beginArray()
            for row in rows {
                guard writeRow(row, digits: digits, into: &writer) else { return false }
            }
            writer.endArray()
        }
        return true
    }

    /// A computation, its members in the order its layout sorted once. False when a name repeats.
    private static func write(_ computation: Computation, digits: Int, into writer: inout JSONWriter) -> Bool {
        let layout = computation.layout
        guard let order = layout.canonicalOrder else { return false }
        writer.beginObject()
        let written = layout.names.withUnsafeBufferPointer { names in
            computation.values.withUnsafeBufferPointer { values in
                for position in order {
                    if position < 0 {
                        writer.field("step"); writer.string(layout.step)
                    } else {
                        writer.key(encoded: EncodedJSON(layout.encodedKeys, position), name: names[position])
                        guard write(values[position], digits: digits, into: &writer) else { return false }
                    }
                }
                return true
            }
        }
        writer.endObject()
        return written
    }

    /// A row of a table value, members sorted by the names' UTF-8 bytes. False when a name repeats.
    private static func writeRow(_ fields: [AuditField], digits: Int, into writer: inout JSONWriter) -> Bool {
        let count = fields.count
        return withUnsafeTemporaryAllocation(of: SortKey.self, capacity: count) { keys -> Bool in
            // Names sort by their first eight bytes as one integer, then (rarely) by all their bytes.
            for position in fields.indices {
                keys.initializeElement(at: position, to: SortKey(prefix: prefix(of: fields[position].name), position: position))
            }
            defer { _ = keys.deinitialize() }
            // 0 when equal, negative when `left` goes first.
            func order(_ left: SortKey, _ right: SortKey) -> Int {
                if left.prefix != right.prefix { return left.prefix < right.prefix ? -1 : 1 }
                let leftName = fields[left.position].name, rightName = fields[right.position].name
                if leftName.utf8.elementsEqual(rightName.utf8) { return 0 }
                return leftName.utf8.lexicographicallyPrecedes(rightName.utf8) ? -1 : 1
            }
            // Insertion sort: a few names each.
            for position in 1..<max(1, count) {
                let key = keys[position]
                var hole = position
                while hole > 0, order(key, keys[hole - 1]) < 0 {
                    keys[hole] = keys[hole - 1]
                    hole -= 1
                }
                keys[hole] = key
            }
            for position in 1..<max(1, count) where keys[position].prefix == keys[position - 1].prefix {
                if order(keys[position], keys[position - 1]) == 0 { return false }
            }
            writer.beginObject()
            for key in keys {
                writer.key(fields[key.position].name)
                guard write(fields[key.position].value, digits: digits, into: &writer) else { return false }
            }
            writer.endObject()
            return true
        }
    }

    private struct SortKey {
        /// The name's first eight UTF-8 bytes, big-endian, zero-padded: integer order is byte order.
        var prefix: UInt64
        /// Index of the field.
        var position: Int
    }

    private static func prefix(of name: String) -> UInt64 {
        // Names are native strings: their bytes are contiguous (the generic path is a fallback).
        if let prefix = name.utf8.withContiguousStorageIfAvailable({ prefix(ofBytes: $0) }) { return prefix }
        return Array(name.utf8).withUnsafeBufferPointer { prefix(ofBytes: $0) }
    }

    @inline(__always)
    private static func prefix(ofBytes bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var prefix: UInt64 = 0
        var shift: UInt64 = 56
        for position in 0..<min(8, bytes.count) {
            prefix |= UInt64(bytes[position]) << shift
            shift &-= 8
        }
        return prefix
    }
}
