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
        writeAll([bytes], to: descriptor)
    }

    /// Writes all of `buffers`, in order, as `writeAll` does one buffer, but with one
    /// `writev(2)` for up to 512 buffers at a time: `serve` answers a read in a few dozen
    /// buffers (one per chunk of lines a thread took), and a system call per buffer cost the
    /// output thread more than the writing.
    static func writeAll(_ buffers: [UnsafeRawBufferPointer], to descriptor: Int32) -> Int32? {
        writeAll(buffers) { writev(descriptor, $0, $1) }
    }

    /// `writeAll(_:to:)` through `writeVectors` (`writev` for a descriptor; a test passes one
    /// that takes only part of what it is given, as a socket or a signal can make it).
    static func writeAll(_ buffers: [UnsafeRawBufferPointer], writeVectors: (UnsafePointer<iovec>, Int32) -> Int) -> Int32? {
        var vectors = buffers.compactMap { buffer -> iovec? in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return nil }
            return iovec(iov_base: UnsafeMutableRawPointer(mutating: base), iov_len: buffer.count)
        }
        var first = 0
        while first < vectors.count {
            let count = min(vectors.count - first, 512)
            let written = vectors.withUnsafeBufferPointer { writeVectors($0.baseAddress! + first, Int32(count)) }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            // Past the buffers written whole; the one written in part goes on from where it stopped.
            var left = written
            while left > 0, first < vectors.count {
                if left >= vectors[first].iov_len {
                    left -= vectors[first].iov_len
                    first += 1
                } else {
                    vectors[first].iov_base += left
                    vectors[first].iov_len -= left
                    left = 0
                }
            }
        }
        return nil
    }
}
