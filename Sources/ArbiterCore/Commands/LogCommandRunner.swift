import Foundation

/// `arbiter log verify` and `arbiter log head` (SPEC section 10).
public enum LogCommandRunner {
    public struct Output: Sendable {
        /// For stdout: the problems found, or a one-line summary; `head`'s hash.
        public var text: String
        /// For stderr: why the files could not be read.
        public var errors: String
        public var status: ExitStatus
    }

    /// Verifies the files of a log in the order given (oldest rotated file first) and, with an
    /// `anchor`, that the chain holds it. 0 intact; 1 with `FILE:LINE: what is wrong` for the first
    /// problem of each file; 2 for an unusable anchor or a file that cannot be read.
    /// - Parameter withRotated: each path is a log's current file: its rotated files `FILE.1`,
    ///   `FILE.2`, … that exist are verified first, in numeric order (`--rotated`; a shell glob
    ///   would sort `.10` before `.2` and take in `FILE.lock`).
    public static func verify(paths given: [String], anchor: String?, withRotated: Bool = false) -> Output {
        if let anchor, !LogFormat.isHashText(anchor) {
            return Output(text: "", errors: "arbiter: --head must be sha256: and 64 lowercase hex digits, not '\(anchor)'\n", status: .unusable)
        }
        // A current file that is a symbolic link has its rotated files beside the file it leads
        // to, where `serve` put them (`LogFiles.resolved`); any other is named as given.
        let paths = withRotated ? given.flatMap { path -> [String] in
            let isLink = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
            let base = isLink ? LogFiles.resolved(path) : path
            return LogFiles.rotatedNumbers(of: base).map { "\(base).\($0)" } + [path]
        } : given
        let report: LogVerifier.Report
        do {
            report = try LogVerifier.verify(paths: paths, anchor: anchor)
        } catch {
            return Output(text: "", errors: "arbiter: \(error)\n", status: .unusable)
        }
        guard report.intact else {
            // A problem may quote what a damaged line holds: shown safe for a terminal.
            return Output(text: report.problems.map { ShownText.terminal($0.description) + "\n" }.joined(), errors: "", status: .failure)
        }
        let files = paths.count == 1 ? "1 file" : "\(paths.count) files"
        let anchored = anchor == nil ? "" : "; it holds the anchor"
        return Output(text: "\(files), \(report.lineCount) lines: the chain is intact, head \(report.head ?? "none")\(anchored)\n", errors: "", status: .success)
    }

    /// The hash of the last whole line of `path` (checked against that line's content).
    public static func head(path: String) -> Output {
        do {
            switch try LogVerifier.head(path: path) {
            case .success(let last): return Output(text: last.hash + "\n", errors: "", status: .success)
            case .failure(let problem): return Output(text: problem.description + "\n", errors: "", status: .failure)
            }
        } catch {
            return Output(text: "", errors: "arbiter: \(error)\n", status: .unusable)
        }
    }
}
