/// Reads `rules:` sections and compiles every expression in them against the request schema,
/// the parameters and the declared codes.
///
///     rules:
///       - id: cn.no-reason.window
///         description: 七日无理由退货：签收次日起七日内
///         basis: 消费者权益保护法 第二十五条
///         scope: line
///         when: kind == "return" && reason in no_reason_reasons && days_since(order.delivered_at) <= 7
///         approve: SEVEN_DAY_NO_REASON
struct RuleCompiler {
    static let ruleKeys = [
        "id", "description", "basis", "scope", "for_each", "define", "when", "approve", "reject", "review", "offer",
        "compensation", "return_shipping", "route_to_review", "deadlines", "adjust", "refund_shipping", "refund_to", "settle",
        "otherwise", "note", "split",
    ]
    static let effectKeys: Set<String> = [
        "approve", "reject", "review", "offer", "compensation", "return_shipping", "route_to_review", "deadlines",
        "adjust", "refund_shipping", "refund_to", "settle", "note",
    ]

    /// The effects each scope's rules may have.
    static func effects(of scope: RuleScope) -> Set<String> {
        switch scope {
        case .line: return ["approve", "reject", "review", "offer"]
        case .settlement: return ["adjust", "refund_shipping"]
        case .request: return ["approve", "reject", "review", "offer", "compensation", "return_shipping", "route_to_review", "deadlines", "refund_to", "note"]
        }
    }

    let schema: RequestSchema
    let codes: [String: ReasonCode]
    let environment: PolicyEnvironment
    /// Display path → path relative to the policy folder.
    let relativePaths: [String: String]
    var reader: NodeReader
    /// Failed declarations and missing sections whose uses are counted, not reported.
    var rootCauses = RootCauses()
    var lineRules: [Rule] = []
    var settlementRules: [Rule] = []
    var requestRules: [Rule] = []
    private var ruleLocations: [String: SourceLocation] = [:]
    private var referencedCodes: Set<String> = []
    private var order = 0
    /// The `given:` conditions of the groups around the rule being read, outermost first.
    private var givens: [YAMLNode] = []
    /// The pack's top-level `define:` mappings (`Rules/cn/policy.yaml`): names every rule may
    /// read, computed from what every rule can read (the request's own fields, facts,
    /// parameters). A rule computes only those it reads (`pruned`).
    var packDefines: [YAMLNode] = []
    /// The pack defines that compiled (`compilePackDefines`), in order, and their names as every
    /// rule's expressions see them.
    private var compiledPackDefines: [Define] = []
    private var packDefineNames: [String: (slot: Int, type: ValueType)] = [:]
    /// The `define:` mappings of the groups around the rule being read, outermost first.
    private var groupDefines: [YAMLNode] = []
    /// Defines (by their mapping) that did not compile, reported once.
    private var failedDefines: Set<SourceLocation> = []
    /// Group conditions that did not compile (reported once, not once per rule of the group).
    private var failedGivens: Set<SourceLocation> = []
    /// `define:` values of all rules so far (each gets the next define slot).
    private(set) var defineCount = 0
    /// The `Define.shareKey` of each group define that has one, by where it is written and
    /// the scope of the rules that compile it.
    private var shareKeys: [String: Int] = [:]
    /// Names the current rule's `when:` proves non-null, for compiling its effects.
    private var guardedByCondition: Set<String> = []

    init(schema: RequestSchema, parameters: [Parameter], codes: [String: ReasonCode], relativePaths: [String: String], reader: NodeReader) {
        self.schema = schema
        self.relativePaths = relativePaths
        self.codes = codes
        self.environment = PolicyEnvironment(schema: schema, parameters: parameters)
        self.reader = reader
    }

    static func isCode(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    static func isRuleID(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) || ("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" || $0 == "_"
        }
    }

