import Foundation

/// Loads a policy folder (`Rules/cn`): every `.yaml`/`.yml` file in it (subfolders included),
/// in order of relative path. Any file may hold any of the top-level sections; exactly one
/// holds `policy:` and the format version `arbiter: 1`.
///
/// Loading reads, validates and type-checks everything once; the result is a `Policy` the
/// engine evaluates without looking names up, or diagnostics pointing into the files.
public enum PolicyLoader {
    public static let formatVersion = "1"
    static let sections = ["arbiter", "policy", "attributes", "facts", "parameters", "codes", "rules"]

    /// Loads the policy in `directory`. `displayDirectory` prefixes paths in diagnostics
    /// (defaults to `directory` as given, e.g. `Rules/cn`).
    public static func load(directory: String) throws(PolicyLoadError) -> PolicyLoadResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notADirectory(directory)
        }
        let relativePaths = policyFiles(in: directory)
        guard !relativePaths.isEmpty else { throw .noPolicyFiles(directory) }
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var files: [PolicySourceFile] = []
        for relative in relativePaths {
            let path = base + "/" + relative
            let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
            files.append(PolicySourceFile(relativePath: relative, displayPath: path, bytes: bytes))
        }
        return load(files: files)
    }

    /// Loads a policy from files already in memory (tests, and `load(directory:)`).
    public static func load(files: [PolicySourceFile]) -> PolicyLoadResult {
        var reader = NodeReader()
        var documents: [(file: PolicySourceFile, mapping: YAMLMapping)] = []
        for file in files.sorted(by: { $0.relativePath < $1.relativePath }) {
            do {
                guard let text = String(validating: file.bytes, as: UTF8.self) else {
                    reader.error(SourceLocation(file: file.displayPath, line: 1, column: 1), "file_unreadable", "file is not valid UTF-8")
                    continue
                }
                guard let node = try YAMLLoader.load(text: text, file: file.displayPath) else { continue }
                guard let mapping = reader.mapping(node, "a policy file", allowed: sections) else { continue }
                documents.append((file, mapping))
            } catch {
                reader.diagnostics.append(error.diagnostic)
            }
        }
        // A file that is not YAML leaves its sections out; checking references against the
        // rest would only bury the real error under consequences of it (codes it declared
        // reported as unknown everywhere). Syntax errors are reported alone.
        if reader.diagnostics.contains(where: { $0.severity == .error }) {
            return PolicyLoadResult(policy: nil, diagnostics: reader.diagnostics)
        }
        var builder = PolicyBuilder(reader: reader)
        for file in files { builder.relativePaths[file.displayPath] = file.relativePath }
        let policy = builder.build(documents: documents.map(\.mapping), digest: PolicyDigest.digest(of: files.map { ($0.relativePath, $0.bytes) }))
        let diagnostics = builder.reader.diagnostics.sorted { lhs, rhs in
            (lhs.location.file, lhs.location.line, lhs.location.column) < (rhs.location.file, rhs.location.line, rhs.location.column)
        }
        let hasErrors = diagnostics.contains { $0.severity == .error }
        return PolicyLoadResult(policy: hasErrors ? nil : policy, diagnostics: diagnostics)
    }

    /// Relative paths of the policy's YAML files, sorted.
    static func policyFiles(in directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var paths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") { paths.append(relative) }
        }
        return paths.sorted()
    }
}

/// One file of a policy, with the path diagnostics show.
public struct PolicySourceFile: Sendable {
    public var relativePath: String
    public var displayPath: String
    public var bytes: [UInt8]

    public init(relativePath: String, displayPath: String, bytes: [UInt8]) {
        self.relativePath = relativePath
        self.displayPath = displayPath
        self.bytes = bytes
    }
}
