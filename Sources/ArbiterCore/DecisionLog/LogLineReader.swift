#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file's lines in order, holding one read and the current line in memory (a line
/// longer than a read grows the buffer to that line; it shrinks back afterwards): reading a
/// log of any size takes the memory of its longest line, and no line is kept past
/// `maximumLineBytes`.
///
/// A line that grows past the limit, or that holds a NUL byte before its end is read (no JSON
/// text does; it is what a crash often leaves at the end of a file), is not kept: it is read
/// through to its end and handed over `truncated`, with its length but without its bytes. So a
/// torn tail of gigabytes of zeros costs one read, not its size in memory.
struct LogLineReader {
    /// One line, valid until the next one is read.
    struct Line {
        /// The line without its `\n`; empty when `truncated`.
        var bytes: UnsafeRawBufferPointer
        /// 1-based.
        var number: Int
        /// Where the line starts in the file.
        var offset: Int
        /// False for a last line that ends without `\n`.
        var terminated: Bool
        /// Why the line was not kept, or nil when it was.
        var dropped: Dropped? = nil
        /// The line's length in bytes, without its `\n`.
        var length: Int

        /// True for a line not kept (longer than the limit, or holding a NUL byte).
        var truncated: Bool { dropped != nil }
    }

    /// Why a line was read through without being kept.
    enum Dropped: Equatable {
        /// Longer than the reader's limit, in bytes.
        case longerThan(Int)
        case holdsNUL

        /// What is wrong with such a line, as `log verify` and `replay` report it.
        var problem: String {
            switch self {
            case .longerThan(let limit): return "a line longer than any record (at most \(limit) bytes)"
            case .holdsNUL: return "a line holding a NUL byte, which no record holds (what a crash can leave at the end of a file)"
            }
        }
    }

    /// The longest line kept: more than any record `serve --log` writes (whose `--max-line-bytes`
    /// is limited with `--log` so that its records stay below this; `ServeLoop.maxLoggedLineBytes`).
    static let maximumLineBytes = 256 << 20

    private let descriptor: Int32
    private let chunkSize: Int
    private let maximumLineBytes: Int

    init(descriptor: Int32, chunkSize: Int = 1 << 20, maximumLineBytes: Int = LogLineReader.maximumLineBytes) {
        self.descriptor = descriptor
        self.chunkSize = chunkSize
        self.maximumLineBytes = maximumLineBytes
    }

    /// Calls `body` with every line until the end of the file or until `body` returns false.
    /// Throws the `errno` of a failed read.
    func forEachLine(_ body: (Line) -> Bool) throws(LogFileError) {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var start = 0
        var filled = 0
        var scanned = 0
        var fileOffset = 0  // of buffer[0]
        var number = 0
        // While a line that is not kept is read through: where it started, how much of it was
        // dropped so far, and why.
        var skipping: (offset: Int, dropped: Int, why: Dropped)?
        while true {
            // A complete line in the buffer?
            let newline: Int? = buffer.withUnsafeBytes { raw in
                guard let base = raw.baseAddress, filled > scanned,
                      let found = memchr(base + scanned, Int32(UInt8(ascii: "\n")), filled - scanned) else { return nil }
                return base.distance(to: UnsafeRawPointer(found))
            }
            if let newline {
                number += 1
                let keepGoing = buffer.withUnsafeBytes { raw in
                    // A line found whole in one read may still be over the limit.
                    if skipping != nil || newline - start > maximumLineBytes {
                        return body(Line(bytes: UnsafeRawBufferPointer(start: nil, count: 0), number: number, offset: skipping?.offset ?? fileOffset + start,
                                         terminated: true, dropped: skipping?.why ?? .longerThan(maximumLineBytes),
                                         length: (skipping?.dropped ?? 0) + newline - start))
                    }
                    return body(Line(bytes: UnsafeRawBufferPointer(rebasing: raw[start..<newline]), number: number, offset: fileOffset + start,
                                     terminated: true, length: newline - start))
                }
                skipping = nil
                if !keepGoing { return }
                start = newline + 1
                scanned = start
                continue
            }
            // The line so far is not kept when it is too long or holds a NUL byte: its bytes are
            // dropped as they are read, until its end.
            let holdsNUL = filled > scanned && buffer.withUnsafeBytes { raw in memchr(raw.baseAddress! + scanned, 0, filled - scanned) != nil }
            if skipping != nil || holdsNUL || filled - start > maximumLineBytes {
                let dropped = (skipping?.dropped ?? 0) + filled - start
                skipping = (skipping?.offset ?? fileOffset + start, dropped, skipping?.why ?? (holdsNUL ? .holdsNUL : .longerThan(maximumLineBytes)))
                start = filled
            }
            scanned = filled
            // Make room: drop consumed bytes, shrink after a long line, grow for one.
            if start > 0 {
                let remaining = filled - start
                if buffer.count > chunkSize, remaining < chunkSize {
                    buffer = Array(buffer[start..<filled]) + [UInt8](repeating: 0, count: chunkSize - remaining)
                } else if remaining > 0 {
                    buffer.withUnsafeMutableBytes { raw in
                        guard let base = raw.baseAddress else { return }
                        memmove(base, base + start, remaining)
                    }
                }
                fileOffset += start
                filled = remaining
                scanned = remaining
                start = 0
            }
            // Doubling, but never past the limit and one read: a longer line is dropped above.
            if filled == buffer.count {
                buffer.append(contentsOf: [UInt8](repeating: 0, count: min(buffer.count, maximumLineBytes + chunkSize - buffer.count)))
            }
            let count = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(descriptor, base + filled, raw.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw LogFileError(path: nil, errno: errno)
            }
            if count == 0 {
                if let skipped = skipping {
                    number += 1
                    _ = body(Line(bytes: UnsafeRawBufferPointer(start: nil, count: 0), number: number, offset: skipped.offset,
                                  terminated: false, dropped: skipped.why, length: skipped.dropped + filled - start))
                } else if filled > start {
                    number += 1
                    _ = buffer.withUnsafeBytes { raw in
                        body(Line(bytes: UnsafeRawBufferPointer(rebasing: raw[start..<filled]), number: number, offset: fileOffset + start,
                                  terminated: false, length: filled - start))
                    }
                }
                return
            }
            filled += count
        }
    }
}

/// A file of the log that could not be opened, read or written: the path and the system's reason.
public struct LogFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String?
    public var reason: String

    init(path: String?, errno code: Int32, doing what: String = "cannot read") {
        self.path = path
        self.reason = "\(what): \(SystemErrorReason.text(code))"
    }

    init(path: String?, reason: String) {
        self.path = path
        self.reason = reason
    }

    func at(_ path: String) -> LogFileError { LogFileError(path: self.path ?? path, reason: reason) }

    public var description: String { "\(path ?? "log"): \(reason)" }
}
