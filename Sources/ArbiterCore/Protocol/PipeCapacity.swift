#if canImport(Glibc)
import Glibc
#endif

/// The kernel's buffer of a pipe `serve` reads requests from or writes answers to.
///
/// A Linux pipe holds 64 KiB by default: a read returns at most that much (a quarter of the
/// loop's 256 KiB batch), and a writer with more to write sleeps each time the reader has not
/// yet drained 64 KiB, so the output thread, the caller reading the answers and the deciding
/// threads take turns on the cores many times per batch. `serve` asks for a larger buffer for
/// a pipe at either end (up to what the system allows an unprivileged process,
/// `/proc/sys/fs/pipe-max-size`, 1 MiB by default); a file, a terminal or a socket is left as
/// it is, and a refusal changes nothing but speed.
enum PipeCapacity {
    /// The buffer asked for: a batch of `--audit summary` answers is about 300 KiB.
    static let requested: Int32 = 1 << 20

    /// `fcntl` commands of Linux's `<fcntl.h>` that Glibc declares only under `_GNU_SOURCE`
    /// (`F_LINUX_SPECIFIC_BASE` 1024 plus 7 and 8).
    private static let setPipeSize: Int32 = 1031
    private static let getPipeSize: Int32 = 1032

    /// Asks for `requested` bytes of buffer when `descriptor` is a pipe; returns the pipe's
    /// buffer size afterwards, or nil for anything that is not a pipe (or on other systems).
    @discardableResult
    static func enlarge(_ descriptor: Int32) -> Int? {
        #if os(Linux)
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFIFO else { return nil }
        let size = fcntl(descriptor, getPipeSize)
        if size >= 0, size < requested { _ = fcntl(descriptor, setPipeSize, requested) }
        let now = fcntl(descriptor, getPipeSize)
        return now >= 0 ? Int(now) : nil
        #else
        return nil
        #endif
    }
}
