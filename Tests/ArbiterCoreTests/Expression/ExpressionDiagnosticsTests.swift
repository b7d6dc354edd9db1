import Testing
@testable import ArbiterCore

/// What authors read: exact messages, the ranges errors cover, the depth limit, and the
/// narrowing a host can carry from a rule's condition to its amounts.
@Suite struct ExpressionDiagnosticsTests {
    static func errors(_ source: String, expecting: ValueType? = nil, currency: Currency = ExpressionTestEnvironment.currency) -> [ExpressionError] {
        switch ExpressionCompiler.compile(source, expecting: expecting, environment: ExpressionTestEnvironment(), currency: currency) {
        case .success: return []
        case .failure(let failure): return failure.errors
        }
    }

    /// Each error as `message`, then `note: …` lines for its hints.
    static let messages: [(source: String, expecting: ValueType?, message: String)] = [
        (#"reason == "no_reson""#, .bool, "unknown reason 'no_reson' (did you mean 'no_reason'?)"),
        (#"line.paid == "10""#, .bool,
         "cannot compare money with string\nnote: amounts of money are written without quotes: write 10.00, not \"10\" (a quoted value is a string)"),
        (#"order.paid_total >= "99.5""#, .bool,
         "cannot compare money with string\nnote: amounts of money are written without quotes: write 99.50, not \"99.5\" (a quoted value is a string)"),
        (#"line.paid == "ten""#, .bool, "cannot compare money with string"),
        (#"no_limit ?? "5.00""#, .money,
         "the default after '??' must be money, found string\nnote: amounts of money are written without quotes: write 5.00, not \"5.00\" (a quoted value is a string)"),
        ("customer.tier == 100.00", .bool, "cannot compare string with money\nnote: text is written in quotes: write \"100.00\" for a string"),
        (#"requested_at + "48h" > requested_at"#, .bool,
         "cannot apply '+' to timestamp and string\nnote: durations are written without quotes: write 48h, not \"48h\""),
        (#"rate == "5%""#, .bool, "cannot compare percent with string\nnote: percentages are written without quotes: write 5%, not \"5%\""),
        ("line.paid > 0", .bool, "cannot compare money with int\nnote: write '0.00' for an amount of money"),
        ("7", .money, "expected money, found int\nnote: write '7.00' for an amount of money"),
        ("line.quantity", .money, "expected money, found int"),
        ("order.deliverd_at != null", .bool, "unknown field 'order.deliverd_at' (did you mean 'order.delivered_at'?)"),
        // The misspelt null check is the one error: the name it meant is not also "may be null" after it.
        ("order.deliverd_at != null && days_since(order.delivered_at) > 1", .bool,
         "unknown field 'order.deliverd_at' (did you mean 'order.delivered_at'?)"),
        ("requested_at > order.shipped_at", .bool,
         "'order.shipped_at' may be null: check it first ('order.shipped_at != null && …') or give a default ('order.shipped_at ?? …')"),
        ("dayz_since(requested_at) > 1", .bool, "unknown function 'dayz_since' (did you mean 'days_since'?)"),
        ("days_since(requested_at, 1) > 1", .bool, "'days_since' takes 1 argument, found 2"),
        ("days_since(7) > 1", .bool, "argument 1 of 'days_since' must be timestamp, found int"),
        ("requested_at + 7 > requested_at", .bool, "cannot apply '+' to timestamp and int\nnote: write '7d', '7h', '7m' or '7s' for a duration"),
        // No note that leads to another error: there is no '+' on strings either.
        (#"customer.tier + 5 == "x""#, .bool, "cannot apply '+' to string and int"),
        ("line.paid + 5 > line.paid", .bool, "cannot apply '+' to money and int\nnote: write '5.00' for an amount of money"),
        ("1.005", .money, "'1.005' has too many fraction digits: CNY amounts have 2 fraction digits"),
        ("kind == \"return\" and enabled", .bool, "unexpected 'and' (write '&&')"),
        ("enabled ? 1 : 2.00", .int, "the branches of '?:' have different types: int and money\nnote: write '1.00' for an amount of money"),
        ("kind == （\"return\"）", .bool, "unexpected character '（' (a full-width character: write '(')"),
        ("kind == “return”", .bool, "unexpected character '“' (a curly quote: write '\"')"),
    ]

    @Test func messages() {
        for (source, expecting, message) in Self.messages {
            let errors = Self.errors(source, expecting: expecting)
            #expect(errors.map { ([$0.message] + $0.notes.map { "note: " + $0 }).joined(separator: "\n") } == [message], "\(source)")
            for error in errors {
                // One line, lowercase start: the caller prefixes "file:line:col: error: ".
                #expect(!error.message.contains("\n"))
                #expect(error.message.first.map { !$0.isUppercase } ?? false)
            }
        }
    }

    @Test func unknownNameCoversTheWholeDottedName() throws {
        let source = #"kind == "return" || order.deliverd_at != null"#
        let error = try #require(Self.errors(source, expecting: .bool).first)
        let bytes = Array(source.utf8)
        let name = String(decoding: bytes[error.utf8Offset..<(error.utf8Offset + error.length)], as: UTF8.self)
        #expect(error.code == "unknown_name")
        #expect(name == "order.deliverd_at")
    }

    @Test func offsetsAreUTF8BytesAcrossLinesAndChineseText() throws {
        let source = "\"七天\" == \"七天\"\n  && nope"
        let error = try #require(Self.errors(source, expecting: .bool).first)
        #expect(error.utf8Offset == Array(source.utf8).count - 4)
        #expect(error.length == 4)
    }

    @Test func severalErrorsInSourceOrder() {
        let errors = Self.errors(#"nope > 1 && reason == "nope" && line.paid > 0"#, expecting: .bool)
        #expect(errors.map(\.code) == ["unknown_name", "unknown_enum_value", "type_mismatch"])
        #expect(errors.map(\.utf8Offset) == errors.map(\.utf8Offset).sorted())
    }

    @Test(arguments: [
        String(repeating: "(", count: 10_000) + "1",
        String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000),
        String(repeating: "!", count: 10_000) + "enabled",
        String(repeating: "-", count: 10_000) + "1",
        Array(repeating: "1", count: 10_000).joined(separator: " + "),
        String(repeating: "[", count: 10_000),
        String(repeating: "max(1, ", count: 10_000),
        Array(repeating: "enabled ? 1 :", count: 10_000).joined(separator: " ") + " 2",
        Array(repeating: "order.shipped_at", count: 10_000).joined(separator: " ?? "),
    ])
    func deepNestingIsASyntaxError(_ source: String) {
        let errors = Self.errors(source)
        #expect(errors.map(\.code) == ["syntax_error"])
        #expect(errors.first?.message == "expression nested too deeply")
    }

    @Test func longFlatChainsAreFine() throws {
        let source = Array(repeating: #"kind == "return""#, count: 5_000).joined(separator: " && ")
        let compiled = try ExpressionCompiler.compile(source, expecting: .bool, environment: ExpressionTestEnvironment(), currency: ExpressionTestEnvironment.currency).get()
        #expect(try compiled.evaluate(in: ExpressionTestContext.standard) == .bool(true))
        let nested = String(repeating: "(", count: 20) + "enabled" + String(repeating: ")", count: 20)
        #expect(Self.errors(nested).isEmpty)
    }

    @Test func conditionNarrowingCarriesToDependentExpressions() throws {
        let environment = ExpressionTestEnvironment()
        let currency = ExpressionTestEnvironment.currency
        let condition = try ExpressionCompiler.compile(
            #"kind == "return" && order.delivered_at != null && !(order.shipped_at == null)"#, expecting: .bool,
            environment: environment, currency: currency).get()
        #expect(condition.nonNullWhenTrue == ["order.delivered_at", "order.shipped_at"])
        let amount = "end_of_day(order.delivered_at, window_days)"
        let unguarded = ExpressionCompiler.compile(amount, expecting: .timestamp, environment: environment, currency: currency)
        #expect((try? unguarded.get()) == nil)
        let guarded = try ExpressionCompiler.compile(
            amount, expecting: .timestamp, environment: environment, currency: currency, assumingNonNull: condition.nonNullWhenTrue).get()
        #expect(try guarded.evaluate(in: ExpressionTestContext.standard) == .timestamp(ExpressionTestContext.timestamp("2026-11-08T23:59:59+08:00")))
        let either = try ExpressionCompiler.compile(
            "order.delivered_at == null || order.shipped_at == null", expecting: .bool, environment: environment, currency: currency).get()
        #expect(either.nonNullWhenTrue.isEmpty)
    }

    @Test func zeroFractionCurrencies() throws {
        let yen = try #require(Currency.named("JPY"))
        #expect(Self.errors("5.0", expecting: .money, currency: yen).map(\.code) == ["bad_literal"])
        #expect(Self.errors("500 * 2", expecting: .int, currency: yen).isEmpty)
        // No `.00` hint for a currency without minor units: the way out is a money parameter.
        let errors = Self.errors("500", expecting: .money, currency: yen)
        #expect(errors.map(\.message) == ["expected money, found int"])
        #expect(errors.flatMap(\.notes) == [#"JPY amounts have no fraction digits, so no literal is money in this pack: declare a money parameter in parameters.yaml (type: money, value: "500") and use its name"#])
    }

    @Test func evaluationNeverResolvesNames() throws {
        let environment = ExpressionTestEnvironment()
        let compiled = try ExpressionCompiler.compile(
            "reason in no_reason_reasons && line.paid * rate > minimum", expecting: .bool, environment: environment,
            currency: ExpressionTestEnvironment.currency).get()
        let resolvedAtCompile = environment.resolved
        #expect(resolvedAtCompile == ["reason", "no_reason_reasons", "line.paid", "rate", "minimum"])
        _ = try compiled.evaluate(in: ExpressionTestContext.standard)
        #expect(environment.resolved == resolvedAtCompile)
    }

    @Test func compiledExpressionsAreSharedAcrossTasks() async throws {
        let compiled = try ExpressionCompiler.compile(
            "clamp(order.paid_total * rate, minimum, maximum)", expecting: .money, environment: ExpressionTestEnvironment(),
            currency: ExpressionTestEnvironment.currency).get()
        let results = await withTaskGroup(of: Value?.self) { group in
            for _ in 0..<8 { group.addTask { try? compiled.evaluate(in: ExpressionTestContext.standard) } }
            var values: [Value?] = []
            for await value in group { values.append(value) }
            return values
        }
        #expect(results == Array(repeating: .money(1_990), count: 8))
    }
}
