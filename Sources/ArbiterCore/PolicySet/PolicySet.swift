/// The policies a `--rules` folder holds (SPEC section 9): packs by name, each with its
/// versions in order of `effective_from`, and the pack a request without `"policy"` gets.
public struct PolicySet: Sendable {
    /// One pack: every version of it, ordered by `effective_from` (in a set ranges never overlap).
    public struct Pack: Sendable {
        public var name: String
        public var selectedBy: SelectingTimestamp
        public var versions: [Policy]

        /// The version with the latest `effective_from`: `ping`'s `policy` for the default pack,
        /// and the version whose decoder reports a request's format errors when no version is
        /// in force for it.
        public var current: Policy { versions[versions.count - 1] }
    }

    /// Packs by name.
    public var packs: [Pack]
    /// Index in `packs` of the set's default pack.
    public var defaultPack: Int
    /// A lone pack folder: one pack, one version, deciding every request (its effective range
    /// is not enforced; a request's `policy` must be absent, null or its name).
    public var isLone: Bool

    /// A lone pack (`--rules Rules/cn`, and every test that loads one pack).
    public init(lone policy: Policy) {
        packs = [Pack(name: policy.name, selectedBy: policy.selectedBy, versions: [policy])]
        defaultPack = 0
        isLone = true
    }

    init(packs: [Pack], defaultPack: Int) {
        self.packs = packs
        self.defaultPack = defaultPack
        isLone = false
    }

    /// Every version of every pack, sorted by name then `effective_from` (`ping`'s `policies`).
    public var allVersions: [Policy] { packs.flatMap(\.versions) }

    /// The index of the pack named `name`.
    public func packIndex(named name: String) -> Int? { packs.firstIndex { $0.name == name } }
}

/// The result of loading a `--rules` folder: the set when nothing has errors, each version's
/// own diagnostics (as `check` prints them) and the set's (overlaps, gaps, the default).
public struct PolicySetLoadResult: Sendable {
    public var set: PolicySet?
    /// Each pack version's folder and its load result, in order of path.
    public var versions: [(directory: String, result: PolicyLoadResult)]
    /// Diagnostics about the set as a whole (and folders that could not be read).
    public var setDiagnostics: [Diagnostic]

    /// Every diagnostic: each version's, then the set's.
    public var diagnostics: [Diagnostic] { versions.flatMap(\.result.diagnostics) + setDiagnostics }
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}
