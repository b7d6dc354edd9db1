/// Why a policy could not be used at all (as opposed to diagnostics inside its files).
public enum PolicyLoadError: Error, Equatable, Sendable {
    case notADirectory(String)
    case noPolicyFiles(String)
    /// The folder exists but cannot be listed (`reason` like "permission denied").
    case unreadableDirectory(String, String)

    public var message: String {
        switch self {
        case .notADirectory(let path): return "policy folder '\(path)' does not exist or is not a folder"
        case .noPolicyFiles(let path): return "policy folder '\(path)' holds no .yaml files"
        case .unreadableDirectory(let path, let reason): return "cannot read policy folder '\(path)': \(reason)"
        }
    }
}

/// The result of loading a policy: the policy when there are no errors, and every diagnostic.
public struct PolicyLoadResult: Sendable {
    public var policy: Policy?
    public var diagnostics: [Diagnostic]

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}