    mutating func readRules(_ node: YAMLNode) {
        guard case .sequence(let sequence) = node else {
            reader.error(node.span, "expected_list", "'rules' must be a list of rules (each item starts with '- id:')")
            return
        }
        for item in sequence.items {
            // A group: `- given: CONDITION` with its own `rules:`, the guard stated once for them all.
            // A group: `- given: CONDITION` and/or `define:` with its own `rules:`, stated once for them all.
            if case .mapping(let mapping) = item, mapping["id"] == nil, mapping["rules"] != nil || mapping["given"] != nil {
                guard let group = reader.mapping(item, "a group of rules", allowed: ["given", "define", "description", "rules"]),
                      let rules = reader.required(group, "rules", "a group of rules") else { continue }
                let given = group["given"]?.value
                let define = group["define"]?.value
                if let given { givens.append(given) }
                if let define { groupDefines.append(define) }
                readRules(rules)
                if given != nil { givens.removeLast() }
                if define != nil { groupDefines.removeLast() }
                continue
            }
            if let rule = readRule(item) {
                switch rule.scope {
                case .line: lineRules.append(rule)
                case .settlement: settlementRules.append(rule)
                case .request: requestRules.append(rule)
                }
            }
        }
    }

    private mutating func readRule(_ node: YAMLNode) -> Rule? {
        guard let mapping = reader.mapping(node, "a rule", allowed: Self.ruleKeys) else { return nil }
        guard let idNode = reader.required(mapping, "id", "rule"), let id = reader.text(idNode, "id") else { return nil }
        let what = "rule '\(id)'"
        if !Self.isRuleID(id) {
            reader.error(idNode.span, "bad_rule_id", "rule id '\(id)' must be lowercase letters, digits, '.', '-' or '_'")
        }
        if let first = ruleLocations[id] {
            reader.error(idNode.span, "duplicate_rule_id", "duplicate rule id '\(id)' (first defined at \(first))")
        } else {
            ruleLocations[id] = idNode.location
        }
        let description = reader.required(mapping, "description", what).flatMap { reader.text($0, "description") } ?? ""
        // The legal basis reaches the auditor with every rule (SPEC section 12: every rule has its basis).
        let basis = reader.required(mapping, "basis", what).flatMap { reader.text($0, "basis") } ?? ""
        var scope = RuleScope.line
        if let scopeNode = mapping["scope"]?.value, let text = reader.text(scopeNode, "scope") {
            if let parsed = RuleScope(rawValue: text) {
                scope = parsed
            } else {
                let known = RuleScope.allCases.map(\.rawValue)
                let hint = Suggestion.closest(to: text, in: known).map { " (did you mean '\($0)'?)" } ?? ""
                reader.error(scopeNode.span, "unknown_scope", "unknown scope '\(text)'\(hint); expected 'line' (once per requested line), 'settlement' (adjustments and the shipping refund) or 'request'")
                // What the rule may iterate over and which effects it may have depend on its
                // scope: checked against a guessed one they would only add wrong errors.
                return nil
            }
        }
        if let settle = mapping["settle"] {
            reader.error(settle.key.span, "settle_replaced", "'settle' was replaced by settlement rules written out: use scope: settlement with 'adjust:' and 'refund_shipping:' (see Rules/cn/rules/80-settlement.yaml)")
            return nil
        }
        let effectEntries = mapping.entries.filter { Self.effectKeys.contains($0.key.value) }
        guard !effectEntries.isEmpty else {
            // A misspelt effect (`rejekt:`) was reported as such, with its "did you mean".
            if reader.misspellings(in: mapping).contains(where: Self.effectKeys.contains) { return nil }
            reader.error(mapping.location, "no_effect", "\(what) has no effect (\(Self.effects(of: scope).sorted().joined(separator: ", ")))")
            return nil
        }
        let phase: RulePhase = scope == .line ? .line : (scope == .settlement ? .settlement : .request)
        environment.phase = phase
        for entry in effectEntries where !Self.effects(of: scope).contains(entry.key.value) {
            let home = RuleScope.allCases.filter { Self.effects(of: $0).contains(entry.key.value) }.map(\.rawValue)
            reader.error(entry.key.span, "effect_not_in_scope", "'\(entry.key.value)' is not an effect of scope: \(scope.rawValue) rules; use it in a rule with scope: \(home.joined(separator: " or "))")
        }
        var forEach: RuleIteration?
        if let node = mapping["for_each"]?.value, let text = reader.text(node, "for_each") {
            if let parsed = RuleIteration(rawValue: text), parsed.phase == phase {
                forEach = parsed
            } else {
                let allowed = RuleIteration.allCases.filter { $0.phase == phase }.map(\.rawValue)
                let hint = allowed.isEmpty ? "scope: \(scope.rawValue) rules do not iterate" : "expected \(allowed.joined(separator: " or "))"
                reader.error(node.span, "bad_for_each", "cannot iterate over '\(text)' here; \(hint)")
                // Its defines and effects read the elements: errors about them would only repeat this one.
                return nil
            }
        }
        // The condition is evaluated once, before any element: it reads neither the elements
        // nor (with for_each) the defines computed for them, the pack's among them (so neither
        // does a split's total or weight, computed before the elements too).
        var defines: [Define] = []
        environment.iteration = nil
        environment.defines = forEach == nil ? packDefineNames : [:]
        if forEach == nil {
            guard let read = readDefines(mapping, scope: scope) else { return nil }
            defines = read
        }
        var condition: CompiledExpression?
        for given in givens {
            guard !failedGivens.contains(given.location) else { return nil }
            guard let compiled = compile(given, expecting: .bool, "given") else {
                failedGivens.insert(given.location)
                return nil
            }
            condition = condition.map { $0.and(compiled) } ?? compiled
        }
        if let whenNode = mapping["when"]?.value {
            guard let compiled = compile(whenNode, expecting: .bool, "when") else { return nil }
            condition = condition.map { $0.and(compiled) } ?? compiled
        }
        let otherwise = mapping["otherwise"].flatMap { reader.text($0.value, "otherwise") } == "true"
        if otherwise, scope != .line || mapping["when"] != nil {
            reader.error(mapping["otherwise"]?.key.location ?? mapping.location, "otherwise_misplaced",
                         "'otherwise: true' marks a scope: line rule that decides what no other line rule decided; it has no 'when'")
        }
        // `split:` — its total is computed once, like the condition, and its weight for each
        // element before any element's defines (so a weight reads the element, not defines).
        // The shares are known before the first element: defines and effects read `split.*`.
        var split: RuleSplit?
        if let splitEntry = mapping["split"] {
            guard forEach != nil else {
                reader.error(splitEntry.key.span, "split_needs_for_each",
                             "'split' divides an amount over the elements of a rule's for_each: add for_each: \(RuleIteration.allCases.filter { $0.phase == phase }.map(\.rawValue).joined(separator: " or ")) (or drop split)")
                return nil
            }
            guard let body = reader.mapping(splitEntry.value, "split", allowed: ["total", "weight"]),
                  let totalNode = reader.required(body, "total", "split"), let weightNode = reader.required(body, "weight", "split"),
                  let total = compile(totalNode, expecting: .money, "split total") else { return nil }
            environment.iteration = forEach
            guard let weight = compile(weightNode, expecting: .money, "split weight") else { return nil }
            split = RuleSplit(total: total, weight: weight)
        }
        environment.iteration = forEach
        environment.splitting = split != nil
        defer { environment.splitting = false }
        if forEach != nil {
            guard let read = readDefines(mapping, scope: scope) else { return nil }
            defines = read
        }
        // Effects run only when the condition held, so they may use what it proved non-null
        // (`when: order.delivered_at != null` lets `return_by:` read `order.delivered_at`).
        guardedByCondition = condition?.nonNullWhenTrue ?? []
        var effects: [Effect] = []
        for entry in effectEntries {
            effects += readEffect(entry, ruleWhat: what, forEach: forEach)
        }
        checkVerdicts(mapping, scope: scope, condition: condition, what: what)
        guardedByCondition = []
        environment.iteration = nil
        environment.defines = packDefineNames
        order += 1
        let readers = [condition, split?.total, split?.weight].compactMap { $0 } + effects.flatMap(\.expressions)
        // `readDefines` puts the pack's defines first.
        defines = Self.pruned(defines, packDefineCount: compiledPackDefines.count, readBy: readers)
        let relativeFile = relativePaths[idNode.location.file] ?? idNode.location.file
        return Rule(id: id, description: description, basis: basis, scope: scope, condition: condition, defines: defines,
                    forEach: forEach, split: split, isOtherwise: otherwise, effects: effects, location: idNode.location, order: order,
                    source: "\(relativeFile):\(idNode.location.line)")
    }

