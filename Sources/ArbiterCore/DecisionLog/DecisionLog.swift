#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The decision log `serve --log FILE` appends to (SPEC section 10): one hash-chained record
/// per answered line, written (and with `LogSync.batch` or `.every` forced to disk) before the
/// answers are released.
///
/// `open` takes the lock, verifies an existing file and continues its chain (truncating a torn
/// last line), or starts a new file; `append` runs on the serve loop's output thread, seals the
/// records in order (each one's `prev` is the hash before it) and rotates the file when it
/// would grow past `maxBytes`. All the file work happens on that one thread.
public final class DecisionLog: @unchecked Sendable {
    public let path: String
    public let sync: LogSync
    /// Rotate before a record would take the file past this many bytes (nil: never).
    public let maxBytes: Int?
    /// The `seq` of the first record this process writes.
    public let firstSeq: Int
    /// What `open` did that the operator should know (a torn line removed, a new file started).
    public private(set) var notes: [String]
    /// Why appending stopped, once it has (nothing more is written, no answer is released).
    public private(set) var failure: String?

    private let policies: [UInt8]
    private let lockDescriptor: Int32
    private var descriptor: Int32
    private var size: Int
    private var recordsInFile: Int
    private var lastHash: [UInt8]

    private init(path: String, sync: LogSync, maxBytes: Int?, policies: [UInt8], lockDescriptor: Int32, descriptor: Int32,
                 size: Int, recordsInFile: Int, lastHash: [UInt8], firstSeq: Int, notes: [String]) {
        self.path = path
        self.sync = sync
        self.maxBytes = maxBytes
        self.policies = policies
        self.lockDescriptor = lockDescriptor
        self.descriptor = descriptor
        self.size = size
        self.recordsInFile = recordsInFile
        self.lastHash = lastHash
        self.firstSeq = firstSeq
        self.notes = notes
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        close(lockDescriptor)
    }

    /// Why a log could not be opened: `serve` exits 2 with the message.
    public enum OpenError: Error, Equatable, Sendable, CustomStringConvertible {
        /// Another process holds the lock.
        case inUse(path: String, lock: String)
        case file(LogFileError)
        /// The existing log is damaged (not just a torn last line).
        case damaged(LogProblem)

        public var description: String {
            switch self {
            case .inUse(let path, let lock): return "\(path): the log is in use by another process (\(lock) is locked)"
            case .file(let error): return error.description
            case .damaged(let problem): return "\(problem.description) (the log is damaged; `arbiter log verify` shows it; serve will not continue it)"
            }
        }
    }

    /// Opens (or creates) the log at `path` for the policies given (`LogPolicies.json`).
    /// `path` may pass through symbolic links: the log is the file they lead to (`LogFiles.resolved`).
    public static func open(path given: String, policies: [UInt8], sync: LogSync = .batch, maxBytes: Int? = nil) -> Result<DecisionLog, OpenError> {
        let path = LogFiles.resolved(given)
        let lockPath = path + ".lock"
        let lockDescriptor = LogFiles.openFile(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockDescriptor >= 0 else {
            let code = errno
            // The usual cause, said in the operator's terms: serve does not make folders.
            if code == ENOENT {
                // The folder of the file the path leads to (through a link, the link's target's).
                return .failure(.file(LogFileError(path: given, reason: "cannot create the log: its folder \(LogFiles.folder(of: path)) does not exist (serve does not create folders)")))
            }
            return .failure(.file(LogFileError(path: lockPath, errno: code, doing: "cannot open the lock")))
        }
        guard flock(lockDescriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(lockDescriptor)
            if code == EWOULDBLOCK { return .failure(.inUse(path: path, lock: lockPath)) }
            return .failure(.file(LogFileError(path: lockPath, errno: code, doing: "cannot lock")))
        }
        do throws(OpenError) {
            let state = try LogRecovery(path: path, policies: policies, sync: sync).run()
            let descriptor = LogFiles.openFile(path, O_WRONLY | O_APPEND | O_CLOEXEC)
            guard descriptor >= 0 else { throw .file(LogFileError(path: path, errno: errno, doing: "cannot open")) }
            return .success(DecisionLog(path: path, sync: sync, maxBytes: maxBytes, policies: policies, lockDescriptor: lockDescriptor,
                                        descriptor: descriptor, size: state.size, recordsInFile: state.recordsInFile,
                                        lastHash: state.lastHash, firstSeq: state.nextSeq, notes: state.notes))
        } catch {
            close(lockDescriptor)
            return .failure(error)
        }
    }

    /// Seals and writes the records of one batch, in order, then forces them to disk as `sync`
    /// says. False (and `failure` set) if anything could not be written.
    func append(_ chunks: [PendingRecords]) -> Bool {
        guard failure == nil else { return false }
        do throws(LogFileError) {
            for chunk in chunks {
                var unwritten = 0
                for index in chunk.records.indices {
                    let range = chunk.range(of: index)
                    if let maxBytes, recordsInFile > 0, size + range.count > maxBytes {
                        try write(chunk.bytes, unwritten..<range.lowerBound)
                        unwritten = range.lowerBound
                        try rotate()
                    }
                    chunk.seal(index, chain: &lastHash)
                    size += range.count
                    recordsInFile += 1
                    if sync == .every {
                        try write(chunk.bytes, unwritten..<range.upperBound)
                        unwritten = range.upperBound
                        try forceToDisk()
                    }
                }
                try write(chunk.bytes, unwritten..<chunk.bytes.count)
            }
            if sync == .batch { try forceToDisk() }
            return true
        } catch {
            failure = error.description
            return false
        }
    }

    /// Forces what was written to disk (the end of `serve`).
    func flush() {
        guard failure == nil, sync != .none else { return }
        do throws(LogFileError) { try forceToDisk() } catch { failure = error.description }
    }

    private func write(_ bytes: [UInt8], _ range: Range<Int>) throws(LogFileError) {
        guard !range.isEmpty else { return }
        try LogFiles.writeAll(bytes[range], to: descriptor, path: path)
    }

    private func forceToDisk() throws(LogFileError) {
        guard fsync(descriptor) == 0 else { throw LogFileError(path: path, errno: errno, doing: "cannot fsync") }
    }

    /// The full file keeps the next free name (`FILE.1`, `FILE.2`, …) and a new `FILE` starts
    /// with a header whose `prev_file` is the last hash of the full one.
    private func rotate() throws(LogFileError) {
        if sync != .none { try forceToDisk() }
        close(descriptor)
        descriptor = -1
        try LogFiles.rotate(path: path)
        let header = LogHeader(createdAt: LogFormat.now(), policies: policies, prevFile: LogFormat.hashText(hex: lastHash)).line()
        try LogFiles.create(path: path, header: header.bytes, sync: sync != .none)
        descriptor = LogFiles.openFile(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { throw LogFileError(path: path, errno: errno, doing: "cannot open") }
        size = header.bytes.count
        recordsInFile = 0
        lastHash = LogFormat.hexDigits(of: header.hash.auditText)
    }
}
