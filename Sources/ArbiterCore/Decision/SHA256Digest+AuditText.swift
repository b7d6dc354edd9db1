import Crypto

extension SHA256.Digest {
    /// `sha256:` and the digest in lowercase hex, as audit trails and pongs show digests.
    ///
    /// Each byte's two digits are read as one two-byte load from a table of the 256 pairs (a
    /// string constant, so no global is initialised or bounds-checked): the input digest of every
    /// `summary` answer is made here, and a digit at a time cost ~20 instructions a byte.
    var auditText: String {
        let prefix: StaticString = "sha256:"
        let length = prefix.utf8CodeUnitCount + 2 * SHA256.Digest.byteCount
        return String(unsafeUninitializedCapacity: length) { buffer in
            guard let target = buffer.baseAddress else { return 0 }
            JSONWriter.copy(prefix.utf8Start, to: target, count: prefix.utf8CodeUnitCount)
            var position = prefix.utf8CodeUnitCount
            // `000102…feff`: byte `b`'s two lowercase hex digits at offset `2 * b`.
            let table: StaticString = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
            let pairs = UnsafeRawPointer(table.utf8Start)
            self.withUnsafeBytes { bytes in
                for byte in bytes {
                    let pair = pairs.loadUnaligned(fromByteOffset: 2 * Int(byte), as: UInt16.self)
                    UnsafeMutableRawPointer(target + position).storeBytes(of: pair, as: UInt16.self)
                    position += 2
                }
            }
            return position
        }
    }
}
