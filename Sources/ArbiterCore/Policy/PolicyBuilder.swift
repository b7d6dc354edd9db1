/// Turns the sections of a policy's files into a checked `Policy`, collecting diagnostics.
struct PolicyBuilder {
    var reader: NodeReader
    /// Declarations that failed and sections that are missing: reported once, not once per use.
    var rootCauses = RootCauses()
    /// Display path → path relative to the policy folder.
    var relativePaths: [String: String] = [:]

    private struct Header {
        var name: String
        var version: String
        var currency: Currency
        var zone: Zone
        var description: String
        var effectiveFrom: (Timestamp, SourceLocation)?
        var effectiveUntil: (Timestamp, SourceLocation)?
        var selectedBy: (SelectingTimestamp, SourceLocation)?
    }

    mutating func build(documents: [YAMLMapping], digest: String) -> Policy? {
        // The header first: currency and zone are needed to read everything else.
        var header: Header?
        var headerLocation: SourceLocation?
        var formatSeen = false
        for document in documents {
            if let entry = document["arbiter"] {
                formatSeen = true
                if let version = reader.text(entry.value, "arbiter"), version != PolicyLoader.formatVersion {
                    reader.error(entry.value.span, "unsupported_format", "policy format 'arbiter: \(version)' is not supported (this engine reads format \(PolicyLoader.formatVersion))")
                }
            }
            guard let entry = document["policy"] else { continue }
            if let headerLocation {
                reader.error(entry.key.span, "duplicate_section", "'policy' is already declared at \(headerLocation)")
                continue
            }
            headerLocation = entry.key.location
            header = readHeader(entry.value)
        }
        guard let headerLocation else {
            let location = documents.first?.location ?? SourceLocation(file: "policy", line: 1, column: 1)
            reader.error(location, "missing_header", "no file declares 'policy:' (name, version, currency, timezone, description)")
            return nil
        }
        if !formatSeen {
            reader.error(headerLocation, "missing_format", "declare the policy format with 'arbiter: \(PolicyLoader.formatVersion)' beside 'policy:'")
        }
        guard let header else { return nil }

        var attributes: [DeclaredField] = []
        var facts: [DeclaredField] = []
        var parameters: [Parameter] = []
        var codes: [String: ReasonCode] = [:]
        rootCauses.parametersMissing = true
        rootCauses.codesMissing = true
        for document in documents {
            if let entry = document["attributes"] { readDeclaredFields(entry.value, "attributes", into: &attributes) }
            if let entry = document["facts"] { readDeclaredFields(entry.value, "facts", into: &facts) }
            if let entry = document["parameters"] {
                rootCauses.parametersMissing = false
                PolicyLoader.readParameters(entry.value, currency: header.currency, into: &parameters, reader: &reader, rootCauses: &rootCauses)
            }
            if let entry = document["codes"] {
                rootCauses.codesMissing = false
                readCodes(entry.value, into: &codes)
            }
        }
        checkEveryCodeSpeaksThePacksLanguages(codes)
        var schema = RequestSchema(packName: header.name, currency: header.currency, defaultZone: header.zone, attributes: attributes, facts: facts)
        schema.packVersion = header.version
        schema.selectedBy = header.selectedBy?.0 ?? .placedAt
        var rules = RuleCompiler(schema: schema, parameters: parameters, codes: codes, relativePaths: relativePaths, reader: reader)
        rules.rootCauses = rootCauses
        // The pack's own `define:` sections (any file, in file order), which every rule may read.
        rules.packDefines = documents.compactMap { $0["define"]?.value }
        rules.compilePackDefines()
        var rulesSeen = false
        for document in documents {
            if let entry = document["rules"] {
                rulesSeen = true
                rules.readRules(entry.value)
            }
        }
        // A pack whose rules/ folder went missing would approve whatever no rule rejects.
        if !rulesSeen {
            rules.reader.error(headerLocation, "missing_rules", "no file declares 'rules:' (a pack keeps its rules in rules/*.yaml)")
        }
        // Usage warnings only mean something when every expression compiled: a rule that failed
        // to compile would make its parameters and codes look unused.
        rules.rootCauses.report(into: &rules.reader, headerLocation: headerLocation)
        if !rules.reader.diagnostics.contains(where: { $0.severity == .error }) { rules.lint() }
        reader = rules.reader
        var policy = Policy(
            name: header.name, version: header.version, description: header.description, schema: schema,
            parameters: parameters, codes: codes, lineRules: rules.lineRules, settlementRules: rules.settlementRules,
            requestRules: rules.requestRules, digest: digest, defineCount: rules.defineCount)
        policy.headerLocation = headerLocation
        policy.effectiveFrom = header.effectiveFrom?.0
        policy.effectiveFromLocation = header.effectiveFrom?.1
        policy.effectiveUntil = header.effectiveUntil?.0
        policy.effectiveUntilLocation = header.effectiveUntil?.1
        if let (selectedBy, location) = header.selectedBy {
            policy.selectedBy = selectedBy
            policy.selectedByLocation = location
        }
        return policy
    }

