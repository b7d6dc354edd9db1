@testable import ArbiterCore

/// A tiny host for expression tests: a handful of request-like fields in slots, some
/// parameters as constants, and three domain-like functions. It knows nothing about policies.
final class ExpressionTestEnvironment: ExpressionEnvironment {
    static let kindDomain = EnumDomain(name: "kind", cases: ["cancel", "return", "refund_only", "compensation"])
    static let reasonDomain = EnumDomain(name: "reason", cases: ["no_reason", "changed_mind", "quality_issue", "not_received", "counterfeit"])
    static let conditionDomain = EnumDomain(name: "condition", cases: ["new", "opened", "used", "damaged", "incomplete"])
    static let currency = Currency.named("CNY") ?? Currency.known[0]

    /// Slot fields: name, slot number, type.
    static let fields: [(name: String, type: ValueType)] = [
        ("kind", .enumeration(kindDomain)),
        ("reason", .enumeration(reasonDomain)),
        ("requested_at", .timestamp),
        ("order.delivered_at", .optional(.timestamp)),
        ("order.shipped_at", .optional(.timestamp)),
        ("order.paid_total", .money),
        ("line.paid", .money),
        ("line.quantity", .int),
        ("customer.tier", .string),
        ("item.category", .optional(.string)),
        ("item.attributes.perishable", .bool),
        ("evidence.photos", .int),
        ("facts.score", .optional(.int)),
        ("requested.categories", .list(.string)),
        ("line.condition", .enumeration(conditionDomain)),
        ("facts.verified", .optional(.bool)),
    ]

    static let constants: [String: (Value, ValueType)] = [
        "window_days": (.int(7), .int),
        "no_reason_reasons": (.list([.string("no_reason"), .string("changed_mind")]), .list(.enumeration(reasonDomain))),
        "vip_tiers": (.list([.string("gold"), .string("diamond")]), .list(.string)),
        "food_categories": (.list([.string("food"), .string("fresh_food")]), .list(.string)),
        "rate": (.percent(500), .percent),
        "minimum": (.money(300), .money),
        "maximum": (.money(10_000), .money),
        "claim_window": (.duration(48 * 3_600), .duration),
        "enabled": (.bool(true), .bool),
        "no_limit": (.null, .optional(.money)),
    ]

    // `days_since` and `end_of_day` take their arguments as they are (the fixed-arity forms
    // compiled conditions call without an array), `all_in` as an array: the property tests that
    // compare compiled conditions with the tree walker cover both.
    static let functions: [FunctionDefinition] = [
        FunctionDefinition(name: "days_since", parameter: .timestamp, result: .int) { argument, context throws(EvaluationError) in
            guard case .timestamp(let start) = argument, case .timestamp(let now) = context.value(ofSlot: 2) else {
                throw EvaluationError(code: "internal", message: "days_since without timestamps")
            }
            return .int(localDay(now) - localDay(start))
        },
        FunctionDefinition(name: "end_of_day", parameters: .timestamp, .int, result: .timestamp) { first, second, _ throws(EvaluationError) in
            guard case .timestamp(let start) = first, case .int(let days) = second else {
                throw EvaluationError(code: "internal", message: "end_of_day without a timestamp and an int")
            }
            let end = (localDay(start) + days + 1) * 86_400 - 1 - 28_800
            return .timestamp(Timestamp(epochSeconds: end, offsetSeconds: 28_800))
        },
        FunctionDefinition(name: "all_in", parameters: [.list(.string), .list(.string)], result: .bool) { arguments, _ throws(EvaluationError) in
            guard case .list(let values) = arguments[0], case .list(let allowed) = arguments[1] else {
                throw EvaluationError(code: "internal", message: "all_in without lists")
            }
            return .bool(!values.isEmpty && values.allSatisfy { allowed.contains($0) })
        },
        FunctionDefinition(name: "refund_cap", parameters: [], result: .optional(.money)) { _, _ throws(EvaluationError) in .null },
    ]

    /// Local calendar day in a fixed +08:00 zone.
    static func localDay(_ time: Timestamp) -> Int64 {
        let local = time.epochSeconds + 28_800
        return local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    }

