import Crypto

/// The digest that names a policy version in every audit trail: SHA-256 over the policy's
/// files in order of their path relative to the policy folder, each fed as
/// `relative-path NUL byte-count NUL bytes`. It depends only on file names and contents,
/// so it is the same on every machine.
enum PolicyDigest {
    static func digest(of files: [(relativePath: String, bytes: [UInt8])]) -> String {
        var hasher = SHA256()
        for file in files.sorted(by: { $0.relativePath < $1.relativePath }) {
            hasher.update(data: Array(file.relativePath.utf8))
            hasher.update(data: [0])
            hasher.update(data: Array(String(file.bytes.count).utf8))
            hasher.update(data: [0])
            hasher.update(data: file.bytes)
        }
        return hasher.finalize().auditText
    }
}
