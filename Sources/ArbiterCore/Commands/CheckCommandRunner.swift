/// `arbiter check`: load and type-check a policy — a pack folder, or a set folder with every
/// version of every pack and the checks between them (SPEC section 9) — and print every
/// diagnostic like a compiler.
public enum CheckCommandRunner {
    public struct Output: Sendable {
        /// One diagnostic per line, then a summary line (one per version, then the set's, for a set).
        public var text: String
        public var status: ExitStatus
    }

    public static func run(rulesDirectory: String) -> Output {
        let snapshot: PolicySetSnapshot
        do {
            snapshot = try PolicySetSnapshot.read(directory: rulesDirectory)
        } catch {
            return Output(text: "arbiter: \(error.message)\n", status: .unusable)
        }
        let result = PolicySetLoader.load(snapshot: snapshot)
        var text = ""
        for diagnostic in result.diagnostics { text += diagnostic.description + "\n" }
        let errors = result.errors.count
        let warnings = result.warnings.count
        let counts = "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
        func summary(_ policy: Policy) -> String {
            "policy \(policy.name) \(policy.version): \(policy.allRules.count) rules, \(policy.parameters.count) parameters, \(policy.codes.count) codes"
        }
        if case .lone = snapshot {
            if let policy = result.versions.first?.result.policy {
                text += "\(rulesDirectory): \(summary(policy)); \(counts)\n"
            } else {
                text += "\(rulesDirectory): \(counts)\n"
            }
        } else {
            for version in result.versions {
                guard let policy = version.result.policy else { continue }
                text += "\(version.directory): \(summary(policy)), in force \(PolicySetLoader.describe(policy))\n"
            }
            if let set = result.set {
                let packs = set.packs.map { "\($0.name) (\($0.versions.count) version\($0.versions.count == 1 ? "" : "s"))" }
                text += "\(rulesDirectory): policy set of \(packs.joined(separator: ", ")), default \(set.packs[set.defaultPack].name); \(counts)\n"
            } else {
                text += "\(rulesDirectory): policy set; \(counts)\n"
            }
        }
        return Output(text: text, status: errors > 0 ? .failure : .success)
    }
}
