import Foundation

/// Finds the policy folder a command runs with: `--rules` when given, else the repository's
/// policy set `Rules` (SPEC section 9).
public enum PolicyLocator {
    public static let defaultPack = "Rules"

    /// `--rules` if given; else `$ARBITER_RULES`; else `Rules` in the working directory;
    /// else `Rules` next to the executable or in a folder above it (so `.build/release/arbiter`
    /// run from anywhere finds the repository's set).
    public static func rulesDirectory(explicit: String?, executablePath: String = CommandLine.arguments.first ?? "") -> String {
        if let explicit { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment["ARBITER_RULES"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: defaultPack) { return defaultPack }
        var directory = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent(defaultPack).path
            if fileManager.fileExists(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return defaultPack
    }

    /// Loads and checks a policy for a command that needs a usable one; on failure returns
    /// the text to print on stderr.
    public static func loadUsablePolicy(at directory: String) -> Result<Policy, PolicyUnusable> {
        loadUsablePolicies(at: directory, count: 1).map { $0[0] }
    }

    /// `count` (at least 1) copies of the policy in `directory`, sharing no objects (one per
    /// `serve` thread): its files are read once and every copy is compiled from those bytes,
    /// so an edit while the copies are compiled cannot give them different policies.
    public static func loadUsablePolicies(at directory: String, count: Int) -> Result<[Policy], PolicyUnusable> {
        let snapshot: PolicySnapshot
        do {
            snapshot = try PolicySnapshot.read(directory: directory)
        } catch {
            return .failure(PolicyUnusable(message: "arbiter: " + error.message))
        }
        var policies: [Policy] = []
        for _ in 0..<max(1, count) {
            let result = PolicyLoader.load(snapshot: snapshot)
            guard let policy = result.policy else {
                let lines = result.errors.map(\.description)
                return .failure(PolicyUnusable(message: (lines + ["arbiter: policy '\(directory)' has errors; run 'arbiter check --rules \(directory)'"]).joined(separator: "\n")))
            }
            policies.append(policy)
        }
        return .success(policies)
    }
}

extension PolicyLocator {
    /// `count` (at least 1) copies of the pack or set in `directory`, sharing no objects (one per
    /// `serve` thread), all compiled from one reading of its files; or, when anything in it has
    /// errors (a version, or the set: overlaps, no default…), the text for stderr.
    public static func loadUsableSets(at directory: String, count: Int) -> Result<[PolicySet], PolicyUnusable> {
        let snapshot: PolicySetSnapshot
        do {
            snapshot = try PolicySetSnapshot.read(directory: directory)
        } catch {
            return .failure(PolicyUnusable(message: "arbiter: " + error.message))
        }
        var sets: [PolicySet] = []
        for _ in 0..<max(1, count) {
            let result = PolicySetLoader.load(snapshot: snapshot)
            guard let set = result.set else {
                let lines = result.errors.map(\.description)
                return .failure(PolicyUnusable(message: (lines + ["arbiter: policy '\(directory)' has errors; run 'arbiter check --rules \(directory)'"]).joined(separator: "\n")))
            }
            sets.append(set)
        }
        return .success(sets)
    }
}

/// Why a command could not start: the message for stderr.
public struct PolicyUnusable: Error, Sendable {
    public var message: String
}
