/// Writes decisions and protocol answers as JSON, straight into a byte buffer: field by field,
/// in the order of SPEC section 5, with no intermediate dictionaries.
public enum DecisionWriter {
    public static func write(_ decision: Decision, into writer: inout JSONWriter) {
        let digits = decision.currency.fractionDigits
        func money(_ amount: Int64) { writer.string(Money.format(minorUnits: amount, fractionDigits: digits)) }
        writer.beginObject()
        writer.key("id"); writer.string(decision.id)
        writer.key("outcome"); writer.string(decision.outcome.rawValue)
        writer.key("lines"); writer.beginArray()
        for line in decision.lines {
            writer.beginObject()
            writer.key("line"); writer.string(line.line)
            writer.key("quantity"); writer.int(line.quantity)
            writer.key("verdict"); writer.string(line.verdict.rawValue)
            writer.key("gross"); money(line.gross)
            writer.key("discount"); money(line.discount)
            writer.key("paid"); money(line.paid)
            writer.key("refund"); money(line.refund)
            writer.key("reasons"); writer.beginArray()
            for code in line.reasons { writer.string(code) }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.key("refund"); writer.beginObject()
        writer.key("currency"); writer.string(decision.currency.code)
        writer.key("items"); money(decision.refund.items)
        writer.key("shipping"); money(decision.refund.shipping)
        writer.key("adjustments"); writer.beginArray()
        for adjustment in decision.refund.adjustments {
            writer.beginObject()
            writer.key("code"); writer.string(adjustment.code)
            writer.key("amount"); money(adjustment.amount)
            writer.key("rule"); writer.string(adjustment.rule)
            writer.endObject()
        }
        writer.endArray()
        writer.key("total"); money(decision.refund.total)
        writer.endObject()
        writer.key("return_shipping"); writer.beginObject()
        writer.key("payer"); writer.string(decision.returnShippingPayer.rawValue)
        writer.endObject()
        for (name, grants) in [("compensation", decision.compensation), ("offers", decision.offers)] {
            writer.key(name); writer.beginArray()
            for grant in grants {
                writer.beginObject()
                writer.key("kind"); writer.string(grant.kind)
                writer.key("amount"); money(grant.amount)
                writer.key("code"); writer.string(grant.code)
                writer.key("rule"); writer.string(grant.rule)
                if let line = grant.line { writer.key("line"); writer.string(line) }
                writer.endObject()
            }
            writer.endArray()
        }
        writer.key("reasons"); writer.beginArray()
        for reason in decision.reasons {
            writer.beginObject()
            writer.key("code"); writer.string(reason.code)
            writer.key("rule"); writer.string(reason.rule)
            writer.key("message"); writer.string(reason.message)
            writer.endObject()
        }
        writer.endArray()
        writer.key("deadlines"); writer.beginObject()
        writer.key("return_by")
        if let returnBy = decision.deadlines.returnBy { writer.string(returnBy.rfc3339) } else { writer.null() }
        writer.key("refund_within_days_of_receipt")
        if let days = decision.deadlines.refundWithinDaysOfReceipt { writer.int64(days) } else { writer.null() }
        writer.endObject()
        if let audit = decision.audit { write(audit, digits: digits, into: &writer) }
        writer.endObject()
    }

    static func write(_ audit: AuditRecord, digits: Int, into writer: inout JSONWriter) {
        writer.key("audit"); writer.beginObject()
        writer.key("policy"); writer.beginObject()
        writer.key("name"); writer.string(audit.policyName)
        writer.key("version"); writer.string(audit.policyVersion)
        writer.key("digest"); writer.string(audit.policyDigest)
        writer.endObject()
        writer.key("input_digest"); writer.string(audit.inputDigest)
        writer.key("engine"); writer.string(audit.engine)
        writer.key("rules_fired"); writer.beginArray()
        for rule in audit.rulesFired { writer.string(rule) }
        writer.endArray()
        if !audit.trace.isEmpty || !audit.computations.isEmpty {
            writer.key("trace"); writer.beginArray()
            for entry in audit.trace {
                writer.beginObject()
                writer.key("rule"); writer.string(entry.rule)
                writer.key("at"); writer.string(entry.source)
                if let line = entry.line { writer.key("line"); writer.string(line) }
                writer.key("fired"); writer.bool(entry.fired)
                writer.key("conditions"); writer.beginArray()
                for step in entry.conditions {
                    writer.beginObject()
                    writer.key("expr"); writer.string(step.text)
                    writer.key("value"); write(AuditValue(step.value), digits: digits, into: &writer)
                    if let left = step.left { writer.key("left"); write(AuditValue(left), digits: digits, into: &writer) }
                    if let right = step.right { writer.key("right"); write(AuditValue(right), digits: digits, into: &writer) }
                    writer.endObject()
                }
                writer.endArray()
                if !entry.effects.isEmpty {
                    writer.key("effects"); writer.beginArray()
                    for effect in entry.effects { writer.string(effect) }
                    writer.endArray()
                }
                writer.endObject()
            }
            writer.endArray()
            writer.key("computations"); writer.beginArray()
            for computation in audit.computations {
                writer.beginObject()
                writer.key("step"); writer.string(computation.step)
                for (name, value) in computation.fields {
                    writer.key(name); write(value, digits: digits, into: &writer)
                }
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
    }

    static func write(_ value: AuditValue, digits: Int, into writer: inout JSONWriter) {
        switch value {
        case .money(let amount): writer.string(Money.format(minorUnits: amount, fractionDigits: digits))
        case .int(let number): writer.int64(number)
        case .string(let text): writer.string(text)
        case .bool(let flag): writer.bool(flag)
        case .null: writer.null()
        case .rows(let rows):
            writer.beginArray()
            for row in rows {
                writer.beginObject()
                for (name, field) in row {
                    writer.key(name); write(field, digits: digits, into: &writer)
                }
                writer.endObject()
            }
            writer.endArray()
        }
    }
}
