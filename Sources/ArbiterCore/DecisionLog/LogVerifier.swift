/// `arbiter log verify`: checks the files of a log, in the order given (rotated files oldest
/// first, the current file last), and optionally that the chain holds an anchor hash.
public enum LogVerifier {
    /// What verification found.
    public struct Report: Sendable {
        /// The first problem of each file that has one, then a missing anchor.
        public var problems: [LogProblem]
        /// Whole lines read (headers and records).
        public var lineCount: Int
        /// The hash of the last line of the last file.
        public var head: String?
        public var intact: Bool { problems.isEmpty }
    }

    /// Verifies `paths` in order. Throws for a file that cannot be opened or read.
    public static func verify(paths: [String], anchor: String? = nil) throws(LogFileError) -> Report {
        let parser = LogLineParser()
        var problems: [LogProblem] = []
        var previous: LogFileScan?
        var lineCount = 0
        var anchorFound = false
        for path in paths {
            let scan = try LogFileScan.scan(path: path, after: previous, anchor: anchor, parser: parser)
            if let problem = scan.problem { problems.append(problem) }
            lineCount += scan.lineCount
            anchorFound = anchorFound || scan.anchorFound
            previous = scan
        }
        if let anchor, !anchorFound, let last = previous {
            problems.append(LogProblem(file: last.path, line: max(last.lineCount, 1),
                                       message: "the anchor \(anchor) is not in the chain: lines up to it were cut or altered"))
        }
        return Report(problems: problems, lineCount: lineCount, head: previous?.lastHash)
    }

    /// `arbiter log head`: the hash of the last whole line of `path`, checked against the
    /// line's content. A torn last line (a write in progress) is skipped.
    public static func head(path: String) throws(LogFileError) -> Result<(hash: String, line: Int), LogProblem> {
        try LogTail.lastLine(path: path).map { ($0.line.hash, $0.number) }
    }
}
