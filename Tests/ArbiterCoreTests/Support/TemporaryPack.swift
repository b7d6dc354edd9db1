import Foundation
import Testing
@testable import ArbiterCore

/// A copy of `Rules/cn` in a temporary folder, edited for one test; removed by `remove()`.
struct TemporaryPack {
    /// The folder that holds the copy (`…/cn` is the pack).
    let directory: URL
    /// The pack folder itself.
    var path: String { directory.appendingPathComponent("cn").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-pack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repository.path("Rules/cn"), toPath: directory.appendingPathComponent("cn").path)
    }

    /// The pack file at `relative` (e.g. `parameters.yaml`).
    func file(_ relative: String) -> String { directory.appendingPathComponent("cn").appendingPathComponent(relative).path }

    /// Replaces the first `original` in `relative` with `replacement` (the text must be there).
    func edit(_ relative: String, replacing original: String, with replacement: String) throws {
        let text = try String(contentsOfFile: file(relative), encoding: .utf8)
        let range = try #require(text.range(of: original), "'\(original)' is in \(relative)")
        try text.replacingCharacters(in: range, with: replacement).write(toFile: file(relative), atomically: true, encoding: .utf8)
    }

    /// `check` on the copy, with the temporary folder shown as `Rules/cn`.
    func check() -> CheckCommandRunner.Output {
        var output = CheckCommandRunner.run(rulesDirectory: path)
        output.text = output.text.replacingOccurrences(of: path, with: "Rules/cn")
        return output
    }

    func remove() {
        // Permissions a test took away must not stop the clean-up.
        if let enumerator = FileManager.default.enumerator(atPath: directory.path) {
            while let relative = enumerator.nextObject() as? String {
                chmod(directory.appendingPathComponent(relative).path, 0o755)
            }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
