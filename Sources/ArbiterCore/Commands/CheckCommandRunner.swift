/// `arbiter check`: load and type-check a policy, print every diagnostic like a compiler.
public enum CheckCommandRunner {
    public struct Output: Sendable {
        /// One diagnostic per line, then a summary line.
        public var text: String
        public var status: ExitStatus
    }

    public static func run(rulesDirectory: String) -> Output {
        let result: PolicyLoadResult
        do {
            result = try PolicyLoader.load(directory: rulesDirectory)
        } catch {
            return Output(text: "arbiter: \(error.message)\n", status: .unusable)
        }
        var text = ""
        for diagnostic in result.diagnostics { text += diagnostic.description + "\n" }
        let errors = result.errors.count
        let warnings = result.warnings.count
        let counts = "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
        if let policy = result.policy {
            text += "\(rulesDirectory): policy \(policy.name) \(policy.version): \(policy.allRules.count) rules, "
                + "\(policy.parameters.count) parameters, \(policy.codes.count) codes; \(counts)\n"
        } else {
            text += "\(rulesDirectory): \(counts)\n"
        }
        return Output(text: text, status: errors > 0 ? .failure : .success)
    }
}
