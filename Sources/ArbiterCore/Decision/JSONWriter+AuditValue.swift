extension JSONWriter {
    /// Writes an expression value as the audit trail shows it: numbers, booleans and null as
    /// JSON, money as a money string, and percentages, durations, timestamps and lists as
    /// their text (`"5%"`, `"48h"`, `"2026-11-08T23:59:59+08:00"`, `["a", "b"]`).
    mutating func auditValue(_ value: Value, fractionDigits: Int) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .int(let number): int64(number)
        case .money(let amount): money(amount, fractionDigits: fractionDigits)
        case .string(let text): string(text)
        case .percent, .duration, .timestamp, .list:
            if case .string(let text) = AuditValue(value) { string(text) } else { null() }
        }
    }
}
