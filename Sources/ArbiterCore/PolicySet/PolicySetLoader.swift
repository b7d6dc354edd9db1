/// Compiles a `PolicySetSnapshot` (SPEC section 9): every pack version as `PolicyLoader` does,
/// then the checks that concern the set — `set.yaml` names an existing default pack, every
/// version of a set declares `effective_from`, no two folders share a name and version, one
/// pack's versions share `selected_by` and do not overlap (errors naming both files), and gaps
/// between them (warnings).
public enum PolicySetLoader {
    /// Loads the folder at `directory` (a pack or a set), reading its files once.
    public static func load(directory: String) throws(PolicyLoadError) -> PolicySetLoadResult {
        load(snapshot: try PolicySetSnapshot.read(directory: directory))
    }

    /// Compiles a snapshot. Compiling the same snapshot again gives an equal set sharing no
    /// objects with the first (one per `serve` thread).
    public static func load(snapshot: PolicySetSnapshot) -> PolicySetLoadResult {
        switch snapshot {
        case .lone(let pack):
            let result = PolicyLoader.load(snapshot: pack)
            return PolicySetLoadResult(set: result.policy.map { PolicySet(lone: $0) }, versions: [(pack.directory, result)], setDiagnostics: [])
        case .set(_, let setFile, let snapshots, let readDiagnostics):
            var versions: [(directory: String, result: PolicyLoadResult)] = []
            for version in snapshots { versions.append((version.directory, PolicyLoader.load(snapshot: version))) }
            var reader = NodeReader()
            reader.diagnostics = readDiagnostics
            let defaultName = readSetFile(setFile, reader: &reader)
            let policies = versions.compactMap(\.result.policy)
            let packs = checkVersions(policies, reader: &reader)
            var defaultIndex: Int?
            if let (name, location) = defaultName {
                defaultIndex = packs.firstIndex { $0.name == name }
                // Only when every version loaded: a pack whose folder has errors may be the one named.
                if defaultIndex == nil, policies.count == versions.count {
                    let known = packs.map(\.name)
                    var message = "default pack '\(name)' is not in the set"
                    if let suggestion = Suggestion.closest(to: name, in: known) { message += " (did you mean '\(suggestion)'?)" }
                    message += known.isEmpty ? "; the set holds no pack version" : "; its packs: " + known.joined(separator: ", ")
                    reader.error(location, "unknown_default_pack", message)
                }
            }
            let hasErrors = versions.contains { $0.result.policy == nil } || reader.diagnostics.contains { $0.severity == .error }
            var set: PolicySet?
            if !hasErrors, let defaultIndex { set = PolicySet(packs: packs, defaultPack: defaultIndex) }
            return PolicySetLoadResult(set: set, versions: versions, setDiagnostics: reader.diagnostics)
        }
    }

    /// `set.yaml`: `default: NAME` (and nothing else). The default's name and where it is written.
    private static func readSetFile(_ file: PolicySourceFile, reader: inout NodeReader) -> (String, SourceSpan)? {
        let start = SourceLocation(file: file.displayPath, line: 1, column: 1)
        guard let text = String(validating: file.bytes, as: UTF8.self) else {
            reader.error(start, "file_unreadable", "file is not valid UTF-8")
            return nil
        }
        let root: YAMLNode?
        do {
            root = try YAMLLoader.load(text: text, file: file.displayPath)
        } catch {
            reader.diagnostics.append(error.diagnostic)
            return nil
        }
        guard let root else {
            reader.error(start, "missing_default", "set.yaml is empty: it names the set's default pack, e.g. 'default: cn'")
            return nil
        }
        guard let mapping = reader.mapping(root, "set.yaml", allowed: ["default"]) else { return nil }
        guard let node = reader.required(mapping, "default", "set.yaml (e.g. 'default: cn')"),
              let name = reader.text(node, "default") else { return nil }
        return (name, node.span)
    }

    /// Groups the versions into packs by name (sorted by name, versions by `effective_from`) and
    /// reports what SPEC section 9 forbids between them.
    private static func checkVersions(_ policies: [Policy], reader: inout NodeReader) -> [PolicySet.Pack] {
        var byName: [String: [Policy]] = [:]
        for policy in policies {
            guard policy.effectiveFrom != nil else {
                reader.error(policy.headerLocation, "missing_effective_from",
                             "pack \(policy.name) \(policy.version) is part of a set: declare when it is in force with 'effective_from' (e.g. \"2026-06-01T00:00:00+08:00\")")
                continue
            }
            byName[policy.name, default: []].append(policy)
        }
        var packs: [PolicySet.Pack] = []
        for name in byName.keys.sorted() {
            let versions = (byName[name] ?? []).sorted { lhs, rhs in
                guard let left = lhs.effectiveFrom, let right = rhs.effectiveFrom, left != right else {
                    return lhs.headerLocation.file < rhs.headerLocation.file
                }
                return left < right
            }
            // Same name and version twice: every audit trail would name two policies alike.
            for (index, policy) in versions.enumerated() {
                if let first = versions[..<index].first(where: { $0.version == policy.version }) {
                    reader.error(policy.headerLocation, "duplicate_version",
                                 "pack \(name) version \(policy.version) is also declared at \(first.headerLocation); each version of a pack needs its own version")
                }
            }
            // One selecting timestamp per pack, or which version is in force would depend on the request.
            let first = versions[0]
            for policy in versions.dropFirst() where policy.selectedBy != first.selectedBy {
                reader.error(policy.selectedByLocation ?? policy.headerLocation, "mixed_selected_by",
                             "pack \(name) \(policy.version) is selected by \(policy.selectedBy.rawValue) but \(name) \(first.version) (\(first.selectedByLocation ?? first.headerLocation)) by \(first.selectedBy.rawValue); all versions of a pack use the same selected_by")
            }
            // Overlaps (errors, against every earlier version) and gaps (warnings, between neighbours).
            for (index, policy) in versions.enumerated() {
                guard let from = policy.effectiveFrom, let location = policy.effectiveFromLocation else { continue }
                for earlier in versions[..<index] {
                    guard let earlierFrom = earlier.effectiveFrom else { continue }
                    let endsBefore = earlier.effectiveUntil.map { $0 <= from } ?? false
                    let startsAfter = policy.effectiveUntil.map { $0 <= earlierFrom } ?? false
                    if !endsBefore && !startsAfter {
                        reader.error(location, "overlapping_versions",
                                     "pack \(name) \(policy.version) (\(describe(policy))) overlaps \(name) \(earlier.version) at \(earlier.effectiveFromLocation ?? earlier.headerLocation) (\(describe(earlier))); a request would have two versions in force")
                    }
                }
                if index > 0, let previousUntil = versions[index - 1].effectiveUntil, previousUntil < from {
                    let previous = versions[index - 1]
                    reader.warning(location, "gap_between_versions",
                                   "no version of pack \(name) is in force from \(previousUntil.rfc3339) until \(from.rfc3339): \(name) \(previous.version) at \(previous.effectiveUntilLocation ?? previous.headerLocation) ends before \(name) \(policy.version) begins; requests selected in between are invalid_request")
                }
            }
            packs.append(PolicySet.Pack(name: name, selectedBy: first.selectedBy, versions: versions))
        }
        return packs
    }

    /// `from 2026-01-01T00:00:00+08:00 until 2026-06-01T00:00:00+08:00` (or `on` when open-ended).
    static func describe(_ policy: Policy) -> String {
        let from = policy.effectiveFrom?.rfc3339 ?? "the beginning"
        guard let until = policy.effectiveUntil else { return "from \(from) on" }
        return "from \(from) until \(until.rfc3339)"
    }
}
