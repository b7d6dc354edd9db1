import Foundation
import Testing
@testable import ArbiterCore

/// What the loader accepts and rejects, and the errors an author sees.
@Suite struct YAMLLoaderRulesTests {
    static let file = "Rules/cn/returns.yaml"

    func load(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> YAMLNode? {
        try YAMLLoader.load(text: text, file: Self.file, limits: limits)
    }

    func error(_ text: String, limits: YAMLLimits = .default) -> YAMLError? {
        do {
            _ = try load(text, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    func at(_ line: Int, _ column: Int) -> ArbiterCore.SourceLocation {
        ArbiterCore.SourceLocation(file: Self.file, line: line, column: column)
    }

    // MARK: Scalars stay text

    @Test(arguments: ["no", "yes", "on", "off", "y", "NO", "1.0", "0x10", "1e3", "2024-05-01", "true", "~", "null", ".inf"])
    func plainScalarsAreKeptVerbatim(text: String) throws {
        let mapping = try YAMLShape.mapping(try load("value: \(text)"))
        let scalar = try YAMLShape.scalar(mapping["value"]?.value)
        #expect(scalar.value == text)
        #expect(scalar.style == .plain)
    }

    @Test func quotingIsRecordedAsStyle() throws {
        let mapping = try YAMLShape.mapping(try load("a: 'no'\nb: \"yes\"\nc: no\nd:\n"))
        #expect(try YAMLShape.scalar(mapping["a"]?.value).style == .singleQuoted)
        #expect(try YAMLShape.scalar(mapping["b"]?.value).style == .doubleQuoted)
        #expect(try YAMLShape.scalar(mapping["c"]?.value).style == .plain)
        #expect(try YAMLShape.scalar(mapping["a"]?.value).isNull == false)
        #expect(try YAMLShape.scalar(mapping["d"]?.value).isNull)
    }

    // MARK: Empty input and documents

    @Test(arguments: ["", "   ", "\n\n", "# only a comment\n", "# one\n\n# two", "\u{FEFF}"])
    func emptyStreamsLoadAsNil(text: String) throws {
        #expect(try load(text) == nil)
    }

    @Test func explicitEmptyDocumentIsAnEmptyScalar() throws {
        let scalar = try YAMLShape.scalar(try load("---\n...\n"))
        #expect(scalar.value.isEmpty)
        #expect(scalar.isNull)
    }

    @Test func oneExplicitDocumentIsFine() throws {
        let mapping = try YAMLShape.mapping(try load("%YAML 1.1\n---\nformat: 1\n...\n"))
        #expect(mapping["format"]?.value.location == at(3, 9))
    }

    @Test func secondDocumentIsRejectedAtItsMarker() {
        #expect(error("format: 1\n---\nformat: 2\n") == .multipleDocuments(at: at(2, 1)))
        #expect(error("--- a\n--- b\n")?.code == "multiple_documents")
    }

    @Test func byteOrderMarkIsIgnored() throws {
        let mapping = try YAMLShape.mapping(try load("\u{FEFF}format: 1"))
        #expect(mapping["format"]?.key.location == at(1, 1))
        #expect(mapping["format"]?.value.location == at(1, 9))
    }

    // MARK: Keys

    @Test func duplicateKeyIsReportedAtTheSecondOne() {
        let found = error("""
            rules:
              - id: late
                when: order.late
                then: deny
                when: order.early
            """)
        #expect(found == .duplicateKey(key: "when", at: at(5, 5), firstLine: 3))
        #expect(found?.diagnostic.description == "Rules/cn/returns.yaml:5:5: error: duplicate key 'when' (first defined at line 3)")
        #expect(found?.diagnostic.code == "duplicate_key")
    }

    @Test func duplicateKeysAreFoundInLargeMappingsToo() {
        let keys = (1...40).map { "key\($0): \($0)" }.joined(separator: "\n")
        #expect(error(keys + "\nkey7: again") == .duplicateKey(key: "key7", at: at(41, 1), firstLine: 7))
        #expect(error("{a: 1, 'a': 2}") == .duplicateKey(key: "a", at: at(1, 8), firstLine: 1))
    }

    @Test func duplicateKeyMessageStaysOnOneLine() {
        #expect(error("{\"a\\nb\": 1, \"a\\nb\": 2}")?.diagnostic.message == "duplicate key 'a\\nb' (first defined at line 1)")
    }

    @Test func sameKeyInDifferentMappingsIsFine() throws {
        let sequence = try YAMLShape.sequence(try load("- id: a\n- id: b\n"))
        #expect(sequence.items.count == 2)
    }

    @Test func collectionKeysAreRejected() {
        #expect(error("? [a, b]\n: c\n") == .nonScalarKey(found: "sequence", at: at(1, 3)))
        #expect(error("{a: 1}: x\n") == .nonScalarKey(found: "mapping", at: at(1, 1)))
        #expect(error("? {a: 1}\n: x\n")?.code == "non_scalar_key")
    }

    @Test func mergeKeyIsAnOrdinaryKey() throws {
        let mapping = try YAMLShape.mapping(try load("base: &b {days: 7}\nrule:\n  <<: *b\n  id: x\n"))
        let rule = try YAMLShape.mapping(mapping["rule"]?.value)
        #expect(rule.entries.map(\.key.value) == ["<<", "id"])
        #expect(rule["days"] == nil)
    }

    // MARK: Tags

    @Test(arguments: [
        ("days: !!int 7", 7), ("name: !money 5", 7), ("x: ! plain", 4), ("x: !<tag:example.com,2024:t> v", 4),
        ("x: !!map {a: 1}", 4), ("x: &a !!seq [1]", 7), ("- !!str [a]", 3),
    ])
    func explicitTagsAreRejected(text: String, column: Int) {
        let found = error(text)
        #expect(found?.code == "yaml_tag_unsupported")
        #expect(found?.location == at(1, column))
    }

    @Test func tagMessageShowsTheShorthand() {
        #expect(error("days: !!int 7")?.diagnostic.message
            == "explicit tag '!!int' is not supported (the policy schema decides each value's type)")
    }

    // MARK: Anchors and aliases

    @Test func aliasesExpandToCopiesOfTheAnchoredNode() throws {
        let mapping = try YAMLShape.mapping(try load("""
            defaults: &defaults
              days: 7
              note: &note "keep the box"
            rules:
              - settings: *defaults
                note: *note
            """))
        let rules = try YAMLShape.sequence(mapping["rules"]?.value)
        let rule = try YAMLShape.mapping(rules.items.first)
        let settings = try YAMLShape.mapping(rule["settings"]?.value)
        #expect(settings.entries.map(\.key.value) == ["days", "note"])
        #expect(try YAMLShape.scalar(settings["days"]?.value).value == "7")
        let note = try YAMLShape.scalar(rule["note"]?.value)
        #expect(note.value == "keep the box")
        #expect(note.style == .doubleQuoted)
        #expect(note.location == at(3, 15))
    }

    @Test func aliasCanBeAKeyWhenItIsAScalar() throws {
        let mapping = try YAMLShape.mapping(try load("- &k id\n- {*k : 7}\n").flatMap {
            if case .sequence(let items) = $0 { return items.items.last } else { return nil }
        })
        #expect(mapping["id"] != nil)
    }

    @Test func redefinedAnchorRefersToTheLatestDefinition() throws {
        let sequence = try YAMLShape.sequence(try load("- &a first\n- &a second\n- *a\n"))
        #expect(try YAMLShape.scalar(sequence.items.last).value == "second")
    }

    @Test func unknownAliasIsRejectedWithASuggestion() {
        let found = error("defaults: &defaults {days: 7}\nrule: *defualts\n")
        #expect(found == .unknownAlias(name: "defualts", suggestion: "defaults", at: at(2, 7)))
        #expect(found?.diagnostic.message == "alias '*defualts' refers to an unknown anchor (did you mean '*defaults'?)")
        #expect(error("rule: *nothing\n") == .unknownAlias(name: "nothing", suggestion: nil, at: at(1, 7)))
    }

    @Test func aliasInsideItsOwnAnchorIsRejected() {
        #expect(error("node: &loop\n  child: *loop\n") == .recursiveAlias(name: "loop", at: at(2, 10)))
    }

    @Test func billionLaughsFailsFast() {
        // Thirty levels of ten would be 10^30 nodes; the count stops it within a few levels.
        var lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1..<30 {
            lines.append("l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let found = error(lines.joined(separator: "\n"))
        #expect(found?.code == "yaml_alias_limit")
        #expect(found?.location.line == 5)
        #expect(found?.diagnostic.message == "document expands to more than 100000 nodes (alias bomb?)")
    }

    @Test func aliasCountRespectsTheConfiguredLimit() throws {
        let text = "a: &a [1, 2, 3]\nb: [*a, *a]\n"
        // 1 root + 2 keys + 4 (a) + 1 (b) + 2 × 4 (aliases) = 16 nodes.
        #expect(try load(text, limits: YAMLLimits(maxNodes: 16)) != nil)
        #expect(error(text, limits: YAMLLimits(maxNodes: 15)) == .aliasLimit(limit: 15, at: at(2, 9)))
    }

    @Test func largeDocumentWithoutAliasesHasItsOwnError() {
        let found = error("[1, 2, 3, 4, 5]", limits: YAMLLimits(maxNodes: 4))
        #expect(found == .tooManyNodes(limit: 4, at: at(1, 11)))  // the fifth node, "4"
    }

    // MARK: Depth

    @Test func nestingUpToTheLimitLoadsAndOneMoreFails() throws {
        let limits = YAMLLimits(maxDepth: 5)
        #expect(try load("[[[[[x]]]]]", limits: limits) != nil)
        #expect(error("[[[[[[x]]]]]]", limits: limits) == .tooDeep(limit: 5, at: at(1, 6)))
        #expect(error("a:\n b:\n  c:\n   d:\n    e:\n     f: x\n", limits: limits) == .tooDeep(limit: 5, at: at(6, 6)))
    }

    @Test func aliasCannotSmuggleDepthPastTheLimit() {
        let limits = YAMLLimits(maxDepth: 4)
        // The anchored node is 3 deep; used at depth 2 it would reach 5.
        #expect(error("a: &deep [[[x]]]\nb: [*deep]\n", limits: limits) == .tooDeep(limit: 4, at: at(2, 5)))
    }

    @Test func defaultDepthStopsAPathologicalNesting() {
        let text = String(repeating: "[", count: 100_000)
        #expect(error(text) == .tooDeep(limit: 64, at: at(1, 65)))
    }

    // MARK: Syntax errors

    @Test func syntaxErrorUsesLibyamlsProblemAndPosition() {
        let text = ["rules:"] + (1...12).map { "  k\($0): v" } + ["  why: say: it"]
        let found = error(text.joined(separator: "\n"))
        #expect(found?.diagnostic.description == "Rules/cn/returns.yaml:14:11: error: mapping values are not allowed in this context")
        #expect(found?.code == "yaml_syntax")
    }

    @Test func syntaxErrorIncludesLibyamlsContext() {
        #expect(error("rules: [a, b\n")?.diagnostic.description
            == "Rules/cn/returns.yaml:2:1: error: did not find expected ',' or ']' (while parsing a flow sequence that starts at line 1, column 8)")
    }

    @Test func controlCharactersAreSyntaxErrorsNotCrashes() {
        #expect(error("a: b\u{0}c")?.diagnostic.description
            == "Rules/cn/returns.yaml:1:5: error: control characters are not allowed (found U+0000)")
        #expect(error("a: \u{7F}")?.code == "yaml_syntax")
    }

    @Test func malformedUTF8ReachingLibyamlNamesTheByte() {
        // `load(contentsOf:)` rejects such files first; the parser path must still be safe.
        let bytes: [UInt8] = Array("a: ".utf8) + [0xFF]
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(YAMLError) -> YAMLNode? in try YAMLLoader.load(utf8: buffer, file: Self.file, limits: .default) }
        }
        guard case .failure(let found) = result else { Issue.record("loaded"); return }
        #expect(found.diagnostic.description == "Rules/cn/returns.yaml:1:4: error: invalid leading UTF-8 octet (found byte 0xFF)")
    }

    // MARK: Files

    @Test func fileIsReadAndNamedByItsDisplayPath() throws {
        let path = try temporaryFile(Array("format: 1\n".utf8))
        defer { unlink(path) }
        let mapping = try YAMLShape.mapping(try YAMLLoader.load(contentsOf: path, displayPath: "Rules/cn/returns.yaml"))
        #expect(mapping["format"]?.value.location == at(1, 9))
    }

    @Test func invalidUTF8IsUnreadableAtTheFileStart() throws {
        let path = try temporaryFile(Array("rules:\n  - note: caf".utf8) + [0xE9, 0x0A])
        defer { unlink(path) }
        do {
            _ = try YAMLLoader.load(contentsOf: path, displayPath: "Rules/cn/returns.yaml")
            Issue.record("invalid UTF-8 loaded")
        } catch {
            #expect(error.diagnostic.description
                == "Rules/cn/returns.yaml:1:1: error: file is not valid utf-8 (bad byte 0xE9 at line 2, column 14)")
            #expect(error.code == "file_unreadable")
        }
    }

    @Test func missingFileAndDirectoryAreUnreadable() {
        #expect(throws: YAMLError.fileUnreadable(file: "Rules/x.yaml", reason: "cannot read file (no such file or directory)")) {
            try YAMLLoader.load(contentsOf: "/nonexistent/arbiter/x.yaml", displayPath: "Rules/x.yaml")
        }
        #expect(throws: YAMLError.fileUnreadable(file: "Rules", reason: "cannot read file (is a directory)")) {
            try YAMLLoader.load(contentsOf: NSTemporaryDirectory(), displayPath: "Rules")
        }
    }

    func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "arbiter-yaml-\(UUID().uuidString).yaml"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
