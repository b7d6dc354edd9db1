@testable import ArbiterCore

/// One row of the expression table: `expression ; input ; expecting ; outcome`.
///
/// - input: `-` (a plausible request), `nulls` (every slot null, like the policy linter's
///   probe) or overrides such as `order.shipped_at=null, evidence.photos=2`.
/// - expecting: `-` or the type the host wants (`bool`, `money`, …).
/// - outcome: the value (`bool true`, `money 9.30`, `timestamp 2026-…`), `error CODE @COLUMN`
///   (several separated by `,`; the column is 1-based in UTF-8 bytes of the expression) or
///   `throws CODE` for an evaluation error. `⏎` in an expression stands for a line break.
struct ExpressionCase: CustomStringConvertible, Sendable {
    let line: Int
    let expression: String
    let input: String
    let expecting: String
    let outcome: String

    var description: String { "line \(line): \(expression)" }

    static func parse(_ table: String) -> [ExpressionCase] {
        var cases: [ExpressionCase] = []
        for (index, row) in table.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = expressionTableTrim(row)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let columns = row.split(separator: ";", omittingEmptySubsequences: false).map { expressionTableTrim($0) }
            precondition(columns.count == 4, "table line \(index + 1) needs 4 columns: \(row)")
            let expression = columns[0] == "<empty>" ? "" : columns[0].replacingNewlineMarks()
            cases.append(ExpressionCase(line: index + 1, expression: expression, input: columns[1], expecting: columns[2], outcome: columns[3]))
        }
        return cases
    }

    static let types: [String: ValueType] = [
        "bool": .bool, "int": .int, "money": .money, "percent": .percent, "duration": .duration,
        "string": .string, "timestamp": .timestamp,
    ]

    /// Nil when the row holds, else what went wrong.
    func run() -> String? {
        let environment = ExpressionTestEnvironment()
        let expected = expecting == "-" ? nil : Self.types[expecting]
        if expecting != "-", expected == nil { return "unknown type '\(expecting)' in the table" }
        let result = ExpressionCompiler.compile(expression, expecting: expected, environment: environment, currency: ExpressionTestEnvironment.currency)
        let compiled: CompiledExpression
        switch result {
        case .failure(let failure):
            let actual = "error " + failure.errors.map { "\($0.code) @\($0.utf8Offset + 1)" }.joined(separator: ", ")
            if actual == outcome { return nil }
            return "expected \(outcome), got \(actual): " + failure.errors.map(\.message).joined(separator: " | ")
        case .success(let expression):
            compiled = expression
        }
        if outcome.hasPrefix("error ") { return "expected \(outcome), but it compiled to \(compiled.type)" }
        let context: ExpressionTestContext
        switch input {
        case "-": context = .standard
        case "nulls": context = .allNull
        default:
            guard let overridden = ExpressionTestContext.standard.overriding(input) else { return "bad input '\(input)'" }
            context = overridden
        }
        var steps: [ConditionStep] = []
        let plain = Result { () throws(EvaluationError) -> Value in try compiled.evaluate(in: context) }
        let traced = Result { () throws(EvaluationError) -> Value in try compiled.evaluate(in: context, trace: &steps) }
        guard plain == traced else { return "evaluation with and without a trace differ: \(plain) vs \(traced)" }
        let actual: String
        switch plain {
        case .success(let value):
            actual = value.testDescription
            if let expected, !TypeChecker<ExpressionTestEnvironment>.isAssignable(compiled.type, to: expected) {
                return "compiled type \(compiled.type) does not fit \(expected)"
            }
        case .failure(let error):
            actual = "throws \(error.code)"
        }
        return actual == outcome ? nil : "expected \(outcome), got \(actual)"
    }
}

extension String {
    /// `⏎` in a table row stands for a line break inside the expression.
    func replacingNewlineMarks() -> String {
        String(map { $0 == "⏎" ? "\n" : $0 })
    }
}

