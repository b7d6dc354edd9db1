#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto

/// The decision log's fixed names, its hash text and its clock (SPEC section 10).
///
/// Every line of a log is canonical JSON (keys sorted by their UTF-8 bytes, docs/interpretations.md
/// item 13) with its `hash` member in its sorted place; the hash is SHA-256 over the line without
/// that member, which is then itself canonical JSON.
enum LogFormat {
    /// The header's `log`.
    static let name = "arbiter-decisions"
    /// The header's `format`.
    static let version = 1
    /// `sha256:`, the prefix of every hash in a log.
    static let hashPrefix: [UInt8] = Array("sha256:".utf8)
    /// Hex digits of a SHA-256 digest.
    static let hexCount = 64
    /// `sha256:` and 64 hex digits.
    static let hashTextCount = 7 + 64

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes `digest` as 64 lowercase hex digits into `bytes` at `offset`.
    static func writeHex(_ digest: SHA256.Digest, into bytes: inout [UInt8], at offset: Int) {
        precondition(offset >= 0 && offset + hexCount <= bytes.count, "hash placeholder out of range")
        // One access to each buffer rather than a checked subscript per digit (once per record).
        bytes.withUnsafeMutableBufferPointer { out in
            hexDigits.withUnsafeBufferPointer { digits in
                digest.withUnsafeBytes { raw in
                    var position = offset
                    for byte in raw {
                        out[position] = digits[Int(byte >> 4)]
                        out[position + 1] = digits[Int(byte & 0x0F)]
                        position += 2
                    }
                }
            }
        }
    }

    /// The 64 hex digits of a `sha256:…` text.
    static func hexDigits(of hashText: String) -> [UInt8] { Array(hashText.utf8.dropFirst(hashPrefix.count)) }

    /// `sha256:` and 64 hex digits.
    static func hashText(hex: [UInt8]) -> String { "sha256:" + String(decoding: hex, as: UTF8.self) }

    /// Whether `text` is `sha256:` followed by 64 lowercase hex digits.
    static func isHashText(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == hashTextCount, Array(bytes[0..<7]) == hashPrefix else { return false }
        return bytes[7...].allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The wall-clock time now, RFC 3339 in UTC with milliseconds (`2026-11-12T08:15:00.123Z`):
    /// the log's `at` and `created_at` (the log, unlike decisions, may read the clock).
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let milliseconds = Int32(spec.tv_nsec / 1_000_000)
        return Timestamp(epochSeconds: Int64(spec.tv_sec), nanoseconds: milliseconds * 1_000_000).rfc3339
    }

    /// Appends `text` to `out` as a JSON string with the canonical (minimal) escapes.
    static func appendString<Bytes: Sequence<UInt8>>(_ text: Bytes, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Text with nothing to escape (a timestamp, a digest, most names) is copied in one piece.
        let copied = text.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !bytes.contains(where: JSONStringEscaping.mustEscape) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text {
            if JSONStringEscaping.mustEscape(byte) {
                JSONStringEscaping.escape(byte) { out.append($0) }
            } else {
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `"hash":"sha256:000…",` (the hex filled in once the line's hash is known) and
    /// returns where the member starts, where its hex starts and where the member ends: the hash
    /// is over the line without the member (SPEC section 10).
    static func appendHashPlaceholder(to out: inout [UInt8]) -> (memberStart: Int, hex: Int, memberEnd: Int) {
        let memberStart = out.count
        appendASCII("\"hash\":\"sha256:", to: &out)
        let hex = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: hexCount))
        appendASCII("\",", to: &out)
        return (memberStart, hex, out.count)
    }

    static func appendASCII(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    static func appendInt(_ value: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }
}
