import Crypto
import Foundation

/// Writes decision-log records on a deciding thread (one builder per thread): the canonical
/// JSON of the answer and of the request, the `raw` forms of lines that are not JSON, and the
/// SHA-256 of everything before `prev`.
///
/// A record's keys in canonical order: `at`, `decision`, `hash`, `input_line`, `prev`, `raw`,
/// `raw_b64`, `raw_bytes`, `raw_sha256`, `request`, `seq`.
final class LogRecordBuilder: @unchecked Sendable {
    /// What the record says about its input line.
    enum Source {
        /// The line's bytes, without its `\n` and optional `\r`.
        case line(UnsafeRawBufferPointer)
        /// A line too long to keep: its length and digest.
        case tooLarge(byteCount: Int, digest: SHA256.Digest)
    }

    private let tape = JSONTape()
    private let canonical = CanonicalJSONWriter()
    /// The canonical JSON of a typed answer (`CanonicalDecisionWriter`).
    private var typedWriter = JSONWriter(pretty: false, reservingCapacity: 1 << 14)

    init() {}

    /// Appends the record for one answered line to `pending`.
    /// `scratch` is the one the line was just answered with, when it was: its canonical JSON
    /// is then reused instead of parsing the line again. `typed` is the answer `answer` holds
    /// the bytes of, when known: a decision or an error is then written as canonical JSON
    /// from its value (`CanonicalDecisionWriter`) instead of parsing and sorting its bytes.
    func append(seq: Int, inputLine: Int, source: Source, answer: UnsafeRawBufferPointer, typed: ProtocolHandler.LineAnswer? = nil, scratch: RequestScratch? = nil, to pending: PendingRecords) {
        var out: [UInt8] = []
        swap(&out, &pending.bytes)
        defer { swap(&out, &pending.bytes) }
        let start = out.count
        LogFormat.appendASCII("{\"at\":", to: &out)
        LogFormat.appendString(LogFormat.now().utf8, to: &out)
        LogFormat.appendASCII(",\"decision\":", to: &out)
        if let typed, writeCanonical(typed) {
            typedWriter.withBytes { out.append(contentsOf: $0) }
        } else if let view = try? tape.parse(answer) {
            out.append(contentsOf: canonical.write(view))
        } else {
            out.append(contentsOf: answer)  // never happens: answers are our own JSON
        }
        LogFormat.appendASCII(",", to: &out)
        let (hashMemberStart, hashHex, hashMemberEnd) = LogFormat.appendHashPlaceholder(to: &out)
        LogFormat.appendASCII("\"input_line\":", to: &out)
        LogFormat.appendInt(inputLine, to: &out)
        LogFormat.appendASCII(",\"prev\":\"sha256:", to: &out)
        let prevHex = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: LogFormat.hexCount))
        LogFormat.appendASCII("\",\"raw\":", to: &out)
        switch source {
        case .line(let line):
            if let canonicalRequest = scratch?.canonicalOfLastLine(line) {
                // Answered just now on this thread: its canonical JSON is known (or its tape is).
                LogFormat.appendASCII("null,\"request\":", to: &out)
                out.append(contentsOf: canonicalRequest)
            } else if let view = try? tape.parse(line) {
                LogFormat.appendASCII("null,\"request\":", to: &out)
                out.append(contentsOf: canonical.write(view))
            } else if String(validating: line, as: UTF8.self) != nil {
                LogFormat.appendString(line, to: &out)
                LogFormat.appendASCII(",\"request\":null", to: &out)
            } else {
                LogFormat.appendASCII("null,\"raw_b64\":\"", to: &out)
                out.append(contentsOf: Data(line).base64EncodedString().utf8)
                LogFormat.appendASCII("\",\"request\":null", to: &out)
            }
        case .tooLarge(let byteCount, let digest):
            LogFormat.appendASCII("null,\"raw_bytes\":", to: &out)
            LogFormat.appendInt(byteCount, to: &out)
            LogFormat.appendASCII(",\"raw_sha256\":", to: &out)
            LogFormat.appendString(digest.auditText.utf8, to: &out)
            LogFormat.appendASCII(",\"request\":null", to: &out)
        }
        LogFormat.appendASCII(",\"seq\":", to: &out)
        LogFormat.appendInt(seq, to: &out)
        LogFormat.appendASCII("}", to: &out)
        let end = out.count
        out.append(UInt8(ascii: "\n"))
        var state = SHA256()
        out.withUnsafeBytes { raw in
            state.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[start..<hashMemberStart]))
            state.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[hashMemberEnd..<prevHex]))
        }
        pending.records.append(.init(start: start, hashHex: hashHex, prevHex: prevHex, end: end, state: state))
    }

    /// Writes `answer` as canonical JSON into `typedWriter`; false when it must be
    /// canonicalised from its bytes (a pong, or a decision `CanonicalDecisionWriter` declines).
    private func writeCanonical(_ answer: ProtocolHandler.LineAnswer) -> Bool {
        typedWriter.reset()
        switch answer {
        case .decision(let decision): return CanonicalDecisionWriter.write(decision, into: &typedWriter)
        case .error(let error):
            CanonicalDecisionWriter.write(error, into: &typedWriter)
            return true
        case .pong: return false
        }
    }
}
