import Foundation

/// Rewrites a fixture's expectations (`arbiter replay --update`), for intentional policy
/// changes: the fixture keeps stating the same fields, with the values the policy now decides,
/// written in the fixture's own style.
///
/// - YAML: everything above `expect:` (its comments, its request) is kept byte for byte; the new
///   `expect:` is YAML again, each mapping and sequence in the flow (`{…}`, `[…]`) or block style
///   it was written in, each scalar quoted as it was (a value that must be quoted to stay a
///   string, such as `"185.96"`, is quoted whatever it was).
/// - JSON: only the text of the `expect` member's value is replaced; it is written on one line or
///   indented, as it was, with the file's indentation.
enum FixtureUpdater {
    static func rewrite(_ fixture: Fixture, expect: JSONValue) throws(FixtureError) {
        guard let data = FileManager.default.contents(atPath: fixture.path) else {
            throw FixtureError(message: "cannot read \(fixture.path)")
        }
        let original = String(decoding: data, as: UTF8.self)
        let text: String
        if fixture.path.hasSuffix(".json") {
            text = try rewriteJSON(original, expect: expect, path: fixture.path)
        } else {
            guard let line = fixture.expectLine, fixture.expectIsLast else {
                throw FixtureError(message: "'expect:' must be the last key of a YAML fixture for --update to rewrite it")
            }
            // Lines split on the byte: as `Character`s, "\r\n" is one character, not "\n".
            // A file written with CRLF keeps CRLF, in what is kept and in what is written.
            let usesCRLF = original.utf8.firstIndex(of: 0x0A).map { $0 > original.utf8.startIndex && original.utf8[original.utf8.index(before: $0)] == 0x0D } ?? false
            let newline = usesCRLF ? "\r\n" : "\n"
            let lines = original.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
                String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
            }
            let kept = lines.prefix(line - 1)
            let writer = YAMLWriter(source: lines)
            let value = writer.value(expect, original: fixture.expectNode, indent: 0)
            text = kept.joined(separator: newline) + (kept.isEmpty ? "" : newline) + ("expect:" + value).replacingOccurrences(of: "\n", with: newline) + newline
        }
        guard FileManager.default.createFile(atPath: fixture.path, contents: Data(text.utf8)) else {
            throw FixtureError(message: "cannot write \(fixture.path)")
        }
    }

    // MARK: - JSON fixtures

    static func rewriteJSON(_ original: String, expect: JSONValue, path: String) throws(FixtureError) -> String {
        let bytes = Array(original.utf8)
        guard let range = JSONMemberScanner.topLevelValue(named: "expect", in: bytes) else {
            throw FixtureError(message: "\(path): no top-level \"expect\" member to rewrite")
        }
        let old = String(decoding: bytes[range], as: UTF8.self)
        let replacement: String
        if !old.contains("\n") {
            replacement = JSONStyle(spaced: old.contains("\": ") || old.contains(", "), indentUnit: 0).inline(expect)
        } else {
            // The indentation of the line the member starts on, and the file's indentation unit.
            let lineStart = bytes[..<range.lowerBound].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            let base = bytes[lineStart...].prefix { $0 == UInt8(ascii: " ") }.count
            let unit = original.split(separator: "\n").dropFirst().first.map { $0.prefix { $0 == " " }.count } ?? 2
            replacement = JSONStyle(spaced: true, indentUnit: max(1, unit)).block(expect, indent: base)
        }
        let text = String(decoding: bytes[..<range.lowerBound], as: UTF8.self) + replacement + String(decoding: bytes[range.upperBound...], as: UTF8.self)
        guard (try? JSONReader.parse(Array(text.utf8))) != nil else {
            throw FixtureError(message: "\(path): the rewritten fixture would not be valid JSON")
        }
        return text
    }
}

/// Finds where a top-level member's value is written in a JSON object's text.
enum JSONMemberScanner {
    /// The byte range of the value of the top-level member `name`, or nil.
    static func topLevelValue(named name: String, in bytes: [UInt8]) -> Range<Int>? {
        var index = 0
        func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let keyStart = index
            guard let keyEnd = skipValue(bytes, from: index) else { return nil }
            let key = try? JSONReader.parse(Array(bytes[keyStart..<keyEnd]))
            index = keyEnd
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            let valueStart = index
            guard let valueEnd = skipValue(bytes, from: index) else { return nil }
            if case .string(name)? = key { return valueStart..<valueEnd }
            index = valueEnd
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    /// The end of the JSON value starting at `start` (strings, nesting; scalars to the next delimiter).
    static func skipValue(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        var depth = 0
        var inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 2; continue }
                if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return index + 1 }
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return index }
                depth -= 1
                if depth == 0 { return index + 1 }
            case UInt8(ascii: ","), 0x20, 0x09, 0x0A, 0x0D:
                if depth == 0 { return index }
            default: break
            }
            index += 1
        }
        return depth == 0 && !inString ? index : nil
    }
}

/// JSON written the way a fixture file writes it.
struct JSONStyle {
    /// `"a": 1, "b": 2` rather than `"a":1,"b":2`.
    var spaced: Bool
    var indentUnit: Int

    func inline(_ value: JSONValue) -> String {
        let (colon, comma) = spaced ? (": ", ", ") : (":", ",")
        switch value {
        case .object(let members):
            return "{" + members.map { JSONValue.string($0.key).serialized(pretty: false) + colon + inline($0.value) }.joined(separator: comma) + "}"
        case .array(let items):
            return "[" + items.map(inline).joined(separator: comma) + "]"
        default:
            return value.serialized(pretty: false)
        }
    }

