#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The buffers one thread needs to answer request lines, kept from one line to the next so
/// that reading a line allocates nothing once they have grown to the workload's size.
///
/// A scratch is used by one thread at a time. Each `Decider` owns one; `current` gives each
/// thread its own for the internal paths that share one `ProtocolHandler` between worker
/// threads (replay, diff), made on first use and freed when the thread ends.
final class RequestScratch {
    /// The line read as tokens.
    let tape = JSONTape()
    /// The canonical JSON of the line, for its input digest.
    let canonical = CanonicalJSONWriter()

    /// The last line `ProtocolHandler` read into `tape` (its bytes' address and length) and the
    /// document it parsed to, with `canonical`'s write count when that line's canonical JSON was
    /// written (its input digest): the decision log records the request's canonical JSON right
    /// after the answer, on the same thread, and need not read the line again.
    struct LastLine {
        var bytes: UnsafeRawBufferPointer
        var document: JSONTape.View
        var canonicalWrite: Int?
    }
    var lastLine: LastLine?

    /// The canonical JSON of `line` if it is the last line read here, without parsing it again.
    func canonicalOfLastLine(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard let last = lastLine, last.bytes.baseAddress == line.baseAddress, last.bytes.count == line.count else { return nil }
        if let written = last.canonicalWrite, written == canonical.writes { return canonical.lastOutput }
        return canonical.write(last.document)
    }

    init() {}

    /// The calling thread's scratch.
    static var current: RequestScratch {
        if let stored = pthread_getspecific(key) {
            return Unmanaged<RequestScratch>.fromOpaque(stored).takeUnretainedValue()
        }
        let scratch = RequestScratch()
        // The thread-specific slot owns one reference, released by the key's destructor.
        pthread_setspecific(key, Unmanaged.passRetained(scratch).toOpaque())
        return scratch
    }

    /// The thread-specific slot holding each thread's scratch.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { stored in
            #if canImport(Darwin)
            Unmanaged<RequestScratch>.fromOpaque(stored).release()
            #else
            if let stored { Unmanaged<RequestScratch>.fromOpaque(stored).release() }
            #endif
        }
        precondition(status == 0, "pthread_key_create failed (\(status))")
        return key
    }()
}
