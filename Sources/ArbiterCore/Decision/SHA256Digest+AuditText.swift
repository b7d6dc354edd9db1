import Crypto

extension SHA256.Digest {
    /// `sha256:` and the digest in lowercase hex, as audit trails and pongs show digests.
    var auditText: String {
        let prefix: StaticString = "sha256:"
        let hexDigits: StaticString = "0123456789abcdef"
        let length = prefix.utf8CodeUnitCount + 2 * SHA256.Digest.byteCount
        return String(unsafeUninitializedCapacity: length) { buffer in
            var position = 0
            for offset in 0..<prefix.utf8CodeUnitCount {
                buffer[position] = prefix.utf8Start[offset]
                position += 1
            }
            self.withUnsafeBytes { bytes in
                for byte in bytes {
                    buffer[position] = hexDigits.utf8Start[Int(byte >> 4)]
                    buffer[position + 1] = hexDigits.utf8Start[Int(byte & 0x0F)]
                    position += 2
                }
            }
            return position
        }
    }
}
