import Foundation

/// Finds the policy folder a command runs with: `--rules` when given, else the repository's
/// policy set `Rules` (SPEC section 9).
public enum PolicyLocator {
    public static let defaultPack = "Rules"

    /// `--rules` if given; else `$ARBITER_RULES`; else `Rules` in the working directory; else
    /// the set found from the executable (`rulesNear`), so `.build/release/arbiter` and an
    /// installed `PREFIX/bin/arbiter` work from any working directory.
    public static func rulesDirectory(explicit: String?, executablePath: String = currentExecutablePath) -> String {
        switch locate(explicit: explicit, executablePath: executablePath) {
        case .found(let directory, _): return directory
        case .notFound: return defaultPack
        }
    }

    /// Where the policy comes from.
    public enum Source: Equatable, Sendable {
        case option, environment, workingDirectory, executable
    }

    /// The policy folder and where it came from, or every place looked at when there is none.
    public enum Location: Equatable, Sendable {
        case found(String, Source)
        case notFound(searched: [String])
    }

    /// The policy folder a command runs with (see `rulesDirectory`). A folder named by
    /// `--rules` or `ARBITER_RULES` is returned whether it exists or not (loading it says
    /// why it is unusable); the default is looked for and may not be found.
    public static func locate(explicit: String?, executablePath: String = currentExecutablePath,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              workingDirectory: String = FileManager.default.currentDirectoryPath) -> Location {
        if let explicit { return .found(explicit, .option) }
        if let fromEnvironment = environment["ARBITER_RULES"], !fromEnvironment.isEmpty {
            return .found(fromEnvironment, .environment)
        }
        let inWorkingDirectory = URL(fileURLWithPath: workingDirectory).appendingPathComponent(defaultPack).path
        if FileManager.default.fileExists(atPath: inWorkingDirectory) { return .found(defaultPack, .workingDirectory) }
        let near = candidatesNear(executablePath: executablePath)
        if let found = near.first(where: { FileManager.default.fileExists(atPath: $0) }) { return .found(found, .executable) }
        return .notFound(searched: [inWorkingDirectory + " (the working directory)"] + near.filter { $0 != inWorkingDirectory })
    }

    /// What a command says when no policy was given and none was found: every place looked
    /// at, and the two ways to name one.
    public static func notFoundMessage(searched: [String]) -> String {
        (["arbiter: no policy found (no --rules, no ARBITER_RULES); looked in order for:"]
            + searched.map { "  " + $0 }
            + ["name a policy set or pack with --rules DIR or ARBITER_RULES=DIR (`make install PREFIX=DIR` puts the repository's set in DIR/share/arbiter/Rules, where DIR/bin/arbiter finds it)"])
            .joined(separator: "\n")
    }

    /// The policy set for an executable: `Rules` next to it or in a folder above it (a build
    /// folder inside the repository), or `share/arbiter/Rules` beside its `bin/` (`make install
    /// PREFIX=DIR` puts the binary in `DIR/bin` and the set in `DIR/share/arbiter/Rules`).
    public static func rulesNear(executablePath: String) -> String? {
        candidatesNear(executablePath: executablePath).first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The places `rulesNear` looks at, in order: `Rules` and `share/arbiter/Rules` in the
    /// executable's folder and the four folders above it.
    public static func candidatesNear(executablePath: String) -> [String] {
        var directory = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates: [String] = []
        for _ in 0..<5 {
            for relative in [defaultPack, "share/arbiter/" + defaultPack] {
                let candidate = directory.appendingPathComponent(relative).path
                if !candidates.contains(candidate) { candidates.append(candidate) }
            }
            if directory.path == "/" { break }
            directory = directory.deletingLastPathComponent()
        }
        return candidates
    }

    /// The running executable's path: `/proc/self/exe` where there is one (a command found
    /// through `PATH` has no folder in its `argv[0]`), else `argv[0]`.
    public static var currentExecutablePath: String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        return CommandLine.arguments.first ?? ""
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
            return .failure(PolicyUnusable(error))
        }
        var policies: [Policy] = []
        for _ in 0..<max(1, count) {
            let result = PolicyLoader.load(snapshot: snapshot)
            guard let policy = result.policy else {
                return .failure(PolicyUnusable(directory: directory, errors: result.errors, sources: SourceFiles(snapshot.files)))
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
            return .failure(PolicyUnusable(error))
        }
        var sets: [PolicySet] = []
        for _ in 0..<max(1, count) {
            let result = PolicySetLoader.load(snapshot: snapshot)
            guard let set = result.set else {
                return .failure(PolicyUnusable(directory: directory, errors: result.errors, sources: snapshot.sources))
            }
            sets.append(set)
        }
        return .success(sets)
    }
}

/// Why a command could not start: the policy's errors (rendered like `check`'s, source lines
/// and notes included) and a last line, or why its folder cannot be read at all.
public struct PolicyUnusable: Error, Sendable, CustomStringConvertible, LocalizedError {
    public var diagnostics: [Diagnostic]
    public var sources: SourceFiles
    /// The last line(s): `arbiter: policy 'DIR' has errors; run …`, or the folder's problem.
    public var trailer: String

    /// A policy that loaded with errors.
    public init(directory: String, errors: [Diagnostic], sources: SourceFiles) {
        self.diagnostics = errors
        self.sources = sources
        self.trailer = "arbiter: policy '\(directory)' has errors; run 'arbiter check --rules \(directory)'"
    }

    /// A folder that could not be read as a policy at all.
    public init(_ error: PolicyLoadError) {
        self.diagnostics = []
        self.sources = SourceFiles()
        self.trailer = error.rendered
    }

    /// The text for stderr (without a final line break), coloured or not.
    public func rendered(color: Bool) -> String {
        DiagnosticRenderer(sources: sources, color: color).render(diagnostics) + trailer
    }

    /// The text for stderr, without colour.
    public var message: String { rendered(color: false) }
    public var description: String { message }
    /// What `localizedDescription` says: the diagnostics, not Foundation's generic sentence.
    public var errorDescription: String? { message }
}
