/// Reads the `parameters:` section: named, typed values rules refer to by name.
///
///     parameters:
///       no_reason_window_days:
///         type: int
///         value: 7
///         description: days after receipt a no-reason return is accepted
extension PolicyLoader {
    /// Names that would shadow request fields if a parameter took them.
    static let reservedNames: Set<String> = [
        "kind", "reason", "requested_at", "order", "line", "item", "customer", "evidence", "facts", "requested",
        "refund", "true", "false", "null", "in",
    ]

    static func parameterType(_ name: String) -> ValueType? {
        switch name {
        case "int": return .int
        case "money": return .money
        case "percent": return .percent
        case "duration": return .duration
        case "bool": return .bool
        case "string": return .string
        case "list<string>": return .list(.string)
        case "list<int>": return .list(.int)
        case "list<money>": return .list(.money)
        case "list<kind>": return .list(.enumeration(RequestField.kindDomain))
        case "list<reason>": return .list(.enumeration(RequestField.reasonDomain))
        case "list<condition>": return .list(.enumeration(RequestField.conditionDomain))
        default: return nil
        }
    }

    static let parameterTypeNames = [
        "int", "money", "percent", "duration", "bool", "string", "list<string>", "list<int>", "list<money>",
        "list<kind>", "list<reason>", "list<condition>",
    ]

    /// Reads every parameter into `parameters`; a parameter reported as an error is recorded in
    /// `rootCauses`, so that its uses are not reported once each.
    static func readParameters(_ node: YAMLNode, currency: Currency, into parameters: inout [Parameter], reader: inout NodeReader,
                               rootCauses: inout RootCauses) {
        guard case .mapping(let mapping) = node else {
            reader.error(node.span, "expected_mapping", "'parameters' must be a mapping of name to {type, value, description}")
            return
        }
        for entry in mapping.entries {
            let name = entry.key.value
            let errorsBefore = reader.diagnostics.count
            let declared = parameters.count
            defer {
                if parameters.count == declared, reader.diagnostics.count > errorsBefore, !parameters.contains(where: { $0.name == name }) {
                    rootCauses.declarationFailed(.parameter, name, diagnosticIndex: errorsBefore)
                }
            }
            guard isIdentifier(name) else {
                reader.error(entry.key.span, "bad_parameter_name", "parameter name '\(name)' must be lower_snake_case")
                continue
            }
            guard !reservedNames.contains(name) else {
                reader.error(entry.key.span, "reserved_name", "parameter name '\(name)' is reserved for a request field")
                continue
            }
            if let first = parameters.first(where: { $0.name == name }) {
                reader.error(entry.key.span, "duplicate_parameter", "parameter '\(name)' is already defined at \(first.location)")
                continue
            }
            guard let body = reader.mapping(entry.value, "parameter '\(name)'", allowed: ["type", "value", "description"]),
                  let typeNode = reader.required(body, "type", "parameter '\(name)'"),
                  let typeName = reader.text(typeNode, "type"),
                  let valueNode = reader.required(body, "value", "parameter '\(name)'") else { continue }
            guard let type = parameterType(typeName) else {
                var message = "unknown parameter type '\(typeName)'"
                if let suggestion = Suggestion.closest(to: typeName, in: parameterTypeNames) { message += " (did you mean '\(suggestion)'?)" }
                reader.error(typeNode.span, "unknown_type", message + "; expected one of: " + parameterTypeNames.joined(separator: ", "))
                continue
            }
            let description = body["description"].flatMap { reader.text($0.value, "description") } ?? ""
            guard let value = parameterValue(valueNode, type: type, currency: currency, name: name, reader: &reader) else { continue }
            parameters.append(Parameter(name: name, type: type, value: value, description: description, location: entry.key.location))
        }
    }

