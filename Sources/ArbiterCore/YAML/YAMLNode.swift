/// A node of a YAML document, every one knowing where it was written.
/// Scalars stay strings: the schema that reads a node decides its type (no YAML 1.1 guessing).
public indirect enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case mapping(YAMLMapping)
    case sequence(YAMLSequence)

    public var location: SourceLocation {
        switch self {
        case .scalar(let scalar): return scalar.location
        case .mapping(let mapping): return mapping.location
        case .sequence(let sequence): return sequence.location
        }
    }

    /// What a diagnostic about the node underlines: a scalar's text, or the first character of
    /// a mapping or sequence.
    public var span: SourceSpan {
        if case .scalar(let scalar) = self { return scalar.span }
        return SourceSpan(start: location, length: 1)
    }
}

/// A scalar with its text and how it was written.
public struct YAMLScalar: Sendable {
    public enum Style: Sendable, Hashable { case plain, singleQuoted, doubleQuoted, literal, folded }

    public var value: String
    public var style: Style
    /// Where the node starts (the opening quote or indicator for quoted and block scalars).
    public var location: SourceLocation
    /// Where the first character of `value` was written (after the quote; the first content line of a block).
    public var contentStart: SourceLocation
    /// How `value` maps back onto the source when that is not one straight line from
    /// `contentStart` (folded, multi-line, escaped); filled by `YAMLLoader`, see `location(ofUTF8Offset:)`.
    var contentRuns: [YAMLContentRun] = []
    /// Just after the node's last character (its closing quote), as libyaml marks it; nil for
    /// scalars built by hand.
    public var end: SourceLocation?

    public init(value: String, style: Style, location: SourceLocation, contentStart: SourceLocation) {
        self.value = value
        self.style = style
        self.location = location
        self.contentStart = contentStart
    }

    /// The scalar's text in the source, quotes included: from `location` to `end`, or, for a
    /// scalar built by hand, as many columns as its value (and quotes) take on one line.
    public var span: SourceSpan {
        if let end { return SourceSpan(start: location, end: end) }
        let quotes = style == .singleQuoted || style == .doubleQuoted ? 2 : 0
        let firstLine = value.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return SourceSpan(start: location, length: firstLine.unicodeScalars.count + quotes)
    }

    /// True for a plain scalar `~`, `null`, `Null`, `NULL` or an empty plain scalar.
    public var isNull: Bool {
        style == .plain && (value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL")
    }
}

/// A mapping; keys are scalars, unique within the mapping (the loader rejects duplicates).
public struct YAMLMapping: Sendable {
    public var entries: [YAMLMappingEntry]
    public var location: SourceLocation

    public init(entries: [YAMLMappingEntry], location: SourceLocation) {
        self.entries = entries
        self.location = location
    }

    /// The entry whose key is `key`, if any.
    public subscript(key: String) -> YAMLMappingEntry? {
        entries.first { $0.key.value == key }
    }
}

public struct YAMLMappingEntry: Sendable {
    public var key: YAMLScalar
    public var value: YAMLNode

    public init(key: YAMLScalar, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

public struct YAMLSequence: Sendable {
    public var items: [YAMLNode]
    public var location: SourceLocation

    public init(items: [YAMLNode], location: SourceLocation) {
        self.items = items
        self.location = location
    }
}
