import Foundation

/// The library side of `arbiter diff`: loads both policies, runs the diff and renders the
/// report; the command maps the result to output and an exit status.
public enum DiffCommandRunner {
    public enum Format: String, CaseIterable, Sendable {
        case text, json, html
        /// The whole state of the report as one line, for `--merge` (DiffReport+Partial.swift).
        case partial
    }

    public struct Output: Sendable {
        /// The report (stdout).
        public var text: String
        /// Why nothing could be reported (stderr), when `status` is `.unusable`.
        public var error: String
        public var status: ExitStatus
    }

    /// How the inputs are named and read when they are pieces of something larger (a Spark
    /// partition): the names the report gives the policies and stdin, the number of stdin's
    /// first line, and the format of every input when the piece cannot tell it by its first line.
    public struct Naming: Sendable {
        public var baseName: String?
        public var candidateName: String?
        public var stdinName = "-"
        public var stdinFirstLine = 1
        public var inputFormat: DiffInputFormat?

        public init(baseName: String? = nil, candidateName: String? = nil, stdinName: String = "-", stdinFirstLine: Int = 1, inputFormat: DiffInputFormat? = nil) {
            self.baseName = baseName
            self.candidateName = candidateName
            self.stdinName = stdinName
            self.stdinFirstLine = stdinFirstLine
            self.inputFormat = inputFormat
        }
    }

    /// Diffs `inputs` between the policy folders `base` and `candidate` (packs or sets), on
    /// `threads` threads; `color` colours the diagnostics of a policy that cannot be used.
    public static func run(base: String, candidate: String, inputs: [String], format: Format, examples: Int, threads: Int,
                           naming: Naming = Naming(), color: Bool = false) -> Output {
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
        var runner = DiffRunner(handlers: handlers, examplesLimit: examples)
        runner.stdinName = naming.stdinName
        runner.stdinFirstLine = naming.stdinFirstLine
        runner.inputFormat = naming.inputFormat
        let report: DiffReport
        switch runner.run(paths: inputs) {
        case .success(let found): report = found
        case .failure(let failure): return Output(text: "", error: "arbiter: " + failure.message, status: .unusable)
        }
        let partial = DiffReport.PartialSubject(
            base: naming.baseName ?? base, candidate: naming.candidateName ?? candidate,
            baseVersions: DiffSubject.versions(of: baseSets[0]), candidateVersions: DiffSubject.versions(of: candidateSets[0]),
            baseDigests: baseSets[0].allVersions.map(\.digest), candidateDigests: candidateSets[0].allVersions.map(\.digest),
            inputs: inputs.map { $0 == "-" ? (naming.stdinName, naming.stdinFirstLine) : ($0, 1) })
        return Output(text: render(report, partial, format: format), error: "", status: report.differing == 0 ? .success : .failure)
    }

    static func render(_ report: DiffReport, _ partial: DiffReport.PartialSubject, format: Format) -> String {
        switch format {
        case .text: return ShownText.terminal(report.text(partial.subject))  // ids come from the inputs
        case .json: return report.json(partial.subject)
        case .html: return report.html(partial.subject)
        case .partial: return report.partialJSON(partial)
        }
    }

    /// `arbiter diff --merge PART…`: the partial reports in `inputs` (files, `-` for stdin; each
    /// holds JSON Lines of partial reports), merged in the order given and written in `format`.
    /// Parts made under other policies (names, versions, digests) or another `--examples` are
    /// refused.
    public static func merge(inputs: [String], format: Format) -> Output {
        var merged: (report: DiffReport, subject: DiffReport.PartialSubject)?
        for input in inputs {
            let data = input == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: input)
            guard let data else { return Output(text: "", error: "arbiter: cannot read '\(input)'", status: .unusable) }
            var number = 0
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                number += 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                let place = "\(input):\(number)"
                do throws(DiffReport.PartialError) {
                    let json: JSONValue
                    do {
                        json = try JSONReader.parse(Array(line))
                    } catch {
                        throw DiffReport.PartialError(message: "\(place): invalid JSON: \(error.message)")
                    }
                    let part = try DiffReport.fromPartial(json, at: place)
                    if var total = merged {
                        guard total.subject.samePolicies(part.subject) else {
                            throw DiffReport.PartialError(message: "\(place): made under other policies than the first part (\(part.subject.base) → \(part.subject.candidate))")
                        }
                        guard total.report.examplesLimit == part.report.examplesLimit else {
                            throw DiffReport.PartialError(message: "\(place): made with --examples \(part.report.examplesLimit), the first part with \(total.report.examplesLimit)")
                        }
                        total.report.merge(part.report)
                        total.subject.append(part.subject)
                        merged = total
                    } else {
                        merged = part
                    }
                } catch {
                    return Output(text: "", error: "arbiter: " + error.message, status: .unusable)
                }
            }
        }
        guard let merged else { return Output(text: "", error: "arbiter: no partial reports to merge", status: .unusable) }
        return Output(text: render(merged.report, merged.subject, format: format), error: "", status: merged.report.differing == 0 ? .success : .failure)
    }
}
