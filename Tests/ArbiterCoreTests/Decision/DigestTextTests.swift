import Crypto
import Testing
@testable import ArbiterCore

/// `SHA256.Digest.auditText`, the `sha256:…` text of every input digest and policy digest.
@Suite struct DigestTextTests {
    /// Lowercase hex two digits a byte, as a reader of the SPEC would write it.
    static func reference(_ digest: SHA256.Digest) -> String {
        "sha256:" + digest.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// Digests of 1,000 inputs, whose bytes take every value from 0 to 255 (checked): the text
    /// from the table of pairs is the reference's, and a known digest's text is the one any
    /// `sha256sum` prints.
    @Test func everyByteValueIsWrittenAsTwoLowercaseDigits() {
        var seen = Set<UInt8>()
        for index in 0..<1_000 {
            let digest = SHA256.hash(data: Array("request \(index)".utf8))
            seen.formUnion(digest)
            #expect(digest.auditText == Self.reference(digest))
        }
        #expect(seen.count == 256)
        #expect(SHA256.hash(data: Array("abc".utf8)).auditText == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