    private mutating func readHeader(_ node: YAMLNode) -> Header? {
        guard let mapping = reader.mapping(node, "'policy'", allowed: ["name", "version", "currency", "timezone", "description", "effective_from", "effective_until", "selected_by"]) else { return nil }
        let name = reader.required(mapping, "name", "'policy'").flatMap { reader.text($0, "name") }
        let version = reader.required(mapping, "version", "'policy'").flatMap { reader.text($0, "version") }
        let description = reader.required(mapping, "description", "'policy'").flatMap { reader.text($0, "description") }
        var currency: Currency?
        if let node = reader.required(mapping, "currency", "'policy'"), let code = reader.text(node, "currency") {
            currency = Currency.named(code)
            if currency == nil {
                reader.error(node.span, "unknown_currency", "unknown currency '\(code)'; expected one of: " + Currency.known.map(\.code).joined(separator: ", "))
            }
        }
        var zone: Zone?
        if let node = reader.required(mapping, "timezone", "'policy'"), let identifier = reader.text(node, "timezone") {
            // Each compiled copy of the policy has a zone of its own (`Zone.unshared`).
            zone = Zone.unshared(named: identifier)
            if zone == nil { reader.error(node.span, "unknown_timezone", "unknown time zone '\(identifier)' (expected an IANA name like 'Asia/Shanghai')") }
        }
        // SPEC section 9: when this version is in force, and which timestamp selects it.
        func instant(_ key: String) -> (Timestamp, SourceLocation)? {
            guard let node = mapping[key]?.value, let text = reader.text(node, key) else { return nil }
            do {
                return (try Timestamp.parse(text), node.location)
            } catch {
                reader.error(node.span, "bad_timestamp", "\(key): \(error.message) (expected e.g. 2026-06-01T00:00:00+08:00)")
                return nil
            }
        }
        let effectiveFrom = instant("effective_from")
        let effectiveUntil = instant("effective_until")
        if let (from, _) = effectiveFrom, let (until, location) = effectiveUntil, !(from < until) {
            reader.error(location, "empty_effective_range", "effective_until \(until.rfc3339) is not after effective_from \(from.rfc3339): the version would never be in force")
        }
        var selectedBy: (SelectingTimestamp, SourceLocation)?
        if let node = mapping["selected_by"]?.value, let text = reader.text(node, "selected_by") {
            if let value = SelectingTimestamp(rawValue: text) {
                selectedBy = (value, node.location)
            } else {
                reader.error(node.span, "unknown_selected_by", "unknown selected_by '\(text)'; expected placed_at or requested_at")
            }
        }
        guard let name, let version, let description, let currency, let zone else { return nil }
        return Header(
            name: name, version: version, currency: currency, zone: zone, description: description,
            effectiveFrom: effectiveFrom, effectiveUntil: effectiveUntil, selectedBy: selectedBy)
    }

