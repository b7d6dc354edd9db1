import Foundation
import Testing
@testable import ArbiterCore

/// A copy of a policy folder of the repository — the pack `Rules/cn` by default, or the set
/// `Rules` — in a temporary folder, edited for one test; removed by `remove()`.
struct TemporaryPack {
    /// The folder that holds the copy.
    let directory: URL
    /// What was copied, relative to the repository (`Rules/cn`): how `check` output shows it.
    let source: String
    /// The copied pack or set folder itself.
    var path: String { directory.appendingPathComponent(URL(fileURLWithPath: source).lastPathComponent).path }

    init(copying source: String = "Rules/cn") throws {
        self.source = source
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-pack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repository.path(source), toPath: directory.appendingPathComponent(URL(fileURLWithPath: source).lastPathComponent).path)
    }

    /// The file at `relative` in the copy (e.g. `parameters.yaml`, or `cn/parameters.yaml` in a set).
    func file(_ relative: String) -> String { path + "/" + relative }

    /// Replaces the first `original` in `relative` with `replacement` (the text must be there).
    func edit(_ relative: String, replacing original: String, with replacement: String) throws {
        let text = try String(contentsOfFile: file(relative), encoding: .utf8)
        let range = try #require(text.range(of: original), "'\(original)' is in \(relative)")
        try text.replacingCharacters(in: range, with: replacement).write(toFile: file(relative), atomically: true, encoding: .utf8)
    }

    /// `check` on the copy, with the temporary folder shown as the folder it copies.
    func check() -> CheckCommandRunner.Output {
        var output = CheckCommandRunner.run(rulesDirectory: path)
        output.text = output.text.replacingOccurrences(of: path, with: source)
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
