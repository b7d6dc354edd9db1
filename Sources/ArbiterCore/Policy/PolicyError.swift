/// Why a policy could not be used at all (as opposed to diagnostics inside its files).
public enum PolicyLoadError: Error, Equatable, Sendable {
    case notADirectory(String)
    case noPolicyFiles(String)
    /// The folder holds neither `policy.yaml` (a pack) nor `set.yaml` (a set): `--rules .`,
    /// `--rules Fixtures`. `nearby` lists policy folders found below it, to suggest.
    case notAPolicyFolder(String, nearby: [String])
    /// The folder exists but cannot be listed (`reason` like "permission denied").
    case unreadableDirectory(String, String)
    /// A set folder (it holds `set.yaml`) with no pack version below it.
    case emptySet(String)

    public var message: String {
        switch self {
        case .notADirectory(let path): return "policy folder '\(path)' does not exist or is not a folder"
        case .noPolicyFiles(let path): return "policy folder '\(path)' holds no .yaml files"
        case .emptySet(let path):
            return "policy set '\(path)' holds set.yaml but no pack version: each version is a folder below it with a policy.yaml (Rules/cn)"
        case .unreadableDirectory(let path, let reason): return "cannot read policy folder '\(path)': \(reason)"
        case .notAPolicyFolder(let path, _):
            return "'\(path)' is not a policy folder: it holds no policy.yaml (a pack) and no set.yaml (a policy set)"
        }
    }

    /// A stable snake_case code, as diagnostics have (`check --format json`).
    public var code: String {
        switch self {
        case .notADirectory: return "not_a_directory"
        case .noPolicyFiles: return "no_policy_files"
        case .notAPolicyFolder: return "not_a_policy_folder"
        case .unreadableDirectory: return "unreadable_directory"
        case .emptySet: return "empty_set"
        }
    }

    /// The folder the error is about.
    public var path: String {
        switch self {
        case .notADirectory(let path), .noPolicyFiles(let path), .notAPolicyFolder(let path, _), .unreadableDirectory(let path, _), .emptySet(let path):
            return path
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
