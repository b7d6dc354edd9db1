/// Why a YAML file could not be turned into nodes; every case knows where it happened.
public enum YAMLError: Error, Equatable, Sendable {
    /// The file could not be read, or is not UTF-8 (`reason` is one lowercase sentence).
    case fileUnreadable(file: String, reason: String)
    /// libyaml rejected the text; `message` is its problem (and context), lightly reworded;
    /// `hint` says what usually causes it, in an author's terms (`YAMLSyntaxHint`).
    case syntax(message: String, at: SourceLocation, hint: String? = nil)
    /// A mapping has `key` twice; `at` is the second occurrence.
    case duplicateKey(key: String, at: SourceLocation, firstLine: Int)
    /// A mapping key is a mapping or a sequence (`found` names which).
    case nonScalarKey(found: String, at: SourceLocation)
    /// A second `---` document follows the first one.
    case multipleDocuments(at: SourceLocation)
    /// An explicit tag such as `!!int` or `!money`; the schema types values, not YAML.
    case tagUnsupported(tag: String, at: SourceLocation)
    /// `*name` without an earlier `&name`; `suggestion` is a defined anchor with a similar name.
    case unknownAlias(name: String, suggestion: String?, at: SourceLocation)
    /// `*name` inside the very node anchored `&name`.
    case recursiveAlias(name: String, at: SourceLocation)
    /// Alias expansion would make the document larger than `limit` nodes.
    case aliasLimit(limit: Int, at: SourceLocation)
    /// The document itself (without aliases) has more than `limit` nodes.
    case tooManyNodes(limit: Int, at: SourceLocation)
    /// Mappings and sequences nest deeper than `limit` levels.
    case tooDeep(limit: Int, at: SourceLocation)

    /// Stable snake_case identifier of the problem.
    public var code: String {
        switch self {
        case .fileUnreadable: return "file_unreadable"
        case .syntax: return "yaml_syntax"
        case .duplicateKey: return "duplicate_key"
        case .nonScalarKey: return "non_scalar_key"
        case .multipleDocuments: return "multiple_documents"
        case .tagUnsupported: return "yaml_tag_unsupported"
        case .unknownAlias: return "yaml_unknown_alias"
        case .recursiveAlias: return "yaml_recursive_alias"
        case .aliasLimit: return "yaml_alias_limit"
        case .tooManyNodes: return "yaml_too_many_nodes"
        case .tooDeep: return "yaml_too_deep"
        }
    }

    /// Where the problem is; a file that cannot be read is reported at its line 1, column 1.
    public var location: SourceLocation {
        switch self {
        case .fileUnreadable(let file, _): return SourceLocation(file: file, line: 1, column: 1)
        case .syntax(_, let at, _), .duplicateKey(_, let at, _), .nonScalarKey(_, let at),
             .multipleDocuments(let at), .tagUnsupported(_, let at), .unknownAlias(_, _, let at),
             .recursiveAlias(_, let at), .aliasLimit(_, let at), .tooManyNodes(_, let at),
             .tooDeep(_, let at):
            return at
        }
    }

    /// One lowercase line, user input quoted.
    public var message: String {
        switch self {
        case .fileUnreadable(_, let reason):
            return reason
        case .syntax(let message, _, _):
            return message
        case .duplicateKey(let key, _, let firstLine):
            return "duplicate key '\(Self.oneLine(key))' (first defined at line \(firstLine))"
        case .nonScalarKey(let found, _):
            return "a mapping key must be a plain value, not a \(found)"
        case .multipleDocuments:
            return "more than one yaml document in the file (a policy file holds exactly one; remove this '---')"
        case .tagUnsupported(let tag, _):
            return "explicit tag '\(tag)' is not supported (the policy schema decides each value's type)"
        case .unknownAlias(let name, let suggestion, _):
            if let suggestion { return "alias '*\(name)' refers to an unknown anchor (did you mean '*\(suggestion)'?)" }
            return "alias '*\(name)' refers to an unknown anchor (define '&\(name)' before using it)"
        case .recursiveAlias(let name, _):
            return "alias '*\(name)' refers to the node that contains it"
        case .aliasLimit(let limit, _):
            return "document expands to more than \(limit) nodes (alias bomb?)"
        case .tooManyNodes(let limit, _):
            return "document has more than \(limit) nodes"
        case .tooDeep(let limit, _):
            return "mappings and sequences nest deeper than \(limit) levels"
        }
    }

    /// User text made safe for a one-line message: line breaks and tabs shown as escapes.
    private static func oneLine(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{85}", "\u{2028}", "\u{2029}": result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Hints printed as `note:` lines under the diagnostic.
    public var notes: [String] {
        switch self {
        case .syntax(_, _, let hint?): return [hint]
        default: return []
        }
    }

    /// What the diagnostic underlines: the duplicate key or the tag; a point elsewhere.
    public var span: SourceSpan {
        switch self {
        case .duplicateKey(let key, let at, _): return SourceSpan(start: at, length: key.unicodeScalars.count)
        case .tagUnsupported(let tag, let at): return SourceSpan(start: at, length: tag.unicodeScalars.count)
        case .unknownAlias(let name, _, let at), .recursiveAlias(let name, let at):
            return SourceSpan(start: at, length: name.unicodeScalars.count + 1)
        default: return SourceSpan(at: location)
        }
    }

    /// The error as a compiler-style diagnostic: span, code, message and hints.
    public var diagnostic: Diagnostic {
        .error(at: location.line == 0 ? SourceSpan(at: location) : span, code: code, message, notes: notes)
    }
}