    private(set) var resolved: [String] = []

    func resolve(_ path: [String]) -> NameResolution {
        let name = path.joined(separator: ".")
        resolved.append(name)
        if let index = Self.fields.firstIndex(where: { $0.name == name }) { return .slot(index, Self.fields[index].type) }
        if let constant = Self.constants[name] { return .constant(constant.0, constant.1) }
        return .unknown(suggestion: Suggestion.closest(to: name, in: Self.fields.map(\.name) + Self.constants.keys.sorted()))
    }

    func function(named name: String) -> FunctionDefinition? {
        Self.functions.first { $0.name == name }
    }

    func functionNames() -> [String] { Self.functions.map(\.name) }
}

/// Slot values for one evaluation: a plausible request, with per-case overrides.
struct ExpressionTestContext: EvaluationContext {
    var values: [Value]

    static func timestamp(_ text: String) -> Timestamp {
        (try? Timestamp.parse(text)) ?? Timestamp(epochSeconds: 0)
    }

    static let standard = ExpressionTestContext(values: [
        .string("return"),
        .string("no_reason"),
        .timestamp(timestamp("2026-11-05T10:00:00+08:00")),
        .timestamp(timestamp("2026-11-01T15:00:00+08:00")),
        .timestamp(timestamp("2026-10-31T18:00:00+08:00")),
        .money(39_800),
        .money(18_596),
        .int(2),
        .string("gold"),
        .null,
        .bool(false),
        .int(0),
        .null,
        .list([.string("food"), .string("fresh_food")]),
        .string("opened"),
        .null,
    ])

    /// A context whose every slot is null, like the policy linter's probe.
    static let allNull = ExpressionTestContext(values: Array(repeating: .null, count: ExpressionTestEnvironment.fields.count))

    func value(ofSlot slot: Int) -> Value {
        slot >= 0 && slot < values.count ? values[slot] : .null
    }

    /// Applies `name=value, name=value` overrides; values are parsed by the field's type.
    func overriding(_ text: String) -> ExpressionTestContext? {
        var copy = self
        for assignment in text.split(separator: ",") {
            let parts = assignment.split(separator: "=", maxSplits: 1).map { expressionTableTrim($0) }
            guard parts.count == 2, let index = ExpressionTestEnvironment.fields.firstIndex(where: { $0.name == parts[0] }) else { return nil }
            guard let value = Self.parse(parts[1], as: ExpressionTestEnvironment.fields[index].type) else { return nil }
            copy.values[index] = value
        }
        return copy
    }

    static func parse(_ text: String, as type: ValueType) -> Value? {
        if text == "null" { return .null }
        switch type {
        case .optional(let wrapped): return parse(text, as: wrapped)
        case .int: return Int64(text).map { .int($0) }
        case .money: return (try? Money.parseMinorUnits(text, fractionDigits: 2)).map { .money($0) }
        case .bool: return text == "true" ? .bool(true) : (text == "false" ? .bool(false) : nil)
        case .timestamp: return (try? Timestamp.parse(text)).map { .timestamp($0) }
        case .string, .enumeration: return .string(text)
        case .list: return .list(text.split(separator: " ").map { .string(String($0)) })
        default: return nil
        }
    }
}

/// `text` without leading and trailing spaces and tabs.
func expressionTableTrim(_ text: some StringProtocol) -> String {
    var text = Substring(text)
    while text.first == " " || text.first == "\t" { text = text.dropFirst() }
    while text.last == " " || text.last == "\t" { text = text.dropLast() }
    return String(text)
}

extension Value {
    /// A compact rendering for test tables: `money 9.30`, `int 7`, `timestamp 2026-…`, `null`.
    var testDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return "bool \(value)"
        case .int(let value): return "int \(value)"
        case .money(let value): return "money " + Money.format(minorUnits: value, fractionDigits: 2)
        case .percent(let value): return "percent \(Percent(basisPoints: value))"
        case .duration(let value): return "duration \(value)s"
        case .string(let value): return "string '\(value)'"
        case .timestamp(let value): return "timestamp \(value)"
        case .list(let values): return "list [" + values.map(\.testDescription).joined(separator: ", ") + "]"
        }
    }
}
