import Crypto

/// The first line of every log file: `{"created_at","engine","format","hash","log","policies","prev_file"}`.
struct LogHeader {
    /// `created_at`.
    var createdAt: String
    /// `engine`, e.g. `arbiter 0.2.0`.
    var engine: String = EngineVersion.description
    /// Canonical JSON of `policies` (`LogPolicies.json`).
    var policies: [UInt8]
    /// The last hash of the file before (rotation), or nil for the first file.
    var prevFile: String?

    /// The header line (canonical JSON, `\n` included) and its hash.
    func line() -> (bytes: [UInt8], hash: SHA256.Digest) {
        var out: [UInt8] = []
        LogFormat.appendASCII("{\"created_at\":", to: &out)
        LogFormat.appendString(createdAt.utf8, to: &out)
        LogFormat.appendASCII(",\"engine\":", to: &out)
        LogFormat.appendString(engine.utf8, to: &out)
        LogFormat.appendASCII(",\"format\":", to: &out)
        LogFormat.appendInt(LogFormat.version, to: &out)
        LogFormat.appendASCII(",", to: &out)
        let (hashMemberStart, hashHex, hashMemberEnd) = LogFormat.appendHashPlaceholder(to: &out)
        LogFormat.appendASCII("\"log\":", to: &out)
        LogFormat.appendString(LogFormat.name.utf8, to: &out)
        LogFormat.appendASCII(",\"policies\":", to: &out)
        out.append(contentsOf: policies)
        LogFormat.appendASCII(",\"prev_file\":", to: &out)
        if let prevFile { LogFormat.appendString(prevFile.utf8, to: &out) } else { LogFormat.appendASCII("null", to: &out) }
        LogFormat.appendASCII("}", to: &out)
        var hasher = SHA256()
        out.withUnsafeBytes { raw in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[0..<hashMemberStart]))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[hashMemberEnd...]))
        }
        let digest = hasher.finalize()
        LogFormat.writeHex(digest, into: &out, at: hashHex)
        out.append(UInt8(ascii: "\n"))
        return (out, digest)
    }
}
