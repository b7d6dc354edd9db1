/// What usually causes one of libyaml's syntax errors, said in a policy author's terms
/// (indentation, a missing space after `:`, tabs, unclosed quotes): the `note:` under the
/// error. libyaml's own words stay the message, so that they can be searched for.
enum YAMLSyntaxHint {
    /// What the hint is computed from: libyaml's problem and context, and the source lines
    /// involved (0-based line numbers, as libyaml counts).
    struct Input {
        var problem: String
        var context: String?
        /// The character at the problem mark, if any.
        var character: UInt8?
        /// The line of the problem mark, and of the context mark.
        var problemLine: String
        var contextLine: String?
        /// The nearest line above the problem that holds something (not blank, not only a comment).
        var previousLine: String?
        var previousLineNumber: Int?
        var contextLineNumber: Int?
        /// The first line above the problem whose value opens a quote it does not close.
        var unclosedQuoteLine: Int?
    }

    static func hint(_ input: Input) -> String? {
        if input.character == UInt8(ascii: "\t") {
            return "yaml is indented with spaces only: replace the tab with spaces"
        }
        if let line = input.unclosedQuoteLine, unclosedQuoteProblems.contains(input.problem) {
            return "the quote opened on line \(line + 1) is not closed on that line, so yaml read the lines after it as the rest of the string, up to here: close it on line \(line + 1)"
        }
        switch input.problem {
        case "could not find expected ':'":
            if let line = input.contextLine, let (key, value) = gluedKey(in: line) {
                return "'\(key):\(value)' has no space after ':', so yaml reads it as one value, not a key: write '\(key): \(value)'"
            }
            return "a line of a mapping is 'key: value' (with a space after ':'); this one has no ':', or a quote in it is not closed"
        case "mapping values are not allowed in this context":
            let above = input.previousLineNumber.map { "line \($0 + 1)" } ?? "the line above"
            if let previous = input.previousLine, let (key, value) = gluedKey(in: previous) {
                return "'\(key):\(value)' on \(above) has no space after ':', so yaml reads it and this line as one value: write '\(key): \(value)'"
            }
            if let previous = input.previousLine, indentation(of: input.problemLine) > keyColumn(of: previous),
               key(of: previous) != nil, !previous.hasSuffix(":") {
                return "this line is indented more than \(above), so yaml reads it as the rest of that line's value: check the indentation of both against the keys around them"
            }
            if let key = key(of: input.problemLine) {
                return "the value after '\(key):' contains ': ', which starts a key in yaml: put the whole value in quotes (\"…\")"
            }
            return "': ' starts a key in yaml: put a value containing it in quotes, and check this line's indentation"
        case "did not find expected key":
            if let context = input.contextLineNumber {
                return "this line is not indented like the keys of the mapping that starts at line \(context + 1): line it up with them (a value continued on the next line is indented more than its key, or quoted)"
            }
            return "this line is not indented like the keys around it: line it up with them"
        case "did not find expected '-' indicator":
            return "this line is not indented like the '- ' items of the list above it: start it with '- ' at their column to add an item, or indent it under an item's keys"
        case "block sequence entries are not allowed in this context":
            return "a '- ' list item cannot follow a value on the same key: put the list on the lines below the key, indented"
        case "found unexpected end of stream" where input.context == "while scanning a quoted scalar":
            return "the quote is never closed: close it on the same value, or quote with the other kind of quote when the text contains this one"
        case "found character that cannot start any token":
            if let character = input.character, character == UInt8(ascii: "@") || character == UInt8(ascii: "`") || character == UInt8(ascii: "%") {
                return "'\(Character(Unicode.Scalar(character)))' cannot start a plain value in yaml: put the value in quotes"
            }
            return nil
        case "did not find expected ',' or ']'":
            return "a list written [a, b] separates its items with ',' and closes with ']'"
        case "did not find expected ',' or '}'":
            return "a mapping written {a: 1, b: 2} separates its entries with ',' and closes with '}'"
        case "found unknown escape character":
            return "in double quotes '\\' starts an escape such as \\n: write '\\\\' for a backslash, or use single quotes"
        case "did not find expected alphabetic or numeric character":
            return "'*' and '&' start yaml aliases and anchors: put a value that begins with one in quotes"
        case "did not find expected node content":
            return "a value is missing here: a '-' or ',' with nothing after it?"
        default:
            return nil
        }
    }

    /// The problems libyaml reports when a string left open swallowed the lines after it.
    static let unclosedQuoteProblems: Set<String> = [
        "could not find expected ':'", "mapping values are not allowed in this context", "did not find expected key",
        "did not find expected '-' indicator", "block sequence entries are not allowed in this context",
    ]

    /// Whether a line's value (after `key: `, `- ` or `key: - `) starts with a quote that the
    /// line does not close (`\"` escapes a double quote; `''` is a single quote in single quotes).
    static func opensUnclosedQuote(_ line: String) -> Bool {
        var text = Substring(line.drop { $0 == " " })
        if text.hasPrefix("#") { return false }
        if text.hasPrefix("- ") { text = text.dropFirst(2).drop { $0 == " " } }
        if let key = key(of: String(text)) { text = text.dropFirst(key.count + 1).drop { $0 == " " } }
        guard let quote = text.first, quote == "\"" || quote == "'" else { return false }
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if quote == "\"", character == "\\" {
                index = text.index(after: index)
                if index < text.endIndex { index = text.index(after: index) }
                continue
            }
            if character == quote {
                let next = text.index(after: index)
                if quote == "'", next < text.endIndex, text[next] == "'" {
                    index = text.index(after: next)
                    continue
                }
                return false
            }
            index = text.index(after: index)
        }
        return true
    }

    /// Leading spaces.
    static func indentation(of line: String) -> Int {
        line.prefix { $0 == " " }.count
    }

    /// The column where a line's key starts: after the indentation, and after `- ` for the first
    /// key of a list item (`  - id: a` and the `    description:` under it are keys of one mapping).
    static func keyColumn(of line: String) -> Int {
        let text = line.drop { $0 == " " }
        guard text.hasPrefix("- ") else { return indentation(of: line) }
        return indentation(of: line) + 2 + text.dropFirst(2).prefix { $0 == " " }.count
    }

    /// The key of a `key: value` or `key:` line (`- key: value` too), if it has one.
    static func key(of line: String) -> String? {
        var text = Substring(line.drop { $0 == " " })
        if text.hasPrefix("- ") { text = text.dropFirst(2).drop { $0 == " " } }
        let key = text.prefix(while: isKeyCharacter)
        guard !key.isEmpty else { return nil }
        let rest = text[key.endIndex...]
        guard rest == ":" || rest.hasPrefix(": ") || rest.hasPrefix(":\t") else { return nil }
        return String(key)
    }

    /// A `key:value` written at the start of a line without the space after ':', if any.
    static func gluedKey(in line: String) -> (key: String, value: String)? {
        var text = Substring(line.drop { $0 == " " })
        if text.hasPrefix("- ") { text = text.dropFirst(2) }
        let key = text.prefix(while: isKeyCharacter)
        let rest = text[key.endIndex...]
        guard !key.isEmpty, rest.hasPrefix(":") else { return nil }
        let value = rest.dropFirst().prefix { $0 != " " && $0 != "#" }
        guard !value.isEmpty else { return nil }
        return (String(key), String(value))
    }

    private static func isKeyCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "-" || character == "."
    }
}
