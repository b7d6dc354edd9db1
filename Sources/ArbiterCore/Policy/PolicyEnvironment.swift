/// Which part of a decision a rule's expressions run in; it decides which fields they may read.
public enum RulePhase: Sendable {
    /// `scope: line` rules: one evaluation per requested line.
    case line
    /// `scope: settlement` rules: line verdicts known, amounts not final.
    case settlement
    /// Other `scope: request` rules: everything known, including `refund.*`.
    case request

    func canRead(_ availability: RequestField.Availability, iteration: RuleIteration?, splitting: Bool = false) -> Bool {
        if case .element(let over) = availability { return over == iteration }
        if case .split = availability { return splitting }
        switch (availability, self) {
        case (.anywhere, _): return true
        case (.lineScope, .line): return true
        case (.requestScope, .settlement), (.requestScope, .request): return true
        case (.afterSettlement, .request): return true
        default: return false
        }
    }
}

/// Resolves the names a policy's expressions use: request fields, declared attributes and facts,
/// parameters (folded in as constants), and the domain functions.
final class PolicyEnvironment: ExpressionEnvironment {
    let schema: RequestSchema
    let parameters: [String: Parameter]
    var phase: RulePhase = .line
    /// The current rule's `for_each`, whose element fields it may read (not in its `when:`).
    var iteration: RuleIteration?
    /// Whether the current expression belongs to the effects of a rule with `split:`, which may
    /// read `split.*`.
    var splitting = false
    /// Whether the current expression is one of the pack's top-level defines, which read only
    /// what every rule can read.
    var readsWhatEveryRuleReads = false
    /// The current rule's `define:` values so far: name → slot and type.
    var defines: [String: (slot: Int, type: ValueType)] = [:]
    /// Parameters some expression used (for the "never used" warning).
    private(set) var usedParameters: Set<String> = []
    /// Names that exist but not in the current phase, with an explanation (reported instead of "unknown").
    private(set) var misplacedNames: [String: String] = [:]

    init(schema: RequestSchema, parameters: [Parameter]) {
        self.schema = schema
        var byName: [String: Parameter] = [:]
        for parameter in parameters { byName[parameter.name] = parameter }
        self.parameters = byName
    }

    func resolve(_ path: [String]) -> NameResolution {
        let name = path.joined(separator: ".")
        if path.count == 1, let defined = defines[name] { return .slot(defined.slot, defined.type) }
        if path.count == 1, let parameter = parameters[name] {
            usedParameters.insert(name)
            return .constant(parameter.value, parameter.type)
        }
        if let field = RequestField.byPath[name] {
            if readsWhatEveryRuleReads {
                if case .anywhere = field.availability { return .slot(field.rawValue, field.type) }
                misplacedNames[name] = Self.notReadByEveryRule(name)
                return .unknown(suggestion: nil)
            }
            if phase.canRead(field.availability, iteration: iteration, splitting: splitting) { return .slot(field.rawValue, field.type) }
            misplacedNames[name] = misplacedMessage(name, field.availability)
            return .unknown(suggestion: nil)
        }
        if path.count == 3, path[0] == "item", path[1] == "attributes" {
            if let index = schema.attributes.firstIndex(where: { $0.name == path[2] }) {
                if readsWhatEveryRuleReads {
                    misplacedNames[name] = Self.notReadByEveryRule(name)
                    return .unknown(suggestion: nil)
                }
                if phase == .line { return .slot(RequestField.attributeSlotBase + index, schema.attributes[index].valueType) }
                misplacedNames[name] = misplacedMessage(name, .lineScope)
                return .unknown(suggestion: nil)
            }
        }
        if path.count == 2, path[0] == "facts", let index = schema.facts.firstIndex(where: { $0.name == path[1] }) {
            return .slot(RequestField.factSlotBase + index, schema.facts[index].valueType)
        }
        return .unknown(suggestion: Suggestion.closest(to: name, in: knownNames()))
    }

    private static func notReadByEveryRule(_ name: String) -> String {
        "a pack's top-level define reads only what every rule can read (the request's own fields, facts, parameters, earlier pack defines): '\(name)' is not one; define it in the rules that need it"
    }

    /// Says why `name` cannot be read where an expression is compiled next, should it be used there.
    func explain(_ name: String, _ message: String) {
        misplacedNames[name] = message
    }

    func function(named name: String) -> FunctionDefinition? {
        if phase == .line || readsWhatEveryRuleReads, DomainFunctions.afterVerdicts.contains(name) {
            misplacedNames[name] = "'\(name)' reads what the lines' verdicts decide: call it in a rule with scope: settlement or request"
            return nil
        }
        return DomainFunctions.all.first { $0.name == name }
    }

    func functionNames() -> [String] {
        DomainFunctions.all.map(\.name)
    }

    /// Every name readable in the current phase, for "did you mean".
    func knownNames() -> [String] {
        var names = RequestField.allCases.filter { phase.canRead($0.availability, iteration: iteration, splitting: splitting) }.map(\.path)
        names += defines.keys.sorted()
        if phase == .line { names += schema.attributes.map { "item.attributes." + $0.name } }
        names += schema.facts.map { "facts." + $0.name }
        names += parameters.keys.sorted()
        return names
    }

    private func misplacedMessage(_ name: String, _ availability: RequestField.Availability) -> String {
        switch availability {
        case .lineScope: return "'\(name)' can only be read in rules with scope: line"
        case .requestScope: return "'\(name)' can only be read in rules with scope: request"
        case .afterSettlement: return "'\(name)' is only known after settlement: read it in a scope: request rule"
        case .element(let over):
            return "'\(name)' is an element of 'for_each: \(over.rawValue)': read it in the define:, adjust: or refund_to: of a rule that iterates over \(over.rawValue)s"
        case .split: return "'\(name)' is a rule's share of its 'split:': read it in the adjust: or refund_to: of a rule with split: {total: …, weight: …}"
        case .anywhere: return "'\(name)' cannot be read here"
        }
    }
}
