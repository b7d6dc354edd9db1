#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `serve --log FILE` does with what it finds at start (SPEC section 10): an existing file
/// is verified and continued (a torn last line is truncated away and reported; any other damage
/// stops `serve`); a file whose header names other policies or another engine is rotated away
/// and a new one started; a missing or empty file gets a header whose `prev_file` is the last
/// hash of the newest rotated file, if there is one.
struct LogRecovery {
    /// Where the chain stands once the file is ready for appending.
    struct State {
        var size: Int
        var recordsInFile: Int
        /// 64 hex digits.
        var lastHash: [UInt8]
        var nextSeq: Int
        var notes: [String]
    }

    let path: String
    let policies: [UInt8]
    let sync: LogSync

    func run() throws(DecisionLog.OpenError) -> State {
        var notes: [String] = []
        var status = stat()
        if stat(path, &status) == 0, status.st_size > 0 {
            let scan: LogFileScan
            do { scan = try LogFileScan.scan(path: path, after: nil, toleratingTornTail: true) } catch { throw .file(error) }
            if let problem = scan.problem { throw .damaged(problem) }
            if let torn = scan.tornLine {
                do { try LogFiles.truncate(path: path, to: scan.wholeBytes) } catch { throw .file(error) }
                notes.append("\(path):\(torn): torn last line (\(Int(status.st_size) - scan.wholeBytes) bytes, a crash mid-write) truncated; "
                    + (scan.lineCount > 0 ? "the chain continues from line \(scan.lineCount)" : "the file starts again"))
            }
            if let header = scan.header, let last = scan.lastHash {
                var nextSeq = scan.nextSeq
                if nextSeq == nil {
                    // A header and no record yet: the seq goes on from the file before.
                    let before = try precedingChain()
                    guard before.hash == header.prevFile, let seq = before.nextSeq else {
                        throw .damaged(LogProblem(file: path, line: 1, message: "prev_file is \(header.prevFile ?? "null") but the newest rotated file "
                            + (before.hash.map { "ends with \($0)" } ?? "is missing") + ": the next seq is unknown"))
                    }
                    nextSeq = seq
                }
                let sameEngine = header.engine == EngineVersion.description
                let samePolicies = (try? JSONReader.parse(policies)) == header.policies
                if sameEngine, samePolicies, let nextSeq {
                    return State(size: scan.wholeBytes, recordsInFile: scan.lineCount - 1, lastHash: LogFormat.hexDigits(of: last), nextSeq: nextSeq, notes: notes)
                }
                let kept: String
                do { kept = try LogFiles.rotate(path: path) } catch { throw .file(error) }
                notes.append("\(path): its header names \(sameEngine ? "other policies" : "another engine (\(header.engine))"); kept as \(kept), a new file starts")
                return try start(prevFile: last, nextSeq: nextSeq ?? 1, notes: notes)
            }
        }
        let before = try precedingChain()
        guard let nextSeq = before.nextSeq else {
            throw .damaged(LogProblem(file: path, line: 1, message: "the rotated files before it hold no record: the next seq is unknown"))
        }
        return try start(prevFile: before.hash, nextSeq: nextSeq, notes: notes)
    }

    /// A new file holding only its header.
    private func start(prevFile: String?, nextSeq: Int, notes: [String]) throws(DecisionLog.OpenError) -> State {
        let header = LogHeader(createdAt: LogFormat.now(), policies: policies, prevFile: prevFile).line()
        do { try LogFiles.create(path: path, header: header.bytes, sync: sync != .none) } catch { throw .file(error) }
        return State(size: header.bytes.count, recordsInFile: 0, lastHash: LogFormat.hexDigits(of: header.hash.auditText), nextSeq: nextSeq, notes: notes)
    }

    /// The last hash of the newest rotated file and the seq that follows the newest record in
    /// the rotated files (1 when there are none).
    private func precedingChain() throws(DecisionLog.OpenError) -> (hash: String?, nextSeq: Int?) {
        var hash: String?
        for number in LogFiles.rotatedNumbers(of: path).reversed() {
            let tail: Result<(line: LogLine, number: Int), LogProblem>
            do { tail = try LogTail.lastLine(path: "\(path).\(number)") } catch { throw .file(error) }
            switch tail {
            case .failure(let problem):
                throw .damaged(problem)
            case .success(let last):
                if hash == nil { hash = last.line.hash }
                switch last.line.kind {
                case .record(let seq, _): return (hash, seq + 1)
                case .header(let prevFile, _, _): if prevFile == nil { return (hash, 1) }
                }
            }
        }
        return (hash, hash == nil ? 1 : nil)
    }
}
