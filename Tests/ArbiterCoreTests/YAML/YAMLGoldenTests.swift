import Foundation
import Testing
@testable import ArbiterCore

/// Golden files for what policy authors read: each `Golden/yaml/errors/NAME.yaml` must fail
/// with exactly the diagnostic in `NAME.expected` as `check` prints it (`path:line:col: error:
/// message`, the source line, the caret line, the `note:` hints) followed by `[code]`,
/// and each `Golden/yaml/valid/NAME.yaml` must load to the node listing in `NAME.expected`.
/// Re-record with `ARBITER_RECORD_GOLDEN=1 swift test --filter YAMLGoldenTests`, then review the diff.
@Suite struct YAMLGoldenTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden/yaml")
    static let recording = ProcessInfo.processInfo.environment["ARBITER_RECORD_GOLDEN"] == "1"

    static func cases(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func check(_ actual: String, folder: String, name: String) throws {
        let expectedURL = root.appendingPathComponent("\(folder)/\(name).expected")
        if recording {
            try Data((actual + "\n").utf8).write(to: expectedURL)
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected.trimmingCharacters(in: .newlines), "golden \(folder)/\(name)")
    }

    @Test func corpusIsPresent() {
        #expect(Self.cases("errors").count >= 15)
        #expect(!Self.cases("valid").isEmpty)
    }

    @Test(arguments: cases("errors"))
    func errorDiagnostic(name: String) throws {
        let path = Self.root.appendingPathComponent("errors/\(name).yaml").path
        do {
            _ = try YAMLLoader.load(contentsOf: path, displayPath: "Rules/\(name).yaml")
            Issue.record("\(name).yaml loaded without error")
        } catch {
            var sources = SourceFiles()
            sources.add(path: "Rules/\(name).yaml", bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            let rendered = DiagnosticRenderer(sources: sources, color: false).render(error.diagnostic)
            try Self.check(rendered + "[\(error.code)]", folder: "errors", name: name)
        }
    }

    @Test(arguments: cases("valid"))
    func nodeListing(name: String) throws {
        let path = Self.root.appendingPathComponent("valid/\(name).yaml").path
        let node = try YAMLLoader.load(contentsOf: path, displayPath: "Rules/\(name).yaml")
        var lines: [String] = []
        if let node { YAMLListing.append(node, indent: "", to: &lines) }
        try Self.check(lines.joined(separator: "\n"), folder: "valid", name: name)
    }
}

/// One line per node: `line:col kind`, scalars with style, content start and quoted value.
enum YAMLListing {
    static func append(_ node: YAMLNode, indent: String, marker: String = "", to lines: inout [String]) {
        switch node {
        case .scalar(let scalar):
            lines.append(indent + marker + describe(scalar))
        case .mapping(let mapping):
            lines.append("\(indent)\(marker)\(position(mapping.location)) mapping")
            for entry in mapping.entries {
                lines.append("\(indent)  key \(describe(entry.key))")
                append(entry.value, indent: indent + "    ", to: &lines)
            }
        case .sequence(let sequence):
            lines.append("\(indent)\(marker)\(position(sequence.location)) sequence")
            for item in sequence.items { append(item, indent: indent + "  ", marker: "- ", to: &lines) }
        }
    }

    static func describe(_ scalar: YAMLScalar) -> String {
        let escaped = scalar.value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t")
        return "\(position(scalar.location)) \(scalar.style) content@\(position(scalar.contentStart)) \"\(escaped)\""
    }

    static func position(_ location: ArbiterCore.SourceLocation) -> String { "\(location.line):\(location.column)" }
}
