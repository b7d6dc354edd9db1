/// Why a policy could not be used at all (as opposed to diagnostics inside its files).
public enum PolicyLoadError: Error, Equatable, Sendable {
    case notADirectory(String)
    case noPolicyFiles(String)
    /// The folder holds neither `policy.yaml` (a pack) nor `set.yaml` (a set): `--rules .`,
    /// `--rules Fixtures`. `nearby` lists policy folders found below it, to suggest.
    case notAPolicyFolder(String, nearby: [String])
    /// The folder exists but cannot be listed (`reason` like "permission denied").
    case unreadableDirectory(String, String)

    public var message: String {
        switch self {
        case .notADirectory(let path): return "policy folder '\(path)' does not exist or is not a folder"
        case .noPolicyFiles(let path): return "policy folder '\(path)' holds no .yaml files"
        case .unreadableDirectory(let path, let reason): return "cannot read policy folder '\(path)': \(reason)"
        case .notAPolicyFolder(let path, _):
            return "'\(path)' is not a policy folder: it holds no policy.yaml (a pack) and no set.yaml (a policy set)"
        }
    }

    /// Hints printed as `note:` lines under the message.
    public var notes: [String] {
        switch self {
        case .notAPolicyFolder(_, let nearby) where !nearby.isEmpty:
            return ["policy folders below it: " + nearby.joined(separator: ", ") + "; pass one with --rules"]
        case .notAPolicyFolder:
            return ["--rules takes a pack folder (Rules/cn) or a policy set folder (Rules)"]
        default:
            return []
        }
    }

    /// `arbiter: MESSAGE` and its notes, for stderr.
    public var rendered: String {
        (["arbiter: " + message] + notes.map { "note: " + $0 }).joined(separator: "\n")
    }
}

/// The result of loading a policy: the policy when there are no errors, and every diagnostic.
public struct PolicyLoadResult: Sendable {
    public var policy: Policy?
    public var diagnostics: [Diagnostic]

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}
