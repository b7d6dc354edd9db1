import Foundation

/// Loads a policy folder (`Rules/cn`): every `.yaml`/`.yml` file in it (subfolders included),
/// in order of relative path. Any file may hold any of the top-level sections; exactly one
/// holds `policy:` and the format version `arbiter: 1`.
///
/// Loading reads, validates and type-checks everything once; the result is a `Policy` the
/// engine evaluates without looking names up, or diagnostics pointing into the files.
public enum PolicyLoader {
    public static let formatVersion = "1"
    static let sections = ["arbiter", "policy", "attributes", "facts", "parameters", "codes", "define", "rules"]

    /// Loads the policy in `directory`: reads its files once (`PolicySnapshot`) and compiles them.
    public static func load(directory: String) throws(PolicyLoadError) -> PolicyLoadResult {
        load(snapshot: try PolicySnapshot.read(directory: directory))
    }

    /// Loads a policy from files already in memory (tests).
    public static func load(files: [PolicySourceFile]) -> PolicyLoadResult {
        load(snapshot: PolicySnapshot(directory: "", files: files))
    }

    /// Compiles a policy from a snapshot of its files. Compiling the same snapshot again gives an
    /// equal policy sharing no objects with the first (one per `serve` thread).
    public static func load(snapshot: PolicySnapshot) -> PolicyLoadResult {
        var reader = NodeReader()
        // A file that could not be read is reported with the syntax errors, alone (below).
        reader.diagnostics = snapshot.unreadable
        var documents: [(file: PolicySourceFile, mapping: YAMLMapping)] = []
        for file in snapshot.files {
            do {
                guard let text = String(validating: file.bytes, as: UTF8.self) else {
                    reader.error(SourceLocation(file: file.displayPath, line: 1, column: 1), "file_unreadable", "file is not valid UTF-8")
                    continue
                }
                guard let node = try YAMLLoader.load(text: text, file: file.displayPath) else {
                    reader.diagnostics.append(.error(
                        at: SourceLocation(file: file.displayPath), code: "empty_file",
                        "file is empty: a policy file holds a mapping of sections (\(sections.joined(separator: ", ")))"))
                    continue
                }
                guard let mapping = reader.mapping(node, "a policy file", allowed: sections) else { continue }
                documents.append((file, mapping))
            } catch {
                reader.diagnostics.append(error.diagnostic)
            }
        }
        // A file that is not YAML (or not readable) leaves its sections out; checking references
        // against the rest would only bury the real error under consequences of it (codes it
        // declared reported as unknown everywhere). Such errors are reported alone.
        if reader.diagnostics.contains(where: { $0.severity == .error }) {
            return PolicyLoadResult(policy: nil, diagnostics: sorted(reader.diagnostics))
        }
        var builder = PolicyBuilder(reader: reader)
        for file in snapshot.files { builder.relativePaths[file.displayPath] = file.relativePath }
        // The digest in storage of this copy's own: every summary answer copies it, and copies
        // of the policy compiled for other threads from the same snapshot would otherwise share
        // one string, whose reference count the threads would then contend for on every answer.
        let policy = builder.build(documents: documents.map(\.mapping), digest: snapshot.digest.unsharedCopy())
        let diagnostics = sorted(builder.reader.diagnostics)
        let hasErrors = diagnostics.contains { $0.severity == .error }
        return PolicyLoadResult(policy: hasErrors ? nil : policy, diagnostics: diagnostics)
    }

    private static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.sorted { lhs, rhs in
            (lhs.location.file, lhs.location.line, lhs.location.column) < (rhs.location.file, rhs.location.line, rhs.location.column)
        }
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
