import CYaml

/// Pulls events from an initialised libyaml parser and converts them to `YAMLEvent`s.
///
/// The caller owns `parser` and `event` (allocated, initialised and released with `defer`);
/// this reader only deletes each event's payload after converting it. Explicit tags are
/// rejected here, where their position is known.
struct YAMLEventReader {
    let parser: UnsafeMutablePointer<yaml_parser_t>
    let event: UnsafeMutablePointer<yaml_event_t>
    var source: YAMLSourceText

    /// The next event, or the syntax error libyaml found.
    mutating func next() throws(YAMLError) -> YAMLEvent {
        guard yaml_parser_parse(parser, event) == 1 else { throw parserError() }
        defer { yaml_event_delete(event) }
        let start = event.pointee.start_mark
        let end = event.pointee.end_mark
        switch event.pointee.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(at: source.location(line: start.line, column: start.column))
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.pointee.data.alias.anchor) ?? ""
            return .alias(name: name, at: source.location(line: start.line, column: start.column))
        case YAML_SCALAR_EVENT:
            return try scalar(start: start, end: end)
        case YAML_SEQUENCE_START_EVENT:
            let data = event.pointee.data.sequence_start
            let (anchor, location) = try collectionStart(anchor: data.anchor, tag: data.tag, start: start)
            return .sequenceStart(anchor: anchor, at: location)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let data = event.pointee.data.mapping_start
            let (anchor, location) = try collectionStart(anchor: data.anchor, tag: data.tag, start: start)
            return .mappingStart(anchor: anchor, at: location)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            // YAML_NO_EVENT and YAML_STREAM_END_EVENT: nothing more will come.
            return .streamEnd
        }
    }

    private mutating func collectionStart(
        anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?, start: yaml_mark_t
    ) throws(YAMLError) -> (String?, SourceLocation) {
        let anchorName = Self.string(anchor)
        let location = try nodeLocation(anchored: anchorName != nil, tag: tag, start: start)
        return (anchorName, location)
    }

    /// Where the node's own text starts: libyaml's start mark points at `&anchor` when there is one.
    private mutating func nodeLocation(
        anchored: Bool, tag: UnsafeMutablePointer<yaml_char_t>?, start: yaml_mark_t
    ) throws(YAMLError) -> SourceLocation {
        guard anchored || tag != nil else { return source.location(line: start.line, column: start.column) }
        let skipped = source.skipProperties(line: start.line, column: start.column)
        if let tag = Self.string(tag) {
            throw .tagUnsupported(
                tag: Self.shorthand(tag),
                at: skipped.tag ?? source.location(line: start.line, column: start.column)
            )
        }
        return skipped.content
    }

    private mutating func scalar(start: yaml_mark_t, end: yaml_mark_t) throws(YAMLError) -> YAMLEvent {
        let data = event.pointee.data.scalar
        let anchor = Self.string(data.anchor)
        let location = try nodeLocation(anchored: anchor != nil, tag: data.tag, start: start)
        let value: String
        if let bytes = data.value {
            value = String(decoding: UnsafeBufferPointer(start: bytes, count: data.length), as: UTF8.self)
        } else {
            value = ""
        }
        let style: YAMLScalar.Style
        switch data.style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: style = .literal
        case YAML_FOLDED_SCALAR_STYLE: style = .folded
        default: style = .plain
        }
        // 0-based, as libyaml counts.
        let line = location.line - 1
        let column = location.column - 1
        let contentStart: SourceLocation
        var needsRuns = false
        switch style {
        case .plain:
            contentStart = location
            needsRuns = end.line > line && !value.isEmpty
        case .singleQuoted, .doubleQuoted:
            contentStart = location.advanced(byColumns: 1)
            // Escapes and `''` make the value shorter than the text between the quotes.
            needsRuns = end.line > line || value.unicodeScalars.count != end.column - column - 2
        case .literal, .folded:
            contentStart = source.blockContentStart(
                indicatorLine: line, endLine: end.line, endColumn: end.column, value: value)
            needsRuns = style == .folded && !value.isEmpty
        }
        var scalar = YAMLScalar(value: value, style: style, location: location, contentStart: contentStart)
        scalar.end = source.location(line: end.line, column: end.column)
        if needsRuns {
            // Block content is aligned from the start of its first line so indentation is skipped.
            let fromColumn = style == .folded ? 0 : contentStart.column - 1
            scalar.contentRuns = source.contentRuns(
                of: value, style: style,
                startLine: contentStart.line - 1, startColumn: fromColumn,
                endLine: end.line, endColumn: end.column)
        }
        return .scalar(scalar, anchor: anchor)
    }

    /// libyaml's error, reworded as one lowercase line at libyaml's problem position.
    private mutating func parserError() -> YAMLError {
        let problem = Self.string(parser.pointee.problem) ?? "the yaml text cannot be parsed"
        switch parser.pointee.error {
        case YAML_READER_ERROR:
            // Reader errors have no mark, only a byte offset into the input.
            let position = source.position(ofByteOffset: parser.pointee.problem_offset)
            let value = parser.pointee.problem_value
            // For malformed UTF-8 libyaml reports the offending byte, otherwise the character.
            let found = value < 0 ? "" : problem.contains("octet") ? " (found byte 0x\(Self.hex(value, digits: 2)))"
                : " (found U+\(Self.hex(value, digits: 4)))"
            return .syntax(message: problem + found, at: source.location(line: position.line, column: position.column))
        case YAML_MEMORY_ERROR:
            return .syntax(message: "out of memory while reading yaml", at: source.location(line: 0, column: 0))
        default:
            var mark = parser.pointee.problem_mark
            let context = Self.string(parser.pointee.context)
            let contextMark = parser.pointee.context_mark
            let hint = YAMLSyntaxHint.hint(hintInput(problem: problem, context: context, mark: mark, contextMark: contextMark))
            // Where libyaml gave up is not always where the mistake is: a key without ': ' is
            // noticed on the next line, an unclosed quote at the end of the file. Those are
            // reported where the key or the quote starts.
            if context != nil, problem == "could not find expected ':'"
                || (problem == "found unexpected end of stream" && context == "while scanning a quoted scalar") {
                mark = contextMark
            }
            var message = problem
            if let context {
                if contextMark.line == mark.line, contextMark.column == mark.column {
                    message += " (\(context))"
                } else {
                    message += " (\(context) that starts at line \(contextMark.line + 1), column \(contextMark.column + 1))"
                }
            }
            return .syntax(message: message, at: source.location(line: mark.line, column: mark.column), hint: hint)
        }
    }

    /// The source lines around libyaml's marks that `YAMLSyntaxHint` reads.
    private mutating func hintInput(problem: String, context: String?, mark: yaml_mark_t, contextMark: yaml_mark_t) -> YAMLSyntaxHint.Input {
        var previous: String?
        var previousNumber: Int?
        var line = mark.line - 1
        while line >= 0 {
            let text = source.text(ofLine: line)
            let content = text.drop { $0 == " " }
            if !content.isEmpty, !content.hasPrefix("#") {
                (previous, previousNumber) = (text, line)
                break
            }
            line -= 1
        }
        // A quote opened and not closed on its line, above the problem: yaml read the lines after
        // it as the rest of the string, so the problem is found far from its cause.
        // Looked for only when the problem is one such a string causes.
        var unclosedQuote: Int?
        if mark.line > 0, YAMLSyntaxHint.unclosedQuoteProblems.contains(problem) {
            unclosedQuote = (0..<Int(mark.line)).first { YAMLSyntaxHint.opensUnclosedQuote(source.text(ofLine: $0)) }
        }
        return YAMLSyntaxHint.Input(
            problem: problem, context: context, character: source.character(line: mark.line, column: mark.column),
            problemLine: source.text(ofLine: mark.line), contextLine: context == nil ? nil : source.text(ofLine: contextMark.line),
            previousLine: previous, previousLineNumber: previousNumber, contextLineNumber: context == nil ? nil : contextMark.line,
            unclosedQuoteLine: unclosedQuote)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// `tag:yaml.org,2002:int` back to the `!!int` the author wrote.
    private static func shorthand(_ tag: String) -> String {
        let prefix = "tag:yaml.org,2002:"
        return tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
    }

    private static func hex(_ value: Int32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
