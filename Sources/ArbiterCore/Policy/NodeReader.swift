/// Strict reading of YAML nodes by a schema: wrong shapes and unknown keys become diagnostics
/// (with "did you mean"), scalars are typed by what reads them.
struct NodeReader {
    var diagnostics: [Diagnostic] = []
    /// For each mapping (by its location), the keys its unknown keys were taken to be a
    /// misspelling of: a required key found there is not reported missing as well, since the
    /// "did you mean" error already points at it (one error for one typo).
    private var misspelt: [SourceLocation: [String]] = [:]

    mutating func error(_ span: SourceSpan, _ code: String, _ message: String, notes: [String] = []) {
        diagnostics.append(.error(at: span, code: code, message, notes: notes))
    }

    /// An error at a point whose extent is not known (a whole file, a folder).
    mutating func error(_ location: SourceLocation, _ code: String, _ message: String, notes: [String] = []) {
        error(SourceSpan(at: location), code, message, notes: notes)
    }

    mutating func warning(_ span: SourceSpan, _ code: String, _ message: String, notes: [String] = []) {
        diagnostics.append(.warning(at: span, code: code, message, notes: notes))
    }

    mutating func warning(_ location: SourceLocation, _ code: String, _ message: String, notes: [String] = []) {
        warning(SourceSpan(at: location), code, message, notes: notes)
    }

    /// The node as a mapping whose keys are all in `allowed`; unknown keys are reported.
    mutating func mapping(_ node: YAMLNode, _ what: String, allowed: [String]) -> YAMLMapping? {
        guard case .mapping(let mapping) = node else {
            error(node.span, "expected_mapping", "\(what) must be a mapping")
            return nil
        }
        for entry in mapping.entries where !allowed.contains(entry.key.value) {
            var message = "unknown key '\(entry.key.value)' in \(what)"
            if let suggestion = Suggestion.closest(to: entry.key.value, in: allowed) {
                message += " (did you mean '\(suggestion)'?)"
                misspelt[mapping.location, default: []].append(suggestion)
            } else {
                message += "; expected one of: " + allowed.joined(separator: ", ")
            }
            error(entry.key.span, "unknown_key", message)
        }
        return mapping
    }

    mutating func scalar(_ node: YAMLNode, _ what: String) -> YAMLScalar? {
        guard case .scalar(let scalar) = node else {
            error(node.span, "expected_scalar", "\(what) must be a single value")
            return nil
        }
        return scalar
    }

    /// A non-empty string scalar.
    mutating func text(_ node: YAMLNode, _ what: String) -> String? {
        guard let scalar = scalar(node, what) else { return nil }
        guard !scalar.value.isEmpty, !scalar.isNull else {
            error(scalar.span, "empty_value", "\(what) must not be empty")
            return nil
        }
        return scalar.value
    }

    /// A required key of a mapping.
    mutating func required(_ mapping: YAMLMapping, _ key: String, _ what: String) -> YAMLNode? {
        guard let entry = mapping[key] else {
            if !misspellings(in: mapping).contains(key) {
                error(SourceSpan(start: mapping.location, length: 1), "missing_key", "\(what) is missing required key '\(key)'")
            }
            return nil
        }
        return entry.value
    }

    /// The keys that unknown keys of `mapping` were reported as misspellings of.
    func misspellings(in mapping: YAMLMapping) -> [String] { misspelt[mapping.location] ?? [] }

    /// A scalar or a sequence of scalars, as a list.
    mutating func scalarList(_ node: YAMLNode, _ what: String) -> [YAMLScalar] {
        switch node {
        case .scalar(let scalar): return [scalar]
        case .sequence(let sequence):
            return sequence.items.compactMap { scalar($0, what) }
        case .mapping(let mapping):
            error(SourceSpan(start: mapping.location, length: 1), "expected_list", "\(what) must be a value or a list of values")
            return []
        }
    }
}
