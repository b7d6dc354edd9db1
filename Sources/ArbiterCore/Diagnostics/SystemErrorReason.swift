#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operating system's reason for an error number as arbiter's messages write it: `strerror`
/// in lower case, "no such file or directory", so that every command words a file it cannot
/// read alike (`arbiter: cannot read 'FILE': no such file or directory`).
enum SystemErrorReason {
    static func text(_ code: Int32) -> String {
        let text = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
