#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file of a log read from start to end, line by line: each line checked on its own
/// (`LogLineParser`) and against the one before (`seq` one more, `prev` its hash), the header
/// against the file before it (`prev_file` its last hash, `seq` continuing). Keeps the first
/// problem and what the next file must continue; memory is one line.
struct LogFileScan {
    var path: String
    /// Whole lines (ending in `\n`).
    var lineCount = 0
    /// Where the whole lines end (a torn tail starts here).
    var wholeBytes = 0
    /// The header's fields, when line 1 is a header.
    var header: (prevFile: String?, engine: String, policies: JSONValue)?
    /// The `hash` of the last whole line that could be read (after a problem, as written).
    var lastHash: String?
    /// The `seq` of the last record that could be read.
    var lastSeq: Int?
    /// The `seq` the next record must have, when known (unknown at the start of a file whose
    /// `prev_file` names a file not read).
    var nextSeq: Int?
    /// The first problem, if any.
    var problem: LogProblem?
    /// A last line without `\n` (only kept here when the scan tolerates it).
    var tornLine: Int?
    /// Whether the anchor was the hash of a line checked before any problem.
    var anchorFound = false

    init(path: String) { self.path = path }

    /// Scans the file at `path`, continuing `previous` (the file before it, in order) when given.
    /// A torn last line is a problem unless `toleratingTornTail` (serve's restart truncates it).
    static func scan(path: String, after previous: LogFileScan?, anchor: String? = nil, toleratingTornTail: Bool = false,
                     parser: LogLineParser = LogLineParser()) throws(LogFileError) -> LogFileScan {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw LogFileError(path: path, errno: errno, doing: "cannot open") }
        defer { close(descriptor) }
        var scan = LogFileScan(path: path)
        do {
            try LogLineReader(descriptor: descriptor).forEachLine { line in
                scan.read(line, previous: previous, anchor: anchor, toleratingTornTail: toleratingTornTail, parser: parser)
                return true
            }
        } catch {
            throw error.at(path)
        }
        if scan.lineCount == 0, scan.tornLine == nil, scan.problem == nil {
            scan.problem = LogProblem(file: path, line: 1, message: "empty file: no header")
        }
        return scan
    }

    /// A line whose hash matches but that holds bytes the hash does not cover.
    static let notCanonical = "not in canonical form: the line holds text its hash does not cover (whitespace, a repeated key, members out of order); serve writes every line as its canonical JSON"

    private mutating func fail(_ line: Int, _ message: String) {
        if problem == nil { problem = LogProblem(file: path, line: line, message: message) }
    }

    private mutating func read(_ line: LogLineReader.Line, previous: LogFileScan?, anchor: String?, toleratingTornTail: Bool, parser: LogLineParser) {
        guard line.terminated else {
            if toleratingTornTail {
                tornLine = line.number
            } else {
                fail(line.number, "torn line: the file ends inside a line (no line break: a crash mid-write?)")
            }
            return
        }
        lineCount = line.number
        wholeBytes = line.offset + line.length + 1
        let previousHash = lastHash
        if let dropped = line.dropped {
            lastHash = nil
            fail(line.number, "\(dropped.problem): \(line.length) bytes")
            return
        }
        let parsed: LogLine
        switch parser.parse(line.bytes) {
        case .failure(let why):
            lastHash = nil
            fail(line.number, line.number == 1 ? "bad header: \(why.message)" : why.message)
            return
        case .success(let read):
            parsed = read
        }
        lastHash = parsed.hash
        if case .record(let seq, _) = parsed.kind { lastSeq = seq }
        guard problem == nil else { return }
        switch parsed.kind {
        case .header(let prevFile, let engine, let policies):
            guard line.number == 1 else {
                fail(line.number, "a header after line 1")
                return
            }
            header = (prevFile, engine, policies)
            if parsed.hash != parsed.computedHash {
                fail(1, "bad header: hash mismatch: the header hashes to \(parsed.computedHash) but its hash is \(parsed.hash)")
                return
            }
            if !parsed.isCanonical {
                fail(1, "bad header: \(Self.notCanonical)")
                return
            }
            if let previous {
                if let before = previous.lastHash, prevFile != before {
                    // Also what a file before whose last records were cut looks like from here.
                    fail(1, "rotated files out of order, missing, or the end of \(previous.path) cut: prev_file is \(prevFile ?? "null") but \(previous.path) ends with \(before)")
                    return
                }
                // From the last record as written, not the seq expected where the file before
                // went wrong: each file reports its own first problem (interpretation 53).
                nextSeq = previous.lastSeq.map { $0 + 1 } ?? previous.nextSeq
            } else {
                nextSeq = prevFile == nil ? 1 : nil
            }
        case .record(let seq, let prev):
            guard line.number > 1 else {
                fail(1, "bad header: the first line is a record")
                return
            }
            if parsed.hash != parsed.computedHash {
                fail(line.number, "hash mismatch: the record hashes to \(parsed.computedHash) but its hash is \(parsed.hash)")
                return
            }
            if !parsed.isCanonical {
                fail(line.number, Self.notCanonical)
                return
            }
            if let expected = nextSeq, seq != expected {
                fail(line.number, seq > expected
                    ? "seq gap: seq \(seq) where \(expected) was expected (records missing)"
                    : "seq \(seq) where \(expected) was expected (a record repeated or moved)")
                return
            }
            if prev != previousHash {
                fail(line.number, "broken chain: prev is \(prev) but line \(line.number - 1) has hash \(previousHash ?? "(none)")")
                return
            }
            nextSeq = seq + 1
        }
        if parsed.hash == anchor { anchorFound = true }
    }
}
