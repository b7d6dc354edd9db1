/// The scalar checks of `TapeRequestDecoder`, each the tree decoder's with the same messages:
/// a value is a token index of the tape.
extension TapeRequestDecoder {
    func string(_ value: Int, _ path: @autoclosure () -> String) throws(RequestError) -> String {
        try expectString(value, path())
        return tape.string(value)
    }

    /// The check `string` makes, for values read without making a `String`.
    func expectString(_ value: Int, _ path: @autoclosure () -> String) throws(RequestError) {
        guard tape.kind(value) == .string else { throw RequestError(path: path(), "must be a string, found \(describe(value))") }
    }

    func optionalString(_ value: Int, _ path: @autoclosure () -> String) throws(RequestError) -> String? {
        if tape.kind(value) == .null { return nil }
        return try string(value, path())
    }

    func bool(_ value: Int, _ path: @autoclosure () -> String) throws(RequestError) -> Bool {
        switch tape.kind(value) {
        case .true: return true
        case .false: return false
        default: throw RequestError(path: path(), "must be true or false, found \(describe(value))")
        }
    }

    /// The enumeration case named by the string at `value`, matched without making a `String`.
    func enumeration<E: RawRepresentable & CaseIterable>(_ value: Int, _ path: @autoclosure () -> String, _ cases: KeyTable<E>) throws(RequestError) -> E where E.RawValue == String {
        try expectString(value, path())
        if let result = cases.match(tape, value) { return result }
        let text = tape.string(value)
        let allowed = E.allCases.map(\.rawValue)
        var message = "unknown value '\(text)'"
        if let suggestion = Suggestion.closest(to: text, in: allowed) { message += " (did you mean '\(suggestion)'?)" }
        throw RequestError(path: path(), message + "; expected one of " + allowed.joined(separator: ", "))
    }

    func integer(_ value: Int, _ path: @autoclosure () -> String, in range: ClosedRange<Int>) throws(RequestError) -> Int {
        guard tape.kind(value) == .number else { throw RequestError(path: path(), "must be an integer, found \(describe(value))") }
        guard let number = Self.integerLiteral(tape.bytes(value)) else {
            throw RequestError(path: path(), "must be an integer, found \(tape.string(value))")
        }
        guard range.contains(number) else {
            throw RequestError(path: path(), number < range.lowerBound ? "must be at least \(range.lowerBound), found \(number)" : "must be at most \(range.upperBound), found \(number)")
        }
        return number
    }

    /// `Int(literal)` for the text of a JSON number: an optional minus and decimal digits
    /// that fit an `Int`; nil for fractions, exponents and overflow.
    static func integerLiteral(_ literal: UnsafeRawBufferPointer) -> Int? {
        var position = 0
        let negative = literal.first == UInt8(ascii: "-")
        if negative { position = 1 }
        guard position < literal.count else { return nil }
        // Accumulated as a negative number, which has room for Int.min.
        var value = 0
        while position < literal.count {
            let digit = literal[position] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (next, underflowed) = shifted.subtractingReportingOverflow(Int(digit))
            guard !overflowed, !underflowed else { return nil }
            value = next
            position += 1
        }
        if negative { return value }
        return value == Int.min ? nil : -value
    }

    func money(_ value: Int, _ path: @autoclosure () -> String) throws(RequestError) -> Int64 {
        guard tape.kind(value) == .string else {
            if tape.kind(value) == .number {
                throw RequestError(path: path(), "money must be a decimal string like \"\(tape.string(value))\", not a JSON number")
            }
            throw RequestError(path: path(), "money must be a decimal string, found \(describe(value))")
        }
        if let amount = ByteScalars.minorUnits(tape.bytes(value), fractionDigits: fractionDigits) { return amount }
        do {
            return try Money.parseMinorUnits(tape.string(value), fractionDigits: fractionDigits)
        } catch {
            throw RequestError(path: path(), error.message)
        }
    }

    func optionalMoney(_ value: Int, _ path: @autoclosure () -> String) throws(RequestError) -> Int64? {
        if tape.kind(value) == .null { return nil }
        return try money(value, path())
    }

    func timestamp(_ value: Int, _ path: @autoclosure () -> String) throws(RequestError) -> Timestamp {
        try expectString(value, path())
        if let instant = ByteScalars.timestamp(tape.bytes(value)) { return instant }
        let text = tape.string(value)
        do {
            // Decided to the second: a fraction is accepted and dropped (`Timestamp.wholeSeconds`).
            return try Timestamp.parse(text).wholeSeconds
        } catch {
            throw RequestError(path: path(), error.message)
        }
    }

    func optionalTimestamp(_ value: Int, _ path: @autoclosure () -> String) throws(RequestError) -> Timestamp? {
        if tape.kind(value) == .null { return nil }
        return try timestamp(value, path())
    }

    /// How an unexpected value is named in a message, as the tree decoder names it.
    func describe(_ value: Int) -> String {
        switch tape.kind(value) {
        case .null: return "null"
        case .true: return "true"
        case .false: return "false"
        case .number: return "number \(tape.string(value))"
        case .string: return "string \"\(tape.string(value))\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