    /// `define: {name: expression, …}`: each compiled in order, visible to the ones after it.
    /// The group's defines and the rule's own; nil when one does not compile (reported once:
    /// a group's define is compiled for each of its rules, and its error is not repeated).
    private mutating func readDefines(_ mapping: YAMLMapping, scope: RuleScope) -> [Define]? {
        var defines: [Define] = []
        /// Define slots whose values stay fixed while a request is decided.
        var fixedSlots = Set(compiledPackDefines.map(\.slot))
        environment.defines.merge(packDefineNames) { current, _ in current }
        // The pack's defines, compiled once; a rule that reads none of them drops them (`pruned`).
        // Their values depend on the request alone: an untraced run computes each once.
        for define in compiledPackDefines {
            var shared = define
            let key = "pack \(define.slot)"
            if shareKeys[key] == nil { shareKeys[key] = shareKeys.count }
            shared.shareKey = environment.iteration == nil ? shareKeys[key] : nil
            shared.isPerDecision = true
            defines.append(shared)
        }
        for (position, node) in (groupDefines + (mapping["define"].map { [$0.value] } ?? [])).enumerated() {
            guard !failedDefines.contains(node.location) else { return nil }
            guard case .mapping(let body) = node, var entries = readDefineEntries(body) else {
                if case .mapping = node {} else {
                    reader.error(node.span, "expected_mapping", "'define' must be a mapping of names to expressions")
                }
                failedDefines.insert(node.location)
                return nil
            }
            // A group's define, outside `for_each` (whose elements change from one to the next).
            let shared = position < groupDefines.count && environment.iteration == nil
            for (index, entry) in body.entries.enumerated() where index < entries.count {
                let reads = entries[index].expression.slotsRead
                guard shared, reads.allSatisfy({ RequestField.isFixedWhileDeciding(slot: $0) || fixedSlots.contains($0) }) else { continue }
                fixedSlots.insert(entries[index].slot)
                let location = entry.key.location
                let key = "\(location.file):\(location.line):\(location.column) \(scope.rawValue)"
                if shareKeys[key] == nil { shareKeys[key] = shareKeys.count }
                entries[index].shareKey = shareKeys[key]
            }
            defines += entries
        }
        return defines
    }

