/// `arbiter check`: load and type-check a policy — a pack folder, or a set folder with every
/// version of every pack and the checks between them (SPEC section 9) — and print every
/// diagnostic like a compiler.
public enum CheckCommandRunner {
    public struct Output: Sendable {
        /// One diagnostic per line, then a summary line (one per version, then the set's, for a set).
        public var text: String
        public var status: ExitStatus
        /// For stderr: why there is no policy to report on, with `--format json` (whose `text`
        /// is then still one JSON object, for the CI system reading stdout).
        public var errors: String = ""
    }

    /// How `check` prints: for a person (`path:line:col: error: message`) or for a CI system.
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    /// Checks the folder; `color` adds ANSI colours to the text format (the caller decides,
    /// from `--color`, `NO_COLOR` and whether its output is a terminal).
    public static func run(rulesDirectory: String, format: Format, color: Bool = false) -> Output {
        guard format == .json else { return run(rulesDirectory: rulesDirectory, color: color) }
        let snapshot: PolicySetSnapshot
        do {
            snapshot = try PolicySetSnapshot.read(directory: rulesDirectory)
        } catch {
            // Not a policy: one diagnostic about the folder itself (line and column 0).
            let diagnostic = Diagnostic.error(at: SourceLocation(file: error.path), code: error.code, error.message, notes: error.notes)
            return Output(text: json([diagnostic]), status: .unusable, errors: error.rendered + "\n")
        }
        let result = PolicySetLoader.load(snapshot: snapshot)
        return Output(text: json(result.diagnostics), status: result.errors.isEmpty ? .success : .failure)
    }

    /// `{"diagnostics":[{"file","line","column","end_line","end_column","severity","code","message","notes"}…],"errors":N,"warnings":N}`
    /// (README, "For policy authors"): one object per diagnostic, in the order of the text output; `line`
    /// and `column` are 1-based, or 0 for a problem with a whole file; `end_line`/`end_column` are
    /// just after the span (equal to `line`/`column` when its length is not known); `notes` are
    /// the `note:` lines, possibly none.
    static func json(_ diagnostics: [Diagnostic]) -> String {
        var writer = JSONWriter(pretty: false)
        writer.beginObject()
        writer.key("diagnostics"); writer.beginArray()
        for diagnostic in diagnostics {
            writer.beginObject()
            writer.key("file"); writer.string(diagnostic.location.file)
            writer.key("line"); writer.int(diagnostic.location.line)
            writer.key("column"); writer.int(diagnostic.location.column)
            writer.key("end_line"); writer.int(diagnostic.span.end.line)
            writer.key("end_column"); writer.int(diagnostic.span.end.column)
            writer.key("severity"); writer.string(diagnostic.severity.rawValue)
            writer.key("code"); writer.string(diagnostic.code)
            writer.key("message"); writer.string(diagnostic.message)
            writer.key("notes"); writer.beginArray()
            for note in diagnostic.notes { writer.string(note) }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.key("errors"); writer.int(diagnostics.filter { $0.severity == .error }.count)
        writer.key("warnings"); writer.int(diagnostics.filter { $0.severity == .warning }.count)
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self) + "\n"
    }

    public static func run(rulesDirectory: String, color: Bool = false) -> Output {
        let snapshot: PolicySetSnapshot
        do {
            snapshot = try PolicySetSnapshot.read(directory: rulesDirectory)
        } catch {
            return Output(text: error.rendered + "\n", status: .unusable)
        }
        let result = PolicySetLoader.load(snapshot: snapshot)
        var text = DiagnosticRenderer(sources: snapshot.sources, color: color).render(result.diagnostics)
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
