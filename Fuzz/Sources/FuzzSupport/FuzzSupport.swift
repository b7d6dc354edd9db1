import ArbiterCore
import Foundation

/// What the fuzz targets share: the repository's `Rules/cn` (read once), a few valid requests
/// to decide, and the checks every protocol answer must pass.
public enum FuzzSupport {
    /// The repository: `$ARBITER_FUZZ_ROOT`, else two folders above this package.
    public static let root: String = {
        if let explicit = ProcessInfo.processInfo.environment["ARBITER_FUZZ_ROOT"], !explicit.isEmpty { return explicit }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .path
    }()

    /// Display prefix of the policy's files in diagnostics.
    public static let displayDirectory = "Rules/cn"

    /// The default pack's files, in memory, with display paths `Rules/cn/…`.
    public static let policyFiles: [PolicySourceFile] = {
        // The cn pack itself (not the set `Rules`, the command line's default).
        let directory = root + "/" + displayDirectory
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            fail("cannot read the policy folder \(directory)")
        }
        var files: [PolicySourceFile] = []
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") else { continue }
            guard let data = FileManager.default.contents(atPath: directory + "/" + relative) else { continue }
            files.append(PolicySourceFile(relativePath: relative, displayPath: displayDirectory + "/" + relative, bytes: [UInt8](data)))
        }
        return files.sorted { $0.relativePath < $1.relativePath }
    }()

    /// `Rules/cn`, loaded once; the targets cannot run without it.
    public static let policy: Policy = {
        let result = PolicyLoader.load(files: policyFiles)
        guard let policy = result.policy else {
            fail("Rules/cn does not load:\n" + result.diagnostics.map(\.description).joined(separator: "\n"))
        }
        return policy
    }()

    /// Valid requests of every kind (`Fuzz/requests.jsonl`), decided after a fuzzed policy loads.
    public static let requests: [[UInt8]] = {
        let path = root + "/Fuzz/requests.jsonl"
        guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
        return data.split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }.map { [UInt8]($0) }
    }()

    /// Reports a broken invariant and traps, so libFuzzer saves the input.
    public static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("\nFUZZ INVARIANT BROKEN: " + message + "\n").utf8))
        fatalError(message)
    }

    static let errorCodes: Set<String> = ["invalid_json", "invalid_request", "too_large", "unsupported_op", "internal"]

    /// SPEC section 8: no answer over 16 MiB.
    public static let maximumAnswerBytes = 16 << 20

    /// Checks the protocol's promise for one answer: exactly one JSON object, UTF-8, no line
    /// break, at most 16 MiB; an error names a known code and the line; a decision has an
    /// outcome. `internal` is a failure unless `allowInternal` (SPEC 8: never an internal error).
    public static func checkAnswer(_ answer: [UInt8], lineNumber: Int, allowInternal: Bool) {
        guard !answer.isEmpty else { fail("empty answer") }
        if let index = answer.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
            fail("answer holds a line break at byte \(index)")
        }
        guard answer.count <= maximumAnswerBytes else { fail("answer of \(answer.count) bytes is over 16 MiB") }
        guard String(validating: answer, as: UTF8.self) != nil else { fail("answer is not valid UTF-8") }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(answer))
        } catch {
            fail("answer is not one JSON value (\(error)): \(String(decoding: answer.prefix(2000), as: UTF8.self))")
        }
        guard let object = parsed as? [String: Any] else { fail("answer is not a JSON object") }
        if let error = object["error"] {
            guard let error = error as? [String: Any], let code = error["code"] as? String, errorCodes.contains(code),
                  error["message"] is String, let line = error["line"] as? Int
            else { fail("malformed error answer: \(String(decoding: answer.prefix(2000), as: UTF8.self))") }
            guard line == lineNumber else { fail("error answer names line \(line), not \(lineNumber)") }
            if code == "internal" && !allowInternal {
                fail("internal error: \(error["message"] ?? "")")
            }
        } else if object["op"] == nil {
            guard object["outcome"] is String, object["lines"] is [Any] else {
                fail("decision without outcome or lines: \(String(decoding: answer.prefix(2000), as: UTF8.self))")
            }
        }
    }

    /// Whether an environment switch is on (`1`, `true`, `yes`).
    public static func flag(_ name: String) -> Bool {
        guard let value = ProcessInfo.processInfo.environment[name]?.lowercased() else { return false }
        return ["1", "true", "yes"].contains(value)
    }
}