    /// `attributes:` / `facts:`: `name: bool|bool?|int|string|money`.
    private mutating func readDeclaredFields(_ node: YAMLNode, _ section: String, into fields: inout [DeclaredField]) {
        guard case .mapping(let mapping) = node else {
            reader.error(node.span, "expected_mapping", "'\(section)' must be a mapping of name to type (bool, bool?, int, string, money)")
            return
        }
        for entry in mapping.entries {
            let name = entry.key.value
            let errorsBefore = reader.diagnostics.count
            defer {
                if reader.diagnostics.count > errorsBefore, !fields.contains(where: { $0.name == name }) {
                    rootCauses.declarationFailed(section == "facts" ? .fact : .attribute, name, diagnosticIndex: errorsBefore)
                }
            }
            guard PolicyLoader.isIdentifier(name) else {
                reader.error(entry.key.span, "bad_name", "\(section) name '\(name)' must be lower_snake_case")
                continue
            }
            if let first = fields.first(where: { $0.name == name }) {
                reader.error(entry.key.span, "duplicate_name", "'\(name)' is already declared at \(first.location)")
                continue
            }
            guard let typeName = reader.text(entry.value, "type of '\(name)'") else { continue }
            guard let type = DeclaredField.FieldType(rawValue: typeName) else {
                reader.error(entry.value.span, "unknown_type", "unknown type '\(typeName)' for '\(name)'; expected bool, bool?, int, string or money")
                continue
            }
            fields.append(DeclaredField(name: name, type: type, location: entry.key.location))
        }
    }

    /// A language the pack writes messages in is written for every code: otherwise an answer in
    /// that language would give one reason in it and another in English (the fallback), and a
    /// reviewer could not tell a forgotten message from a deliberate one. One error per code
    /// that lacks one, at the code.
    private mutating func checkEveryCodeSpeaksThePacksLanguages(_ codes: [String: ReasonCode]) {
        for locale in MessageLocale.allCases where locale != .en {
            let speaking = codes.values.filter { $0.messages[locale] != nil }
            guard !speaking.isEmpty, speaking.count < codes.count else { continue }
            let example = speaking.min { $0.code < $1.code }!.code
            for code in codes.values.sorted(by: { ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column) }) where code.messages[locale] == nil {
                reader.error(code.location, "missing_message",
                             "code '\(code.code)' has no \(locale.rawValue) message, while \(speaking.count) other codes of the pack have one (e.g. '\(example)'): add '\(locale.rawValue): …'",
                             notes: ["a request in \(locale.rawValue) would get this reason in English, the fallback"])
            }
        }
    }

    /// `codes:`: `CODE: {zh-CN: 文本, en: text}`.
    private mutating func readCodes(_ node: YAMLNode, into codes: inout [String: ReasonCode]) {
        guard case .mapping(let mapping) = node else {
            reader.error(node.span, "expected_mapping", "'codes' must be a mapping of CODE to messages {zh-CN: …, en: …}")
            return
        }
        for entry in mapping.entries {
            let code = entry.key.value
            let errorsBefore = reader.diagnostics.count
            defer {
                if reader.diagnostics.count > errorsBefore, codes[code] == nil {
                    rootCauses.declarationFailed(.code, code, diagnosticIndex: errorsBefore)
                }
            }
            guard RuleCompiler.isCode(code) else {
                reader.error(entry.key.span, "bad_code", "reason code '\(code)' must be UPPER_SNAKE_CASE")
                continue
            }
            if let first = codes[code] {
                reader.error(entry.key.span, "duplicate_code", "code '\(code)' is already declared at \(first.location)")
                continue
            }
            let locales = MessageLocale.allCases.map(\.rawValue)
            guard let body = reader.mapping(entry.value, "code '\(code)'", allowed: locales) else { continue }
            var messages: [MessageLocale: String] = [:]
            // `en` is every pack's fallback language; the others are optional.
            for locale in MessageLocale.allCases {
                let node = locale == .en ? reader.required(body, locale.rawValue, "code '\(code)'") : body[locale.rawValue]?.value
                if let node, let text = reader.text(node, "message") {
                    messages[locale] = text
                }
            }
            codes[code] = ReasonCode(code: code, messages: messages, location: entry.key.location)
        }
    }
}
