import Foundation
import Testing
@testable import ArbiterCore

/// A temporary folder for decision logs, and `serve --log` runs of the real binary.
struct LogFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }

    /// `arbiter serve --log FILE …` over `input`.
    func serve(_ input: [UInt8], log: String = "decisions.log", rules: String = Repository.path("Rules/cn"), _ extra: [String] = []) throws -> ArbiterRun {
        try ArbiterRun.run(["serve", "--rules", rules, "--audit", "summary", "--log", path(log)] + extra, stdin: input)
    }

    /// The lines of a file, without their `\n`.
    func lines(_ name: String) throws -> [[UInt8]] {
        let data = try [UInt8](Data(contentsOf: url.appendingPathComponent(name)))
        return data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    func write(_ name: String, lines: [[UInt8]]) throws {
        try Data(lines.flatMap { $0 + [UInt8(ascii: "\n")] }).write(to: url.appendingPathComponent(name))
    }
}

enum LogTestJSON {
    /// The canonical JSON of a JSON text.
    static func canonical(_ bytes: [UInt8]) throws -> [UInt8] {
        let tape = JSONTape()
        let writer = CanonicalJSONWriter()
        return try withExtendedLifetime((tape, writer)) {
            try bytes.withUnsafeBytes { raw in Array(writer.write(try tape.parse(raw))) }
        }
    }

    /// The canonical JSON of a parsed value.
    static func canonical(_ value: JSONValue) throws -> [UInt8] {
        try canonical(Array(value.serialized(pretty: false).utf8))
    }
}