    static func parameterValue(_ node: YAMLNode, type: ValueType, currency: Currency, name: String, reader: inout NodeReader) -> Value? {
        if case .list(let element) = type {
            guard case .sequence(let sequence) = node else {
                reader.error(node.span, "type_mismatch", "parameter '\(name)' is a \(type): write a list like [a, b]")
                return nil
            }
            var values: [Value] = []
            for item in sequence.items {
                guard let value = parameterValue(item, type: element, currency: currency, name: name, reader: &reader) else { return nil }
                values.append(value)
            }
            return .list(values)
        }
        guard let scalar = reader.scalar(node, "value of parameter '\(name)'") else { return nil }
        let text = scalar.value
        func fail(_ expected: String) -> Value? {
            reader.error(scalar.span, "type_mismatch", "parameter '\(name)' is \(type), but '\(text)' is not \(expected)")
            return nil
        }
        switch type {
        case .int:
            guard let number = Int64(text), !text.hasPrefix("+") else {
                if isWholeNumber(text) {
                    reader.error(scalar.span, "out_of_range", "parameter '\(name)': '\(text)' is out of range for an int (\(Int64.min) to \(Int64.max))")
                    return nil
                }
                return fail("an integer")
            }
            // Parameters are counts, days, multipliers: a negative window or count cannot take effect.
            guard number >= 0 else {
                reader.error(scalar.span, "out_of_range", "parameter '\(name)': '\(text)' is negative; a window, a count or a multiplier is 0 or more")
                return nil
            }
            return .int(number)
        case .money:
            do {
                return .money(try Money.parseMinorUnits(text, fractionDigits: currency.fractionDigits))
            } catch {
                reader.error(scalar.span, "bad_money", "parameter '\(name)': \(error.message)")
                return nil
            }
        case .percent:
            guard let percent = Percent.parse(text) else { return fail("a percentage like 5% or 12.5%") }
            // A rate is a part of an amount: above 100% it would pay out more than the amount.
            guard percent.basisPoints <= 10_000 else {
                reader.error(scalar.span, "out_of_range", "parameter '\(name)': '\(text)' is above 100%; a rate is a part of an amount")
                return nil
            }
            return .percent(percent.basisPoints)
        case .duration:
            guard let seconds = parseDuration(text) else {
                if let unit = text.last, "dhms".contains(unit), isWholeNumber(String(text.dropLast())), !text.hasPrefix("-") {
                    reader.error(scalar.span, "out_of_range", "parameter '\(name)': '\(text)' is longer than \(maxDurationDays)d, the span of timestamps (years 0001–9999)")
                    return nil
                }
                return fail("a duration like 48h or 15d")
            }
            return .duration(seconds)
        case .bool:
            guard scalar.style == .plain, text == "true" || text == "false" else { return fail("true or false") }
            return .bool(text == "true")
        case .string:
            return .string(text)
        case .enumeration(let domain):
            guard domain.cases.contains(text) else {
                var message = "'\(text)' is not a valid \(domain.name)"
                if let suggestion = Suggestion.closest(to: text, in: domain.cases) { message += " (did you mean '\(suggestion)'?)" }
                reader.error(scalar.span, "unknown_enum_value", message)
                return nil
            }
            return .string(text)
        default:
            return fail("supported")
        }
    }

    /// The longest duration a parameter may hold, in days: no two timestamps (years 0001–9999)
    /// are further apart, so a longer one could only push an instant out of range (and in
    /// seconds it still fits an Int64 with room for any sum of two).
    static let maxDurationDays: Int64 = 3_652_059

    /// `48h`, `15d`, `30m`, `90s` → seconds; nil for anything else, or anything longer than
    /// `maxDurationDays`.
    static func parseDuration(_ text: String) -> Int64? {
        guard let unit = text.last, !text.hasPrefix("+"), let number = Int64(text.dropLast()), number >= 0 else { return nil }
        let secondsPerUnit: Int64
        switch unit {
        case "d": secondsPerUnit = 86_400
        case "h": secondsPerUnit = 3_600
        case "m": secondsPerUnit = 60
        case "s": secondsPerUnit = 1
        default: return nil
        }
        let (seconds, overflow) = number.multipliedReportingOverflow(by: secondsPerUnit)
        guard !overflow, seconds <= maxDurationDays * 86_400 else { return nil }
        return seconds
    }

    /// An optional `-` then ASCII digits only (a number too large for `Int64` is still one).
    static func isWholeNumber(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.utf8.dropFirst() : text.utf8[...]
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}