/// The expression language's behaviour, as data.
let expressionTable = #"""
# ---------------------------------------------------------------- literals
7                                        ; - ; -         ; int 7
0.00                                     ; - ; money     ; money 0.00
3.5                                      ; - ; -         ; money 3.50
12.5%                                    ; - ; percent   ; percent 12.5%
0.25%                                    ; - ; -         ; percent 0.25%
48h                                      ; - ; duration  ; duration 172800s
15d                                      ; - ; -         ; duration 1296000s
30m                                      ; - ; -         ; duration 1800s
10s                                      ; - ; -         ; duration 10s
"a\"b"                                   ; - ; string    ; string 'a"b'
'它\'s'                                  ; - ; -         ; string '它's'
"\u{4E2D}文"                             ; - ; -         ; string '中文'
true                                     ; - ; bool      ; bool true
false                                    ; - ; -         ; bool false
null                                     ; - ; -         ; null
[1, 2, 3,]                               ; - ; -         ; list [int 1, int 2, int 3]
[]                                       ; - ; -         ; list []
["used", "damaged"]                      ; - ; -         ; list [string 'used', string 'damaged']
-5                                       ; - ; -         ; int -5
--5                                      ; - ; -         ; int 5
-3.00                                    ; - ; money     ; money -3.00
1.005                                    ; - ; -         ; error bad_literal @1
1.5h                                     ; - ; -         ; error bad_literal @1
7days                                    ; - ; -         ; error bad_literal @1
12.345%                                  ; - ; -         ; error bad_literal @1
99999999999999999999                     ; - ; -         ; error bad_literal @1
1.001 + 2.002                            ; - ; -         ; error bad_literal @1, bad_literal @9
# ---------------------------------------------------------------- arithmetic
1 + 2 * 3                                ; - ; int       ; int 7
(1 + 2) * 3                              ; - ; -         ; int 9
10 - 2 - 3                               ; - ; -         ; int 5
line.paid * rate                         ; - ; money     ; money 9.30
rate * line.paid                         ; - ; money     ; money 9.30
0.10 * 5%                                ; - ; -         ; money 0.01
0.09 * 5%                                ; - ; -         ; money 0.00
-0.10 * 5%                               ; - ; -         ; money -0.01
line.paid * 2                            ; - ; money     ; money 371.92
2 * line.paid                            ; - ; -         ; money 371.92
line.paid + 0.04                         ; - ; -         ; money 186.00
order.paid_total - line.paid             ; - ; -         ; money 212.04
-line.paid                               ; - ; -         ; money -185.96
12.5% + 0.5%                             ; - ; -         ; percent 13%
1d + 12h                                 ; - ; -         ; duration 129600s
2h * 3                                   ; - ; -         ; duration 21600s
requested_at + 1d                        ; - ; timestamp ; timestamp 2026-11-06T10:00:00+08:00
1d + requested_at                        ; - ; -         ; timestamp 2026-11-06T10:00:00+08:00
requested_at - 2d                        ; - ; -         ; timestamp 2026-11-03T10:00:00+08:00
line.paid + 1                            ; - ; -         ; error type_mismatch @11
requested_at + 7                         ; - ; -         ; error type_mismatch @14
line.paid * line.paid                    ; - ; -         ; error type_mismatch @11
"a" + "b"                                ; - ; -         ; error type_mismatch @5
-"a"                                     ; - ; -         ; error type_mismatch @2
!7                                       ; - ; -         ; error type_mismatch @2
9223372036854775807 + 1                  ; - ; -         ; error constant_overflow @1
-9223372036854775807 - 2                 ; - ; -         ; error constant_overflow @1
# Constants that overflow are load-time errors at the expression (SPEC section 8); request values that overflow throw.
3037000500 * 3037000500                  ; - ; -         ; error constant_overflow @1
10000000000000.00 * 10000                ; - ; -         ; error constant_overflow @1
100000000d * 10000000                    ; - ; -         ; error constant_overflow @1
line.quantity > 9223372036854775807 + 1  ; - ; -         ; error constant_overflow @17
-(-9223372036854775807 - 1)              ; - ; -         ; error constant_overflow @1
9223372036854775807 + line.quantity      ; - ; -         ; throws overflow
line.paid * 9223372036854775807          ; - ; -         ; throws overflow
# Instants past 9999 are later than every valid one (SPEC section 8); they are never written.
requested_at + 9223372036854775807s      ; - ; -         ; timestamp later than 9999-12-31T23:59:59Z
requested_at + 100000000d                ; - ; -         ; timestamp later than 9999-12-31T23:59:59Z
requested_at + 100000000d > requested_at ; - ; -         ; bool true
requested_at - 100000000d < requested_at ; - ; -         ; bool true
requested_at - 9223372036854775807s - 9223372036854775807s < requested_at ; - ; - ; bool true
# ---------------------------------------------------------------- comparisons and enumerations
kind == "return"                         ; - ; bool      ; bool true
kind != "return"                         ; - ; bool      ; bool false
"return" == kind                         ; - ; bool      ; bool true
kind == "retrun"                         ; - ; bool      ; error unknown_enum_value @9
"retrun" == kind                         ; - ; bool      ; error unknown_enum_value @1
kind == reason                           ; - ; bool      ; error type_mismatch @6
line.condition == "opened"               ; - ; bool      ; bool true
line.condition in ["used", "damaged", "incomplete"] ; - ; bool ; bool false
line.condition in ["used", "damagd"]     ; line.condition=used ; bool ; error unknown_enum_value @28
reason in no_reason_reasons              ; - ; bool      ; bool true
reason in ["no_reason", "quality_issue"] ; reason=quality_issue ; bool ; bool true
reason in ["no_reason", "no_reson"]      ; - ; bool      ; error unknown_enum_value @25
!(reason in ["not_received", "counterfeit"]) ; - ; bool  ; bool true
customer.tier in vip_tiers               ; - ; bool      ; bool true
customer.tier in vip_tiers               ; customer.tier=silver ; bool ; bool false
customer.tier == kind                    ; - ; bool      ; bool false
reason in ["no_reason", 1]               ; - ; bool      ; error type_mismatch @25
line.paid in [1.00, 185.96]              ; - ; bool      ; bool true
1 in []                                  ; - ; bool      ; bool false
line.paid in vip_tiers                   ; - ; bool      ; error type_mismatch @11
kind in "return"                         ; - ; bool      ; error type_mismatch @9
line.paid == "10"                        ; - ; bool      ; error type_mismatch @11
line.paid > 0                            ; - ; bool      ; error type_mismatch @11
line.paid > 0.00                         ; - ; bool      ; bool true
line.quantity >= 2                       ; - ; bool      ; bool true
line.quantity < 2                        ; - ; bool      ; bool false
requested_at > requested_at - 1s         ; - ; bool      ; bool true
"a" < "b"                                ; - ; bool      ; error type_mismatch @5
12% <= 12.5%                             ; - ; bool      ; bool true
1 < 2 < 3                                ; - ; bool      ; error syntax_error @7
# ---------------------------------------------------------------- logic
enabled                                  ; - ; bool      ; bool true
!enabled                                 ; - ; bool      ; bool false
enabled && kind == "cancel"              ; - ; bool      ; bool false
kind == "cancel" || kind == "return"     ; - ; bool      ; bool true
item.attributes.perishable && evidence.photos >= 1 ; - ; bool ; bool false
item.attributes.perishable && evidence.photos >= 1 ; item.attributes.perishable=true, evidence.photos=2 ; bool ; bool true
kind == "return" && 7                    ; - ; bool      ; error type_mismatch @21
kind == "cancel" && line.paid > null     ; - ; bool      ; error type_mismatch @33
enabled ? 1 : 2.00                       ; - ; -         ; error type_mismatch @15
kind == "return" ? line.paid : 0.00      ; - ; money     ; money 185.96
customer.tier in vip_tiers ? 15 : 7      ; - ; int       ; int 15
1 ? 2 : 3                                ; - ; int       ; error type_mismatch @1
enabled ? "return" : kind                ; - ; string    ; string 'return'
enabled ? "retrun" : kind                ; - ; string    ; error unknown_enum_value @11
enabled ? 1 : enabled ? 2 : 3            ; - ; int       ; int 1
# ---------------------------------------------------------------- optionals
requested_at - order.delivered_at        ; - ; duration  ; error optional_not_checked @16
order.delivered_at != null && requested_at - order.delivered_at > claim_window ; - ; bool ; bool true
requested_at > order.shipped_at          ; - ; bool      ; error optional_not_checked @16
order.shipped_at != null && requested_at > order.shipped_at ; - ; bool ; bool true
order.shipped_at == null || requested_at > order.shipped_at ; order.shipped_at=null ; bool ; bool true
null != order.shipped_at && requested_at > order.shipped_at ; - ; bool ; bool true
!(order.shipped_at == null) && requested_at > order.shipped_at ; - ; bool ; bool true
(order.shipped_at != null && kind == "return") && requested_at > order.shipped_at ; - ; bool ; bool true
order.shipped_at != null || requested_at > order.shipped_at ; - ; bool ; error optional_not_checked @44
order.shipped_at == null && requested_at > order.shipped_at ; - ; bool ; error optional_not_checked @44
order.shipped_at == null                 ; - ; bool      ; bool false
order.shipped_at != null ? requested_at - order.shipped_at : 0s ; - ; duration ; duration 403200s
order.shipped_at == null ? 0s : requested_at - order.shipped_at ; - ; duration ; duration 403200s
order.shipped_at == null ? requested_at - order.shipped_at : 0s ; - ; duration ; error optional_not_checked @43
(order.shipped_at ?? requested_at) > requested_at ; - ; bool ; bool false
order.shipped_at ?? requested_at         ; order.shipped_at=null ; timestamp ; timestamp 2026-11-05T10:00:00+08:00
order.shipped_at ?? order.delivered_at   ; - ; timestamp ; error optional_not_checked @1
order.shipped_at ?? 0                    ; - ; -         ; error type_mismatch @21
item.category ?? "none"                  ; - ; string    ; string 'none'
item.category == "food"                  ; - ; bool      ; error optional_not_checked @1
item.category != null && item.category == "food" ; item.category=food ; bool ; bool true
facts.score ?? 0                         ; - ; int       ; int 0
facts.score > 3                          ; - ; bool      ; error optional_not_checked @1
facts.verified                           ; - ; bool      ; error optional_not_checked @1
facts.verified ?? false                  ; - ; bool      ; bool false
facts.verified == true                   ; - ; bool      ; error optional_not_checked @1
no_limit ?? maximum                      ; - ; money     ; money 100.00
refund_cap() ?? line.paid                ; - ; money     ; money 185.96
refund_cap()                             ; - ; money     ; error optional_not_checked @1
enabled ? line.paid : null               ; - ; money     ; error optional_not_checked @1
null + 1                                 ; - ; -         ; error type_mismatch @1
# ---------------------------------------------------------------- host functions
order.delivered_at != null && days_since(order.delivered_at) <= window_days ; - ; bool ; bool true
!(order.delivered_at != null && days_since(order.delivered_at) <= window_days) ; - ; bool ; bool false
days_since(order.delivered_at)           ; - ; int       ; error optional_not_checked @12
order.delivered_at != null ? end_of_day(order.delivered_at, 7) : requested_at ; - ; timestamp ; timestamp 2026-11-08T23:59:59+08:00
end_of_day(requested_at, customer.tier in vip_tiers ? 15 : window_days) ; customer.tier=none ; timestamp ; timestamp 2026-11-12T23:59:59+08:00
all_in(requested.categories, food_categories) ; - ; bool ; bool true
all_in(requested.categories, ["food"])   ; - ; bool      ; bool false
all_in(no_reason_reasons, ["no_reason", "changed_mind"]) ; - ; bool ; bool true
all_in(requested.categories)             ; - ; bool      ; error wrong_argument_count @1
days_since(requested_at, 1)              ; - ; int       ; error wrong_argument_count @1
days_since(7)                            ; - ; int       ; error type_mismatch @12
dayz_since(requested_at)                 ; - ; int       ; error unknown_function @1
dayz_since(nope)                         ; - ; int       ; error unknown_function @1, unknown_name @12
order.delivered_at.foo(1)                ; - ; int       ; error unknown_function @1
# ---------------------------------------------------------------- built-in functions
max(line.paid * 10, 1000.00)             ; - ; money     ; money 1859.60
max(line.paid * 3, 500.00)               ; - ; money     ; money 557.88
min(1, 2, -3)                            ; - ; int       ; int -3
min(requested_at, requested_at - 1d)     ; - ; timestamp ; timestamp 2026-11-04T10:00:00+08:00
max(1)                                   ; - ; int       ; error wrong_argument_count @1
max(1, 2.00)                             ; - ; money     ; error type_mismatch @8
max("a", "b")                            ; - ; string    ; error type_mismatch @5, type_mismatch @10
max(order.shipped_at, requested_at)      ; - ; timestamp ; error optional_not_checked @5
clamp(order.paid_total * rate, minimum, maximum) ; - ; money ; money 19.90
clamp(0.10 * rate, minimum, maximum)     ; - ; money     ; money 3.00
clamp(order.paid_total * 90%, minimum, maximum) ; - ; money ; money 100.00
clamp(5, 10, 1)                          ; - ; int       ; error constant_out_of_range @10
clamp(line.quantity, 10, 1)              ; - ; int       ; error constant_out_of_range @22
clamp(5, 10)                             ; - ; int       ; error wrong_argument_count @1
abs(-3)                                  ; - ; int       ; int 3
abs(line.paid - order.paid_total)        ; - ; money     ; money 212.04
abs(requested_at)                        ; - ; -         ; error type_mismatch @5
abs(-9223372036854775807 - 1)            ; - ; int       ; error constant_overflow @1
mx(1, 2)                                 ; - ; int       ; error unknown_function @1
# ---------------------------------------------------------------- names
order.deliverd_at != null                ; - ; bool      ; error unknown_name @1
kind == "return" && nope > 1 && reason == "nope" ; - ; bool ; error unknown_name @21, unknown_enum_value @43
windowdays                               ; - ; int       ; error unknown_name @1
# ---------------------------------------------------------------- expected type
line.quantity                            ; - ; money     ; error type_mismatch @1
7                                        ; - ; money     ; error type_mismatch @1
⏎  7                                     ; - ; money     ; error type_mismatch @4
order.delivered_at                       ; - ; timestamp ; error optional_not_checked @1
kind                                     ; - ; string    ; string 'return'
kind == "return"                         ; - ; money     ; error type_mismatch @1
# ---------------------------------------------------------------- syntax
<empty>                                  ; - ; -         ; error syntax_error @1
1 +                                      ; - ; -         ; error syntax_error @4
(1 + 2                                   ; - ; -         ; error syntax_error @7
1 + 2)                                   ; - ; -         ; error syntax_error @6
a = b                                    ; - ; -         ; error syntax_error @3
enabled & enabled                        ; - ; -         ; error syntax_error @9
enabled | enabled                        ; - ; -         ; error syntax_error @9
kind == "return" and enabled             ; - ; -         ; error syntax_error @18
not enabled                              ; - ; -         ; error syntax_error @1
"abc                                     ; - ; -         ; error syntax_error @1
"a⏎b"                                    ; - ; -         ; error syntax_error @1
"\q"                                     ; - ; -         ; error syntax_error @2
"\u{110000}"                             ; - ; -         ; error syntax_error @2
1 # 2                                    ; - ; -         ; error syntax_error @3
10 / 2                                   ; - ; -         ; error syntax_error @4
order.                                   ; - ; -         ; error syntax_error @6
max(1 2)                                 ; - ; -         ; error syntax_error @7
[1, 2                                    ; - ; -         ; error syntax_error @6
enabled ? 1                              ; - ; -         ; error syntax_error @12
1.00 5                                   ; - ; -         ; error syntax_error @6
"中文" == 1.005 && ¿                     ; - ; -         ; error bad_literal @13, syntax_error @22
kind == （"return"）                       ; - ; -         ; error syntax_error @9
kind == “return”                         ; - ; -         ; error syntax_error @9
enabled　&& enabled                      ; - ; -         ; error syntax_error @8
# ---------------------------------------------------------------- multi-line (block scalars)
kind == "return" && reason in no_reason_reasons⏎  && order.delivered_at != null⏎  && days_since(order.delivered_at) > 3 ; - ; bool ; bool true
kind == "return"⏎  && order.delivered_at > requested_at ; - ; bool ; error optional_not_checked @23
"退货" == kind                            ; - ; bool      ; error unknown_enum_value @1
kind == "return" && "退货" == "退货" && nope ; - ; bool ; error unknown_name @45
# ---------------------------------------------------------------- null slots (the linter's probe)
kind == "return"                         ; nulls ; bool  ; throws unexpected_null
order.delivered_at == null               ; nulls ; bool  ; bool true
line.paid * rate                         ; nulls ; money ; throws unexpected_null
enabled && reason in no_reason_reasons   ; nulls ; bool  ; throws unexpected_null
order.delivered_at != null && days_since(order.delivered_at) <= 7 ; nulls ; bool ; bool false
order.shipped_at != null && requested_at > order.shipped_at ; order.shipped_at=2026-11-01T00:00:00Z, requested_at=null ; bool ; throws unexpected_null
item.attributes.perishable || enabled    ; nulls ; bool  ; throws unexpected_null
enabled || item.attributes.perishable    ; nulls ; bool  ; bool true
clamp(order.paid_total * rate, minimum, maximum) ; nulls ; money ; throws unexpected_null
max(line.paid, 1.00)                     ; nulls ; money ; throws unexpected_null
customer.tier in vip_tiers ? 15 : 7      ; nulls ; int   ; throws unexpected_null
-line.quantity                           ; nulls ; int   ; throws unexpected_null
"""#