    /// Compiles the pack's top-level defines once, before any rule: each may read what every
    /// rule can read and the pack defines before it. One that does not compile is reported
    /// once, and its uses in rules are counted under that error, not reported one by one.
    mutating func compilePackDefines() {
        environment.phase = .request
        environment.iteration = nil
        environment.defines = [:]
        environment.readsWhatEveryRuleReads = true
        defer { environment.readsWhatEveryRuleReads = false }
        for node in packDefines {
            guard case .mapping(let body) = node else {
                reader.error(node.span, "expected_mapping", "'define' must be a mapping of names to expressions")
                continue
            }
            for entry in body.entries {
                let errorsBefore = reader.diagnostics.count
                // Each entry alone, so that one that fails leaves the others.
                guard let define = readDefineEntries(YAMLMapping(entries: [entry], location: body.location)).flatMap(\.first) else {
                    environment.defines[entry.key.value] = nil
                    rootCauses.declarationFailed(.parameter, entry.key.value, diagnosticIndex: errorsBefore)
                    continue
                }
                compiledPackDefines.append(define)
            }
        }
        packDefineNames = environment.defines
        environment.defines = [:]
        // A pack define is unknown only in a for_each rule's `when:` and `split:` (see `readRule`).
        for name in packDefineNames.keys {
            environment.explain(name, "'\(name)' is a pack define, which a rule with for_each computes for each element: read it in the rule's define:, adjust: or refund_to:, not in its when: or split:")
        }
    }

    /// The rule's defines without the pack defines it does not read (directly or through
    /// another define): a pack define is computed, and shown in the trail, only where it is used.
    static func pruned(_ defines: [Define], packDefineCount: Int, readBy expressions: [CompiledExpression]) -> [Define] {
        guard packDefineCount > 0 else { return defines }
        var needed = Set(expressions.flatMap(\.slotsRead))
        var kept = [Bool](repeating: false, count: defines.count)
        for index in defines.indices.reversed() where index >= packDefineCount || needed.contains(defines[index].slot) {
            kept[index] = true
            needed.formUnion(defines[index].expression.slotsRead)
        }
        return defines.indices.filter { kept[$0] }.map { defines[$0] }
    }

