/// The library side of `arbiter diff`: loads both policies, runs the diff and renders the
/// report; the command maps the result to output and an exit status.
public enum DiffCommandRunner {
    public enum Format: String, CaseIterable, Sendable {
        case text, json, html
    }

    public struct Output: Sendable {
        /// The report (stdout).
        public var text: String
        /// Why nothing could be reported (stderr), when `status` is `.unusable`.
        public var error: String
        public var status: ExitStatus
    }

    /// Diffs `inputs` between the policy folders `base` and `candidate` (packs or sets), on
    /// `threads` threads; `color` colours the diagnostics of a policy that cannot be used.
    public static func run(base: String, candidate: String, inputs: [String], format: Format, examples: Int, threads: Int,
                           color: Bool = false) -> Output {
        let count = max(1, threads)
        let baseSets: [PolicySet], candidateSets: [PolicySet]
        switch (PolicyLocator.loadUsableSets(at: base, count: count), PolicyLocator.loadUsableSets(at: candidate, count: count)) {
        case (.success(let b), .success(let c)):
            (baseSets, candidateSets) = (b, c)
        case (.failure(let unusable), _), (_, .failure(let unusable)):
            return Output(text: "", error: unusable.rendered(color: color), status: .unusable)
        }
        let handlers = zip(baseSets, candidateSets).map {
            (base: ProtocolHandler(engines: EngineSet($0), audit: .summary), candidate: ProtocolHandler(engines: EngineSet($1), audit: .summary))
        }
        let runner = DiffRunner(handlers: handlers, examplesLimit: examples)
        let report: DiffReport
        switch runner.run(paths: inputs) {
        case .success(let found): report = found
        case .failure(let failure): return Output(text: "", error: "arbiter: " + failure.message, status: .unusable)
        }
        let subject = DiffSubject(base: base, candidate: candidate, baseVersions: DiffSubject.versions(of: baseSets[0]),
                                  candidateVersions: DiffSubject.versions(of: candidateSets[0]), inputs: inputs)
        let text: String
        switch format {
        case .text: text = report.text(subject)
        case .json: text = report.json(subject)
        case .html: text = report.html(subject)
        }
        return Output(text: text, error: "", status: report.differing == 0 ? .success : .failure)
    }
}
