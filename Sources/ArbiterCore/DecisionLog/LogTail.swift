#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The last whole line of a log file: `log head`'s answer, and where a restarted `serve`
/// picks the chain up after a rotation.
enum LogTail {
    /// The last line ending in `\n`, read and checked on its own (its hash recomputed), with
    /// its line number. The file is read through once, a read at a time.
    static func lastLine(path: String) throws(LogFileError) -> Result<(line: LogLine, number: Int), LogProblem> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw LogFileError(path: path, errno: errno, doing: "cannot open") }
        defer { close(descriptor) }
        var last: (offset: Int, count: Int, number: Int)?
        var lastNotKept: LogLineReader.Line?
        var torn = false
        do {
            try LogLineReader(descriptor: descriptor).forEachLine { line in
                if line.terminated {
                    last = (line.offset, line.length, line.number)
                    lastNotKept = line.truncated ? line : nil
                } else {
                    torn = true
                }
                return true
            }
        } catch {
            throw error.at(path)
        }
        guard let last else {
            // A file that ends inside its first line is not empty: its header was cut off.
            let message = torn ? "torn header: the file ends inside its first line (no line break: a crash mid-write?)" : "empty file: no header"
            return .failure(LogProblem(file: path, line: 1, message: message))
        }
        if let line = lastNotKept, let dropped = line.dropped {
            return .failure(LogProblem(file: path, line: line.number, message: "\(dropped.problem): \(line.length) bytes"))
        }
        var bytes = [UInt8](repeating: 0, count: last.count)
        var done = 0
        while done < last.count {
            let count = bytes.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, last.count - done, off_t(last.offset + done))
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw LogFileError(path: path, errno: count < 0 ? errno : EIO) }
            done += count
        }
        let parsed = bytes.withUnsafeBytes { LogLineParser().parse($0) }
        switch parsed {
        case .failure(let problem):
            return .failure(LogProblem(file: path, line: last.number, message: problem.message))
        case .success(let line):
            guard line.hash == line.computedHash else {
                return .failure(LogProblem(file: path, line: last.number, message: "hash mismatch: the line hashes to \(line.computedHash) but its hash is \(line.hash)"))
            }
            guard line.isCanonical else { return .failure(LogProblem(file: path, line: last.number, message: LogFileScan.notCanonical)) }
            return .success((line, last.number))
        }
    }
}