    private mutating func readDefineEntries(_ body: YAMLMapping) -> [Define]? {
        var defines: [Define] = []
        for entry in body.entries {
            let name = entry.key.value
            guard name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }),
                  let first = name.unicodeScalars.first, ("a"..."z").contains(first) else {
                reader.error(entry.key.span, "bad_define_name", "define name '\(name)' must be lowercase letters, digits and '_', starting with a letter")
                return nil
            }
            if environment.defines[name] != nil || environment.parameters[name] != nil || RequestField.byPath[name] != nil {
                reader.error(entry.key.span, "define_shadows", "'\(name)' is already a name here; pick another name for the define")
                return nil
            }
            guard let expression = compile(entry.value, expecting: nil, "define \(name)") else { return nil }
            let slot = RequestField.defineSlotBase + defineCount
            defineCount += 1
            environment.defines[name] = (slot, expression.type)
            defines.append(Define(name: name, slot: slot, expression: expression))
        }
        return defines
    }

    private mutating func readEffect(_ entry: YAMLMappingEntry, ruleWhat: String, forEach: RuleIteration?) -> [Effect] {
        let key = entry.key.value
        switch key {
        case "approve", "reject", "review":
            let scalars = reader.scalarList(entry.value, key)
            if scalars.isEmpty, case .sequence = entry.value {
                // `approve: []` would be a verdict that does nothing, silently.
                reader.error(entry.value.span, "empty_verdict", "'\(key)' lists no reason code; a verdict needs at least one (e.g. \(key): SEVEN_DAY_NO_REASON)")
                return []
            }
            let codes = scalars.compactMap { checkCode($0) }
            guard !codes.isEmpty, codes.count == scalars.count, let verdict = Verdict(rawValue: key) else { return [] }
            return [.verdict(verdict, codes: codes)]
        case "offer":
            guard let body = reader.mapping(entry.value, "offer", allowed: ["kind", "amount", "code"]),
                  let kindNode = reader.required(body, "kind", "offer"), let kind = reader.text(kindNode, "kind"),
                  let amountNode = reader.required(body, "amount", "offer"),
                  let codeNode = reader.required(body, "code", "offer"), let codeScalar = reader.scalar(codeNode, "code"),
                  let code = checkCode(codeScalar),
                  let amount = compile(amountNode, expecting: .money, "amount") else { return [] }
            return [.offer(kind: kind, amount: amount, code: code)]
        case "compensation":
            guard let body = reader.mapping(entry.value, "compensation", allowed: ["kind", "amount", "code"]),
                  let kindNode = reader.required(body, "kind", "compensation"), let kindText = reader.text(kindNode, "kind"),
                  let amountNode = reader.required(body, "amount", "compensation"),
                  let codeNode = reader.required(body, "code", "compensation"), let codeScalar = reader.scalar(codeNode, "code"),
                  let code = checkCode(codeScalar) else { return [] }
            guard let kind = CompensationKind(rawValue: kindText) else {
                reader.error(kindNode.span, "unknown_compensation_kind", "unknown compensation kind '\(kindText)'; expected 'coupon' or 'cash'")
                return []
            }
            guard let amount = compile(amountNode, expecting: .money, "amount") else { return [] }
            return [.compensation(kind: kind, amount: amount, code: code)]
        case "return_shipping":
            guard let text = reader.text(entry.value, "return_shipping") else { return [] }
            guard let payer = ReturnShippingPayer(rawValue: text) else {
                var message = "unknown return shipping payer '\(text)'"
                if let suggestion = Suggestion.closest(to: text, in: ReturnShippingPayer.allCases.map(\.rawValue)) { message += " (did you mean '\(suggestion)'?)" }
                reader.error(entry.value.span, "unknown_payer", message + "; expected buyer, seller, insurance or none")
                return []
            }
            return [.returnShipping(payer)]
        case "route_to_review":
            guard let scalar = reader.scalar(entry.value, "route_to_review"), let code = checkCode(scalar) else { return [] }
            return [.routeToReview(code: code)]
        case "adjust":
            // One adjustment or a list of them, each `{code, amount, when?}`, proposed in order.
            let nodes: [YAMLNode]
            if case .sequence(let sequence) = entry.value { nodes = sequence.items } else { nodes = [entry.value] }
            return nodes.compactMap { node -> Effect? in
                guard let body = reader.mapping(node, "adjust", allowed: ["code", "amount", "when"]),
                      let codeNode = reader.required(body, "code", "adjust"), let codeScalar = reader.scalar(codeNode, "code"),
                      let code = checkCode(codeScalar),
                      let amountNode = reader.required(body, "amount", "adjust") else { return nil }
                let saved = guardedByCondition
                var condition: CompiledExpression?
                if let whenNode = body["when"]?.value {
                    condition = compile(whenNode, expecting: .bool, "when")
                    guardedByCondition.formUnion(condition?.nonNullWhenTrue ?? [])
                }
                defer { guardedByCondition = saved }
                guard let amount = compile(amountNode, expecting: .money, "amount") else { return nil }
                return .adjust(Effect.AdjustmentEffect(code: code, amount: amount, condition: condition))
            }
        case "refund_shipping":
            guard let amount = compile(entry.value, expecting: .money, "refund_shipping") else { return [] }
            return [.refundShipping(amount)]
        case "refund_to":
            guard forEach == .payment else {
                reader.error(entry.key.span, "refund_to_needs_payment", "'refund_to' is what goes back to one payment: use it in a rule with for_each: payment")
                return []
            }
            guard let amount = compile(entry.value, expecting: .money, "refund_to") else { return [] }
            return [.refundTo(amount)]
        case "deadlines":
            guard let body = reader.mapping(entry.value, "deadlines", allowed: ["return_by", "refund_by", "refund_within_days_of_receipt"]) else { return [] }
            let returnBy = body["return_by"].flatMap { compile($0.value, expecting: .timestamp, "return_by") }
            let refundBy = body["refund_by"].flatMap { compile($0.value, expecting: .timestamp, "refund_by") }
            let windowDays = body["refund_within_days_of_receipt"].flatMap { compile($0.value, expecting: .int, "refund_within_days_of_receipt") }
            return [.deadlines(returnBy: returnBy, refundBy: refundBy, windowDays: windowDays)]
        case "note":
            guard let scalar = reader.scalar(entry.value, "note"), let code = checkCode(scalar) else { return [] }
            return [.note(code: code)]
        default:
            return []
        }
    }

    /// Verdicts that could not take effect (SPEC section 6, "Outcome"; docs/effects.md): one
    /// rule approving and rejecting at once, or a request-scope verdict on a request with lines
    /// (line verdicts decide those; a request verdict decides only a compensation claim).
    private mutating func checkVerdicts(_ mapping: YAMLMapping, scope: RuleScope, condition: CompiledExpression?, what: String) {
        let verdicts = mapping.entries.filter { Verdict(rawValue: $0.key.value) != nil }
        if verdicts.count > 1 {
            reader.error(verdicts[1].key.span, "conflicting_verdicts", "\(what) gives two verdicts ('\(verdicts[0].key.value)' and '\(verdicts[1].key.value)'); the stronger would always win: write two rules with their own conditions")
        }
        guard scope == .request, let first = verdicts.first else { return }
        let kinds = condition?.requiredValues(ofSlot: RequestField.kind.rawValue)
        let withLines = RequestKind.allCases.filter { $0 != .compensation }.map { Value.string($0.rawValue) }
        if kinds == nil || withLines.contains(where: { kinds?.contains($0) ?? true }) {
            reader.error(first.key.span, "request_verdict_on_lines", "a scope: request '\(first.key.value)' decides only requests without lines (kind == \"compensation\"); cancels, returns and refund-only claims are decided line by line: use scope: line, or add kind == \"compensation\" to the condition")
        }
    }

    /// A code reference must name a declared code.
    private mutating func checkCode(_ scalar: YAMLScalar) -> String? {
        let code = scalar.value
        guard codes[code] != nil else {
            if rootCauses.absorbs(unknownCode: code, at: scalar.location) { return nil }
            var message = "unknown reason code '\(code)'"
            if let suggestion = Suggestion.closest(to: code, in: codes.keys.sorted()) { message += " (did you mean '\(suggestion)'?)" }
            reader.error(scalar.span, "unknown_code", message, notes: ["declare it under 'codes:' (codes.yaml) with its zh-CN and en messages"])
            return nil
        }
        referencedCodes.insert(code)
        return code
    }

    /// Compiles an expression scalar; errors point at the exact column inside the YAML file.
    private mutating func compile(_ node: YAMLNode, expecting type: ValueType?, _ what: String) -> CompiledExpression? {
        guard let scalar = reader.scalar(node, what) else { return nil }
        // A block scalar (`when: |`) ends in a line break that is not part of the expression: the
        // audit trail shows the text as written, without it. Offsets are unchanged (it is at the end).
        var text = Substring(scalar.value)
        while let last = text.last, last == "\n" || last == " " || last == "\r" || last == "\t" { text.removeLast() }
        switch ExpressionCompiler.compile(
            String(text), expecting: type, environment: environment, currency: schema.currency, assumingNonNull: guardedByCondition) {
        case .success(let expression):
            return expression
        case .failure(let failure):
            for error in failure.errors {
                let span = SourceSpan(start: scalar.location(ofUTF8Offset: error.utf8Offset),
                                      end: scalar.location(ofUTF8Offset: error.utf8Offset + error.length))
                var message = error.message
                var notes = error.notes
                if error.code == "unknown_function" || error.code == "unknown_name" {
                    let bytes = Array(scalar.value.utf8)
                    let end = min(bytes.count, error.utf8Offset + error.length)
                    let name = String(decoding: bytes[min(error.utf8Offset, end)..<end], as: UTF8.self)
                    if let explanation = environment.misplacedNames[name] {
                        message = explanation
                    } else if error.code == "unknown_name" {
                        if rootCauses.absorbs(unknownName: name, at: span.start) { continue }
                        notes += Self.declarationHint(name)
                    }
                }
                reader.error(span, error.code, message, notes: notes)
            }
            return nil
        }
    }

    /// How to declare an unknown attribute or fact, which a request carries only when declared.
    static func declarationHint(_ name: String) -> [String] {
        let path = name.split(separator: ".", omittingEmptySubsequences: false)
        if path.count == 3, path[0] == "item", path[1] == "attributes" {
            return ["an item attribute is read only when declared: add '\(path[2]): bool' (or bool?, int, string, money) under 'attributes:' in policy.yaml"]
        }
        if path.count == 2, path[0] == "facts" {
            return ["a fact is read only when declared: add '\(path[1]): bool' (or bool?, int, string, money) under 'facts:' in policy.yaml"]
        }
        return []
    }

    /// Warnings an author wants before shipping: unused parameters, codes no rule emits,
    /// rules that can never fire.
    mutating func lint() {
        for parameter in environment.parameters.values.sorted(by: { $0.location.line < $1.location.line })
        where !environment.usedParameters.contains(parameter.name) {
            reader.warning(SourceSpan(start: parameter.location, length: parameter.name.unicodeScalars.count), "unused_parameter", "parameter '\(parameter.name)' is never used by a rule")
        }
        for code in codes.values.sorted(by: { $0.code < $1.code }) where !referencedCodes.contains(code.code) {
            reader.warning(SourceSpan(start: code.location, length: code.code.unicodeScalars.count), "unused_code", "code '\(code.code)' is declared but no rule emits it")
        }
        for rule in lineRules + settlementRules + requestRules {
            guard let condition = rule.condition else { continue }
            // A rule switched off by a flag parameter (`when: threshold_clawback_enabled` set to false) is off on purpose.
            if let parameter = environment.parameters[condition.source], parameter.type == .bool { continue }
            let probe = ConstantProbe()
            if case .bool(false)? = try? condition.evaluate(in: probe), !probe.readSlot {
                reader.warning(rule.location, "rule_never_fires", "rule '\(rule.id)' can never fire: its condition is always false")
            }
        }
    }
}

/// An evaluation context that notices whether an expression reads the request at all;
/// an expression that does not and is false is constantly false.
private final class ConstantProbe: EvaluationContext {
    var readSlot = false

    func value(ofSlot slot: Int) -> Value {
        readSlot = true
        return .null
    }
}
