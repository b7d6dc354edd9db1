import Foundation
import Testing
@testable import ArbiterCore

/// The diagnostics shown in README.md and docs/*.md are what `check` prints (issue 15: the
/// did-you-mean example had drifted to a position the code no longer gave). Each example is an
/// indented block after a marker naming the mistake of `CheckCommandTests` it shows:
/// `<!-- check-example: NAME -->` for the text output, `<!-- check-json-example: NAME -->` for
/// `--format json` (wrapped lines are joined). The test makes the mistake in a copy of Rules/cn,
/// runs `check` and compares the whole output with the block.
@Suite struct DocumentedExamplesTests {
    struct Example: Sendable, CustomStringConvertible {
        var document: String
        var name: String
        var json: Bool
        var text: String
        var description: String { "\(document): \(json ? "json " : "")\(name)" }
    }

    static let documents = ["README.md", "docs/expressions.md"]

    /// Every marked example of the documents, with the text of its block.
    static let examples: [Example] = documents.flatMap { document -> [Example] in
        guard let text = try? String(contentsOfFile: Repository.path(document), encoding: .utf8) else { return [] }
        let lines = text.components(separatedBy: "\n")
        var examples: [Example] = []
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            for (marker, json) in [("<!-- check-example: ", false), ("<!-- check-json-example: ", true)] where trimmed.hasPrefix(marker) {
                let name = String(trimmed.dropFirst(marker.count).dropLast(" -->".count))
                let block = lines[(index + 1)...].prefix { $0.hasPrefix("    ") }.map { String($0.dropFirst(4)) }
                let body = json
                    ? block.map { $0.trimmingCharacters(in: .whitespaces) }.joined() + "\n"
                    : block.joined(separator: "\n") + "\n"
                examples.append(Example(document: document, name: name, json: json, text: body))
            }
        }
        return examples
    }

    /// The conditions shown after `<!-- valid-when-examples -->` in docs/expressions.md, one per
    /// line (a line starting with `&&` or `||` continues the one before; `#` starts a comment).
    static let validConditions: [String] = {
        guard let text = try? String(contentsOfFile: Repository.path("docs/expressions.md"), encoding: .utf8),
              let marker = text.range(of: "<!-- valid-when-examples -->\n") else { return [] }
        var conditions: [String] = []
        for line in text[marker.upperBound...].components(separatedBy: "\n").prefix(while: { $0.hasPrefix("    ") }) {
            let code = String(line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]).trimmingCharacters(in: .whitespaces)
            if code.hasPrefix("&&") || code.hasPrefix("||"), let last = conditions.popLast() {
                conditions.append(last + " " + code)
            } else {
                conditions.append(code)
            }
        }
        return conditions
    }()

    /// Each condition docs/expressions.md shows as valid passes `check` as the `when:` of a line
    /// rule of a copy of Rules/cn (the null-safety example once compared an unchecked optional).
    @Test func conditionsShownAsValidPassCheck() throws {
        #expect(Self.validConditions.count >= 3, "\(Self.validConditions)")
        for (index, condition) in Self.validConditions.enumerated() {
            let pack = try TemporaryPack()
            defer { pack.remove() }
            let rule = """
                rules:
                  - id: docs.example-\(index)
                    description: an example of docs/expressions.md
                    basis: docs/expressions.md
                    when: |
                      \(condition)
                    approve: SEVEN_DAY_NO_REASON

                """
            try rule.write(toFile: pack.file("rules/99-docs-example.yaml"), atomically: true, encoding: .utf8)
            let output = pack.check()
            #expect(output.status == .success, "\(condition): \(output.text)")
        }
    }

    @Test func documentsShowExamples() {
        #expect(Self.examples.filter { $0.document == "README.md" }.count >= 4)
        #expect(Self.examples.filter { $0.document == "docs/expressions.md" }.count >= 4)
    }

    @Test(arguments: examples)
    func exampleIsTheRealOutput(example: Example) throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        if let mistake = CheckCommandTests.mistakes.first(where: { $0.name == example.name }) {
            try pack.edit(mistake.file, replacing: mistake.original, with: mistake.replacement)
        } else if let cause = CheckCommandTests.rootCauses.first(where: { $0.name == example.name }) {
            try cause.breakPack(pack)
        } else {
            Issue.record("\(example.document) shows '\(example.name)', which is not a mistake of CheckCommandTests")
            return
        }
        var output = CheckCommandRunner.run(rulesDirectory: pack.path, format: example.json ? .json : .text)
        output.text = output.text.replacingOccurrences(of: pack.path, with: pack.source)
        #expect(output.text == example.text, "\(example)")
    }
}
