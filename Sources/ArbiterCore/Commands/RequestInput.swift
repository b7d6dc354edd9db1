#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// Reads the request `arbiter decide` is given: a file, `-` for standard input, or anything
/// else that can be opened and read to its end — a pipe from `<(…)` (`/dev/fd/63`), a FIFO, a
/// character device. It is read as a stream (never stat'ed for its size or mapped), so what
/// has no size is read too.
public enum RequestInput {
    /// The largest request `decide` reads: `serve`'s largest `--max-line-bytes` (1 GiB).
    public static let maxBytes = 1 << 30

    /// Why the request could not be read, with the operating system's reason.
    public struct ReadError: Error, Equatable, Sendable {
        /// What was read: `'PATH'` or `standard input`.
        public var source: String
        /// The reason: `strerror` in lower case ("no such file or directory"), or the size limit.
        public var why: String

        /// The line for stderr: `arbiter: cannot read 'PATH': why`.
        public var message: String { "arbiter: cannot read \(source): \(why)" }
    }

    /// The bytes of `path` (`-`: standard input), at most `limit` of them.
    public static func read(_ path: String, limit: Int = maxBytes) -> Result<[UInt8], ReadError> {
        if path == "-" { return readAll(descriptor: 0, source: "standard input", limit: limit) }
        let source = "'\(path)'"
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(ReadError(source: source, why: SystemErrorReason.text(errno))) }
        defer { close(descriptor) }
        return readAll(descriptor: descriptor, source: source, limit: limit)
    }

    private static func readAll(descriptor: Int32, source: String, limit: Int) -> Result<[UInt8], ReadError> {
        #if canImport(Glibc)
        let readBytes = Glibc.read
        #elseif canImport(Musl)
        let readBytes = Musl.read
        #else
        let readBytes = Darwin.read
        #endif
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { readBytes(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadError(source: source, why: SystemErrorReason.text(errno)))
            }
            if count == 0 { return .success(bytes) }
            guard bytes.count + count <= limit else {
                return .failure(ReadError(source: source, why: "a request is at most \(limit) bytes"))
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
