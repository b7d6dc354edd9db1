#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an input of `arbiter diff` holds, told by its first non-blank line (SPEC section 11).
public enum DiffInputFormat: String, Sendable, CaseIterable {
    /// One request per line (garbage lines included: they are answered with errors).
    case requests
    /// `{"request": …, "decision": …}` per line, as a caller recorded them.
    case decisionLog = "decision log"
    /// `serve --log`: a header `{"log":"arbiter-decisions",…}`, then records with `request`.
    case serveLog = "serve log"

    /// The format of an input whose first non-blank line is `line`. A byte order mark, which
    /// some editors put first, does not hide what the file is (`diff` and `replay` agree).
    static func detect(firstLine line: UnsafeRawBufferPointer) -> DiffInputFormat {
        let text = line.starts(with: [0xEF, 0xBB, 0xBF]) ? UnsafeRawBufferPointer(rebasing: line.dropFirst(3)) : line
        guard let value = try? JSONReader.parse(text) else { return .requests }
        if case .string("arbiter-decisions")? = value["log"] { return .serveLog }
        if value["request"] != nil, value["decision"] != nil { return .decisionLog }
        return .requests
    }
}

/// Why an input cannot be read.
public struct DiffInputError: Error, Sendable, Equatable {
    public var message: String
}

/// Reads an input's lines in batches of bounded size: a batch holds whole lines (at most
/// `maxLineBytes` each; a longer one is kept as its length only) and about `batchBytes` of them.
struct DiffLineReader: ~Copyable {
    /// A line of the batch: bytes `start..<end` of `bytes` (without the line break and a final
    /// `\r`), or a line too long to keep.
    enum Line {
        case text(start: Int, end: Int, number: Int)
        case tooLarge(size: Int, number: Int)
    }

    struct Batch {
        var bytes: [UInt8] = []
        var lines: [Line] = []
    }

    let descriptor: Int32
    let ownsDescriptor: Bool
    let maxLineBytes: Int
    let batchBytes: Int
    private var pending: [UInt8] = []
    private var lineNumber = 0
    private var discarding = false
    private var discardedBytes = 0
    private var atEnd = false

    /// Opens `path` (`-`: standard input), numbering its lines from `firstLine`.
    init(path: String, maxLineBytes: Int, batchBytes: Int = 4 << 20, firstLine: Int) throws(DiffInputError) {
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
        } else {
            let opened = open(path, O_RDONLY)
            guard opened >= 0 else { throw DiffInputError(message: "cannot read '\(path)': \(SystemErrorReason.text(errno))") }
            var info = stat()
            if fstat(opened, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                close(opened)
                throw DiffInputError(message: "cannot read '\(path)': it is a folder")
            }
            descriptor = opened
            ownsDescriptor = true
        }
        self.maxLineBytes = maxLineBytes
        self.batchBytes = batchBytes
        self.lineNumber = max(0, firstLine - 1)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The next batch of lines, or nil at the end of the input.
    mutating func next() throws(DiffInputError) -> Batch? {
        var batch = Batch()
        batch.bytes.reserveCapacity(batchBytes + 64 * 1024)
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while batch.bytes.count < batchBytes, batch.lines.count < 65_536 {
            if atEnd { break }
            let count = chunk.withUnsafeMutableBytes { raw in read(descriptor, raw.baseAddress, raw.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw DiffInputError(message: "read failed: \(SystemErrorReason.text(errno))")
            }
            if count == 0 {
                atEnd = true
                // A final line without a line break.
                if discarding {
                    lineNumber += 1
                    batch.lines.append(.tooLarge(size: discardedBytes, number: lineNumber))
                    discarding = false
                } else if !pending.isEmpty {
                    lineNumber += 1
                    append(pending[...], to: &batch)
                    pending.removeAll()
                }
                break
            }
            var rest = chunk[0..<count]
            while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
                lineNumber += 1
                if discarding {
                    batch.lines.append(.tooLarge(size: discardedBytes + (newline - rest.startIndex), number: lineNumber))
                    discarding = false
                    discardedBytes = 0
                } else if pending.isEmpty {
                    append(rest[rest.startIndex..<newline], to: &batch)
                } else {
                    pending += rest[rest.startIndex..<newline]
                    append(pending[...], to: &batch)
                    pending.removeAll(keepingCapacity: true)
                }
                rest = rest[(newline + 1)...]
            }
            if discarding {
                discardedBytes += rest.count
            } else {
                pending += rest
                // One byte more than the limit leaves room for a final "\r".
                if pending.count > maxLineBytes + 1 {
                    discarding = true
                    discardedBytes = pending.count
                    pending = []
                }
            }
        }
        return batch.lines.isEmpty && atEnd ? nil : batch
    }

    private mutating func append(_ line: ArraySlice<UInt8>, to batch: inout Batch) {
        var line = line
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank lines are no requests
        if line.count > maxLineBytes {
            batch.lines.append(.tooLarge(size: line.count, number: lineNumber))
            return
        }
        let start = batch.bytes.count
        batch.bytes += line
        batch.lines.append(.text(start: start, end: batch.bytes.count, number: lineNumber))
    }
}
