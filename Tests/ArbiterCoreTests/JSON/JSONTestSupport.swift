import Foundation
import Testing
@testable import ArbiterCore

/// Locating golden files and small helpers shared by the JSON tests.
enum JSONTestSupport {
    /// The bundled `Golden` folder (the test target copies it as a resource); falls back to
    /// the source tree, the way the YAML golden tests find theirs.
    static let goldenRoot: URL = {
        if let bundled = Bundle.module.url(forResource: "Golden", withExtension: nil) { return bundled }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden")
    }()

    /// `Golden/JSONTestSuite/test_parsing`: the JSONTestSuite parsing corpus (see its SOURCE.md).
    static let conformanceFolder = goldenRoot.appendingPathComponent("JSONTestSuite/test_parsing")

    /// File names in the conformance folder, sorted; empty if it is missing.
    static func conformanceCases() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: conformanceFolder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    /// Parses `bytes` into a `Result`, to check outcomes without `do`/`catch` in every test.
    static func parse(_ bytes: [UInt8]) -> Result<JSONValue, JSONParseError> {
        Result { () throws(JSONParseError) in try JSONReader.parse(bytes) }
    }

    static func parse(_ text: String) -> Result<JSONValue, JSONParseError> {
        Result { () throws(JSONParseError) in try JSONReader.parse(text) }
    }

    /// The error `text` is rejected with, or nil if it parses.
    static func error(_ text: String) -> JSONParseError? {
        if case .failure(let error) = parse(text) { return error }
        return nil
    }

    static func error(_ bytes: [UInt8]) -> JSONParseError? {
        if case .failure(let error) = parse(bytes) { return error }
        return nil
    }

    /// Compact serialization as bytes.
    static func compactBytes(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter(pretty: false)
        writer.value(value)
        return writer.bytes
    }
}