    func block(_ value: JSONValue, indent: Int) -> String {
        let inner = String(repeating: " ", count: indent + indentUnit), here = String(repeating: " ", count: indent)
        switch value {
        case .object(let members) where !members.isEmpty:
            return "{\n" + members.map { inner + JSONValue.string($0.key).serialized(pretty: false) + ": " + block($0.value, indent: indent + indentUnit) }
                .joined(separator: ",\n") + "\n" + here + "}"
        case .array(let items) where !items.isEmpty:
            return "[\n" + items.map { inner + block($0, indent: indent + indentUnit) }.joined(separator: ",\n") + "\n" + here + "]"
        default:
            return inline(value)
        }
    }
}

/// YAML for a fixture's `expect:`, following the style of the node it replaces.
struct YAMLWriter {
    /// The fixture's lines, to tell a flow collection (`{`, `[` where the node starts) from a block one.
    let source: [String]

    func isFlow(_ node: YAMLNode?) -> Bool? {
        guard let node else { return nil }
        if case .scalar = node { return nil }
        let location = node.location
        guard location.line >= 1, location.line <= source.count else { return nil }
        let line = Array(source[location.line - 1])
        let column = location.column - 1
        guard column >= 0, column < line.count else { return nil }
        return line[column] == "{" || line[column] == "["
    }

    /// The value as it follows `key:` (or `- `): ` scalar`, ` {flow}`, or a newline and a block
    /// indented by `indent + 2`.
    func value(_ value: JSONValue, original: YAMLNode?, indent: Int) -> String {
        switch value {
        case .object(let members) where !members.isEmpty:
            if isFlow(original) ?? false { return " " + flow(value, original: original) }
            return "\n" + blockMapping(members, original: original, indent: indent + 2)
        case .array(let items) where !items.isEmpty:
            if isFlow(original) ?? Self.allScalars(items) { return " " + flow(value, original: original) }
            return "\n" + blockSequence(items, original: original, indent: indent + 2)
        default:
            return " " + flow(value, original: original)
        }
    }

    func blockMapping(_ members: [JSONMember], original: YAMLNode?, indent: Int, firstIndented: Bool = true) -> String {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        for (index, member) in members.enumerated() {
            let child = Self.child(of: original, key: member.key)
            lines.append((index == 0 && !firstIndented ? "" : pad) + key(member.key) + ":" + value(member.value, original: child, indent: indent))
        }
        return lines.joined(separator: "\n")
    }

    func blockSequence(_ items: [JSONValue], original: YAMLNode?, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        return items.enumerated().map { index, item in
            let child = Self.element(of: original, at: index)
            switch item {
            case .object(let members) where !members.isEmpty && !(isFlow(child) ?? false):
                return pad + "- " + blockMapping(members, original: child, indent: indent + 2, firstIndented: false)
            case .array(let inner) where !inner.isEmpty && !(isFlow(child) ?? Self.allScalars(inner)):
                return pad + "-\n" + blockSequence(inner, original: child, indent: indent + 2)
            default:
                return pad + "- " + flow(item, original: child)
            }
        }.joined(separator: "\n")
    }

    func flow(_ value: JSONValue, original: YAMLNode?) -> String {
        switch value {
        case .object(let members):
            return "{" + members.map { key($0.key) + ": " + flow($0.value, original: Self.child(of: original, key: $0.key)) }.joined(separator: ", ") + "}"
        case .array(let items):
            return "[" + items.enumerated().map { flow($1, original: Self.element(of: original, at: $0)) }.joined(separator: ", ") + "]"
        case .string(let text):
            var quoted = false
            var single = false
            if case .scalar(let scalar)? = original {
                quoted = scalar.style != .plain
                single = scalar.style == .singleQuoted
                // A plain number written for a money string (`refund: 185.96`) stays plain.
                if scalar.style == .plain, YAMLNode.isJSONNumber(scalar.value), YAMLNode.isJSONNumber(text) { return text }
            }
            if !quoted, Self.isPlainSafe(text) { return text }
            if single, !text.contains("\n") { return "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
            return value.serialized(pretty: false)
        default:
            return value.serialized(pretty: false)
        }
    }

    func key(_ name: String) -> String {
        Self.isPlainSafe(name) ? name : JSONValue.string(name).serialized(pretty: false)
    }

    /// A string that reads back as the same string when written plain, in block and flow context.
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        let reserved: Set<String> = ["null", "Null", "NULL", "~", "true", "false", "True", "False", "TRUE", "FALSE",
                                     "yes", "no", "Yes", "No", "YES", "NO", "on", "off", "On", "Off", "ON", "OFF", "y", "n", "Y", "N"]
        if reserved.contains(text) || YAMLNode.isJSONNumber(text) || Double(text) != nil { return false }
        guard first.properties.isAlphabetic || first == "_" || first == "$" else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-./$".unicodeScalars.contains(scalar)
        }
    }

    static func allScalars(_ items: [JSONValue]) -> Bool {
        items.allSatisfy {
            switch $0 {
            case .object, .array: return false
            default: return true
            }
        }
    }

    static func child(of node: YAMLNode?, key: String) -> YAMLNode? {
        guard case .mapping(let mapping)? = node else { return nil }
        return mapping[key]?.value
    }

    /// The element at `index`, or the last one (a longer list follows the style of its last element).
    static func element(of node: YAMLNode?, at index: Int) -> YAMLNode? {
        guard case .sequence(let sequence)? = node, !sequence.items.isEmpty else { return nil }
        return sequence.items[min(index, sequence.items.count - 1)]
    }
}
