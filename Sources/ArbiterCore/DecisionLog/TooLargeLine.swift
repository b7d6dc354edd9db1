import Crypto

/// A line too long to keep in memory, recorded by its length and SHA-256 (SPEC section 10:
/// `raw_bytes`, `raw_sha256`) computed as its bytes stream past.
///
/// Like `raw`, it covers the line without its `\n` and optional `\r`; a `\r` that ends one
/// part is held back until the next part shows whether it ended the line.
struct TooLargeLine {
    private(set) var byteCount = 0
    private var hasher = SHA256()
    private var heldCarriageReturn = false

    init() {}

    /// Absorbs the next bytes of the line.
    mutating func absorb(_ part: UnsafeRawBufferPointer) {
        guard !part.isEmpty else { return }
        if heldCarriageReturn {
            var carriageReturn = UInt8(ascii: "\r")
            withUnsafeBytes(of: &carriageReturn) { absorbExactly($0) }
            heldCarriageReturn = false
        }
        if part[part.count - 1] == UInt8(ascii: "\r") {
            heldCarriageReturn = true
            absorbExactly(UnsafeRawBufferPointer(rebasing: part[0..<(part.count - 1)]))
        } else {
            absorbExactly(part)
        }
    }

    /// The line's length (without `\n` and a final `\r`) and digest.
    func finish() -> (byteCount: Int, digest: SHA256.Digest) {
        (byteCount, hasher.finalize())
    }

    private mutating func absorbExactly(_ part: UnsafeRawBufferPointer) {
        byteCount += part.count
        hasher.update(bufferPointer: part)
    }
}
