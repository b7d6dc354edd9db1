/// Writes decisions and protocol answers as JSON, field by field in the order of SPEC section 5,
/// with no intermediate dictionaries: straight into a byte buffer for `serve`, or into the tree
/// `replay` and `diff` compare (`JSONOutput`).
public enum DecisionWriter {
    public static func write<Output: JSONOutput & ~Copyable>(_ decision: Decision, into writer: inout Output) {
        write(decision, deferredTrail: nil, into: &writer)
    }

    /// `deferredTrail`: the trail of this decision, left recorded by the engine
    /// (`DeferredTrail`), written in the place of the decision's own (empty) trace and
    /// computations; the same bytes as a decision whose trail was made as values.
    static func write<Output: JSONOutput & ~Copyable>(_ decision: Decision, deferredTrail: DeferredTrail?, into writer: inout Output) {
        let digits = decision.currency.fractionDigits
        func money(_ amount: Int64) { writer.money(amount, fractionDigits: digits) }
        writer.beginObject()
        writer.field("id"); writer.string(decision.id)
        writer.field("outcome"); writer.string(decision.outcome.rawValue)
        writer.field("lines"); writer.beginArray()
        for line in decision.lines {
            writer.beginObject()
            writer.field("line"); writer.string(line.line)
            writer.field("quantity"); writer.int(line.quantity)
            writer.field("verdict"); writer.string(line.verdict.rawValue)
            writer.field("gross"); money(line.gross)
            writer.field("discount"); money(line.discount)
            writer.field("paid"); money(line.paid)
            writer.field("refund"); money(line.refund)
            writer.field("reasons"); writer.beginArray()
            for code in line.reasons { writer.string(code) }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.field("refund"); writer.beginObject()
        writer.field("currency"); writer.string(decision.currency.code)
        writer.field("items"); money(decision.refund.items)
        writer.field("shipping"); money(decision.refund.shipping)
        writer.field("adjustments"); writer.beginArray()
        for adjustment in decision.refund.adjustments {
            writer.beginObject()
            writer.field("code"); writer.string(adjustment.code)
            writer.field("amount"); money(adjustment.amount)
            writer.field("rule"); writer.string(adjustment.rule)
            if let discount = adjustment.discount { writer.field("discount"); writer.string(discount) }
            if let line = adjustment.line { writer.field("line"); writer.string(line) }
            writer.endObject()
        }
        writer.endArray()
        writer.field("total"); money(decision.refund.total)
        if let byMethod = decision.refund.byMethod {
            writer.field("by_method"); writer.beginArray()
            for part in byMethod {
                writer.beginObject()
                writer.field("method"); writer.string(part.method)
                writer.field("amount"); money(part.amount)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
        writer.field("return_shipping"); writer.beginObject()
        writer.field("payer"); writer.string(decision.returnShippingPayer.rawValue)
        writer.endObject()
        // A local function, not a loop over an array of the two lists (made and freed per answer).
        func grants(_ name: StaticString, _ grants: [Grant]) {
            writer.field(name); writer.beginArray()
            for grant in grants {
                writer.beginObject()
                writer.field("kind"); writer.string(grant.kind)
                writer.field("amount"); money(grant.amount)
                writer.field("code"); writer.string(grant.code)
                writer.field("rule"); writer.string(grant.rule)
                if let line = grant.line { writer.field("line"); writer.string(line) }
                writer.endObject()
            }
            writer.endArray()
        }
        grants("compensation", decision.compensation)
        grants("offers", decision.offers)
        writer.field("reasons"); writer.beginArray()
        for reason in decision.reasons {
            writer.beginObject()
            writer.field("code"); writer.string(reason.code)
            writer.field("rule"); writer.string(reason.rule)
            writer.field("message"); writer.string(reason.message)
            writer.endObject()
        }
        writer.endArray()
        writer.field("deadlines"); writer.beginObject()
        writer.field("return_by")
        if let returnBy = decision.deadlines.returnBy { writer.timestamp(returnBy) } else { writer.null() }
        writer.field("refund_by")
        if let refundBy = decision.deadlines.refundBy { writer.timestamp(refundBy) } else { writer.null() }
        writer.field("refund_within_days_of_receipt")
        if let days = decision.deadlines.refundWithinDaysOfReceipt { writer.int64(days) } else { writer.null() }
        writer.endObject()
        if let audit = decision.audit { write(audit, digits: digits, deferredTrail: deferredTrail, into: &writer) }
        deferredTrail?.finish()
        writer.endObject()
    }

    static func write<Output: JSONOutput & ~Copyable>(_ audit: AuditRecord, digits: Int, deferredTrail: DeferredTrail?, into writer: inout Output) {
        writer.field("audit"); writer.beginObject()
        writer.field("policy"); writer.beginObject()
        writer.field("name"); writer.string(audit.policyName)
        writer.field("version"); writer.string(audit.policyVersion)
        writer.field("digest"); writer.string(audit.policyDigest)
        writer.endObject()
        writer.field("input_digest"); writer.string(audit.inputDigest)
        writer.field("engine"); writer.string(audit.engine)
        writer.field("rules_fired"); writer.beginArray()
        for rule in audit.rulesFired { writer.string(rule) }
        writer.endArray()
        if let trace = audit.trace {
            let omitted = writer.members(atMost: AuditRecord.maximumTrailBytes) { writer in
                // Read in place through buffer pointers: an element read from an array is a copy
                // (its strings, arrays and rule retained and released), some 600 times per answer.
                writer.field("trace"); writer.beginArray()
                if let deferredTrail {
                    deferredTrail.writeTrace(digits: digits, into: &writer)
                } else {
                    trace.withUnsafeBufferPointer { entries in
                        for index in entries.indices { write(entries.baseAddress! + index, digits: digits, into: &writer) }
                    }
                }
                writer.endArray()
                writer.field("computations"); writer.beginArray()
                if let deferredTrail {
                    deferredTrail.writeComputations(digits: digits, into: &writer)
                } else {
                    audit.computations.withUnsafeBufferPointer { computations in
                        for index in computations.indices { write(computations[index], digits: digits, into: &writer) }
                    }
                }
                writer.endArray()
            }
            if let trailBytes = omitted {
                // Bounded answers (SPEC section 8): a trail this long is replaced by its size;
                // the decision itself, the digests and the rules that fired stay.
                writer.field("trail_omitted"); writer.beginObject()
                writer.field("bytes"); writer.int(trailBytes)
                writer.field("limit"); writer.int(AuditRecord.maximumTrailBytes)
                writer.field("why"); writer.string("the trace and computations of this request are longer than an answer may carry; decide it with fewer lines per request to audit it in full")
                writer.endObject()
            }
        }
        writer.endObject()
    }

    /// `{"step",…}`: the computation's fields in its layout's order.
    static func write<Output: JSONOutput & ~Copyable>(_ computation: Computation, digits: Int, into writer: inout Output) {
        computation.values.withUnsafeBufferPointer { values in
            writeComputation(computation.layout, values, digits: digits, into: &writer)
        }
    }

    /// A computation of this layout with these values (`Computation`).
    static func writeComputation<Output: JSONOutput & ~Copyable>(
        _ layout: ComputationLayout, _ values: UnsafeBufferPointer<AuditValue>, digits: Int, into writer: inout Output
    ) {
        writeStep(layout, into: &writer) { position, writer in write(values[position], digits: digits, into: &writer) }
    }

    /// `{"step",…}`: a computation of this layout whose field at each position `value` writes
    /// (a `Computation`'s, or a deferred trail's read in place from its `ComputationLog`).
    @inline(__always)
    static func writeStep<Output: JSONOutput & ~Copyable>(
        _ layout: ComputationLayout, into writer: inout Output, value: (Int, inout Output) -> Void
    ) {
        writer.beginObject()
        writer.field("step"); writer.string(layout.step)
        layout.names.withUnsafeBufferPointer { names in
            for position in names.indices {
                writer.key(encoded: EncodedJSON(layout.encodedKeys, position), name: names[position])
                value(position, &writer)
            }
        }
        writer.endObject()
    }

    /// `{"rule","at","basis","line"?,"fired","conditions":[{"expr","value","left"?,"right"?}],"effects"?}`.
    static func write<Output: JSONOutput & ~Copyable>(_ entry: UnsafePointer<TraceEntry>, digits: Int, into writer: inout Output) {
        switch entry.pointee.storage {
        case .recorded(let rule, let steps):
            // Through a buffer pointer: a step read from the slice would be copied (its text and
            // values retained).
            steps.withUnsafeBufferPointer { steps in
                writeRecorded(
                    rule, line: entry.pointee.line, fired: entry.pointee.fired, steps: steps, effects: entry.pointee.effects,
                    digits: digits, into: &writer)
            }
        case .values(let rule, let at, let basis, let conditions):
            writer.beginObject()
            writer.field("rule"); writer.string(rule)
            writer.field("at"); writer.string(at)
            writer.field("basis"); writer.string(basis)
            if let line = entry.pointee.line { writer.field("line"); writer.string(line) }
            writer.field("fired"); writer.bool(entry.pointee.fired)
            writer.field("conditions"); writer.beginArray()
            for condition in conditions {
                writer.beginObject()
                writer.field("expr"); writer.string(condition.expr)
                writer.field("value"); write(condition.value, digits: digits, into: &writer)
                if let left = condition.left { writer.field("left"); write(left, digits: digits, into: &writer) }
                if let right = condition.right { writer.field("right"); write(right, digits: digits, into: &writer) }
                writer.endObject()
            }
            writer.endArray()
            writeEffects(entry.pointee.effects, into: &writer)
            writer.endObject()
        }
    }

    /// A rule considered as the engine recorded it: the entry of a decision's `trace`, or of
    /// a deferred trail (`DeferredTrail`), from the rule's texts escaped once at load.
    static func writeRecorded<Output: JSONOutput & ~Copyable>(
        _ rule: Rule, line: String?, fired: Bool, steps: UnsafeBufferPointer<ConditionStep>, effects: [String], digits: Int,
        into writer: inout Output
    ) {
        writer.beginObject()
        writer.members(json: rule.auditHeader)
        if let line { writer.field("line"); writer.string(line) }
        writer.field("fired"); writer.bool(fired)
        writer.field("conditions"); writer.beginArray()
        if steps.isEmpty, rule.condition != nil {
            writer.beginObject()
            writer.members(json: rule.conditionSourceMember)
            writer.field("value"); writer.bool(fired)
            writer.endObject()
        }
        for index in steps.indices {
            let textIndex = steps[index].textIndex
            writer.beginObject()
            writer.members(json: rule.conditionTextMember(textIndex))
            writer.field("value"); write(steps[index].value, digits: digits, into: &writer)
            if let left = steps[index].left { writer.field("left"); write(left, digits: digits, into: &writer) }
            if let encoded = rule.encodedRight(textIndex: textIndex, right: steps[index].right) {
                writer.members(json: encoded)
            } else if let right = steps[index].right {
                writer.field("right"); write(right, digits: digits, into: &writer)
            }
            writer.endObject()
        }
        writer.endArray()
        writeEffects(effects, into: &writer)
        writer.endObject()
    }

    /// `"effects":[…]`, when there are any.
    private static func writeEffects<Output: JSONOutput & ~Copyable>(_ effects: [String], into writer: inout Output) {
        guard !effects.isEmpty else { return }
        writer.field("effects"); writer.beginArray()
        effects.withUnsafeBufferPointer { effects in
            for index in effects.indices { writer.string(effects[index]) }
        }
        writer.endArray()
    }

    /// A condition step's value as `AuditValue(value)` shows it, without making that value
    /// first for the kinds it shows as they are.
    static func write<Output: JSONOutput & ~Copyable>(_ value: Value, digits: Int, into writer: inout Output) {
        switch value {
        case .null: writer.null()
        case .bool(let flag): writer.bool(flag)
        case .int(let number): writer.int64(number)
        case .money(let amount): writer.money(amount, fractionDigits: digits)
        case .string(let text): writer.string(text)
        case .percent, .duration, .timestamp, .list: write(AuditValue(value), digits: digits, into: &writer)
        }
    }

    static func write<Output: JSONOutput & ~Copyable>(_ value: AuditValue, digits: Int, into writer: inout Output) {
        switch value {
        case .money(let amount): writer.money(amount, fractionDigits: digits)
        case .int(let number): writer.int64(number)
        case .string(let text): writer.string(text)
        case .bool(let flag): writer.bool(flag)
        case .null: writer.null()
        case .rows(let rows):
            writer.beginArray()
            rows.withUnsafeBufferPointer { rows in
                for row in rows.indices {
                    writer.beginObject()
                    rows[row].withUnsafeBufferPointer { fields in
                        for index in fields.indices {
                            writer.key(fields[index].name); write(fields[index].value, digits: digits, into: &writer)
                        }
                    }
                    writer.endObject()
                }
            }
            writer.endArray()
        }
    }
}
