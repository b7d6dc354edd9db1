#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a whole buffer to a file descriptor: what `serve`'s answers and the decision log
/// both need, and `write(2)` does not promise in one call.
enum DescriptorWriter {
    /// Writes all of `bytes` to `descriptor`, retrying short and interrupted writes. Returns nil
    /// when everything was written, else the `errno` of the write that failed.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }
}
