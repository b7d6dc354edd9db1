#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Replays a decision log (SPEC section 10) as it streams: serve logs (`serve --log`: a header
/// line, then records) and plain `{"request", "decision"}` JSON Lines, told apart by content.
/// Lines are read in chunks (`LogLineReader`, as `log verify` reads) and decided in batches on
/// one thread per core, so memory stays the same whatever the log's size; results are folded in
/// input order.
struct DecisionLogReplay {
    let handler: ProtocolHandler
    let path: String
    /// How the report names the log (`path`, or the name given for stdin with `--stdin-name`).
    let name: String
    /// The line number of the input's first line (1, or where a piece of a larger log starts).
    let firstLine: Int
    /// Receives each logged decision's result, then the log's totals.
    let reporter: ReplayReporter
    /// Progress on stderr (when it is a terminal).
    let progress: Bool

    /// What one line of a log came to.
    enum Outcome {
        case skipped
        case unreadable(String)
        case compared(id: String?, differences: [SubsetMatcher.Mismatch], digest: DigestCheck)
    }

    enum DigestCheck {
        case same
        case unchecked
        case other(recorded: String, now: String)
    }

    static let batchLines = 1_024

    func run() -> ReplayLogSummary {
        var totals = ReplayLogSummary(path: name)
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard descriptor >= 0 else {
            totals.openFailure = SystemErrorReason.text(errno)
            reporter.logFinished(totals)
            return totals
        }
        defer { if path != "-" { close(descriptor) } }
        var lastProgress = Date()
        var lines: [(number: Int, bytes: [UInt8], notKept: String?)] = []
        var outcomes: [Outcome] = []
        func flush() {
            outcomes = [Outcome](repeating: .skipped, count: lines.count)
            let batch = lines
            let handler = self.handler
            outcomes.withUnsafeMutableBufferPointer { results in
                let results = UnsafeMutableSendableBuffer(results)
                // One worker per core, each with its own buffers, taking every `workers`-th line.
                let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, batch.count))
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let scratch = RequestScratch()
                    for index in stride(from: worker, to: batch.count, by: workers) {
                        results.buffer[index] = batch[index].notKept.map { .unreadable($0) }
                            ?? Self.replay(batch[index].bytes, handler: handler, scratch: scratch)
                    }
                }
            }
            for (line, outcome) in zip(lines, outcomes) {
                switch outcome {
                case .skipped:
                    totals.skipped += 1
                case .unreadable(let message):
                    totals.unreadable += 1
                    reporter.result(ReplayResult(kind: .decision, name: "(unreadable)", source: name, line: line.number, status: .error,
                                                 problem: .init(message: message)))
                case .compared(let id, let differences, let digest):
                    totals.decisions += 1
                    switch digest {
                    case .same: break
                    case .unchecked: totals.unchecked += 1
                    case .other(let recorded, let now):
                        totals.otherDigest += 1
                        totals.addDigestChange(.init(recorded: recorded, now: now, count: 1, firstLine: line.number))
                    }
                    if differences.isEmpty {
                        totals.same += 1
                    } else {
                        totals.different += 1
                        for difference in differences { totals.fields[DecisionComparison.field(difference.path), default: 0] += 1 }
                    }
                    reporter.result(ReplayResult(kind: .decision, name: id ?? "(no id)", id: id, source: name, line: line.number,
                                                 status: differences.isEmpty ? .same : .different, differences: differences))
                }
            }
            lines.removeAll(keepingCapacity: true)
            if progress, Date().timeIntervalSince(lastProgress) > 0.5 {
                lastProgress = Date()
                FileHandle.standardError.write(Data("\r\(name): \(totals.decisions) decisions replayed, \(totals.different) different".utf8))
            }
        }
        do throws(LogFileError) {
            try LogLineReader(descriptor: descriptor).forEachLine { line in
                if let dropped = line.dropped {
                    // Not kept in memory (too long, or a NUL byte): unreadable, in its place.
                    lines.append((line.number + firstLine - 1, [], dropped.problem))
                    if lines.count == Self.batchLines { flush() }
                    return true
                }
                var bytes = line.bytes
                if bytes.last == UInt8(ascii: "\r") { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
                lines.append((line.number + firstLine - 1, Array(bytes), nil))
                if lines.count == Self.batchLines { flush() }
                return true
            }
        } catch {
            totals.readFailure = error.reason
        }
        flush()
        if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        reporter.logFinished(totals)
        return totals
    }

    /// One log line: skipped (a header, a ping, a line that was not a request), unreadable, or
    /// decided now and compared with what was recorded.
    static func replay(_ bytes: [UInt8], handler: ProtocolHandler, scratch: RequestScratch) -> Outcome {
        let entry: JSONValue
        do {
            entry = try JSONReader.parse(bytes)
        } catch {
            return .unreadable("invalid JSON: \(error.message)")
        }
        if entry["log"] != nil, entry["seq"] == nil { return .skipped }
        guard let recorded = entry["decision"], let request = entry["request"] else {
            return .unreadable("expected an object with 'request' and 'decision'")
        }
        // A serve log records every answered line: input that was not JSON (`request: null`) is
        // answered again from the text the record keeps. Pings and unsupported ops are in the
        // log but are not decisions to replay. What is skipped is decided by the request: a
        // request (no `op`) recorded with a pong or an `unsupported_op` error is decided now and
        // differs, as any other edited answer does.
        if case .null = request { return replayUnparsed(entry, recorded: recorded, handler: handler, scratch: scratch) }
        let answeredAsOp = recorded["op"] != nil || recorded["error"]?["code"] == .string("unsupported_op")
        if let op = request["op"], op != .null, answeredAsOp { return .skipped }
        var now = handler.tree(of: handler.answer(to: request, lineNumber: 1, scratch: scratch))
        // A serve log keeps the request's fields in sorted order, not as written: an invalid
        // request with several bad fields may name another one first now (RecordedErrorOrder).
        if case .string("invalid_request")? = recorded["error"]?["code"], now["error"]?["code"] == recorded["error"]?["code"],
           case .string(let recordedPath)? = recorded["error"]?["path"], now["error"]?["path"] != recorded["error"]?["path"],
           let reordered = RecordedErrorOrder.bringingForward(request, path: recordedPath) {
            let again = handler.tree(of: handler.answer(to: reordered, lineNumber: 1, scratch: scratch))
            if DecisionComparison.differences(recorded: recorded, now: again).isEmpty { now = again }
        }
        var differences = DecisionComparison.differences(recorded: recorded, now: now)
        // The recorded input digest must be the request's: an edited request shows here.
        if case .string(let recordedDigest)? = recorded["audit"]?["input_digest"],
           case .string(let digest)? = now["audit"]?["input_digest"], recordedDigest != digest {
            differences.insert(SubsetMatcher.Mismatch(path: "$.audit.input_digest", expected: "\"\(recordedDigest)\"", actual: "\"\(digest)\" (the request is not the one decided)"), at: 0)
        }
        var digest = DigestCheck.same
        if recorded["error"] == nil {
            if let (recordedDigest, recordedShown) = ReplayRunner.auditPolicy(recorded) {
                let nowShown = ReplayRunner.auditPolicy(now)
                if nowShown?.digest != recordedDigest {
                    digest = .other(recorded: recordedShown, now: nowShown?.shown ?? "no version (the request is now answered with an error)")
                }
            } else {
                digest = .unchecked
            }
        }
        let id = request["id"].flatMap { if case .string(let text) = $0 { return text } else { return nil } }
        return .compared(id: id, differences: differences, digest: digest)
    }
}

extension DecisionLogReplay {
    /// A record whose `request` is null: of a line that was not JSON, kept in `raw` (its text) or
    /// `raw_b64` (its bytes, not UTF-8) and answered again, compared like any error answer (by
    /// code and path), or too large to keep (`raw_bytes`), which must have been answered
    /// `too_large`; with none of them, of the line `null` (valid JSON), decided again as such.
    /// Skipping these records would let a log claim anything for them: an approve with a refund
    /// for a garbage line, or a decision whose request was taken out.
    static func replayUnparsed(_ entry: JSONValue, recorded: JSONValue, handler: ProtocolHandler, scratch: RequestScratch) -> Outcome {
        let kept = ["raw", "raw_b64", "raw_bytes"].filter { key in entry[key].map { $0 != .null } ?? false }
        guard kept.count <= 1 else { return .unreadable(LogLine.keptSeveralWays) }
        let line: [UInt8]
        if kept.isEmpty {
            let now = handler.tree(of: handler.answer(to: .null, lineNumber: 1, scratch: scratch))
            return .compared(id: nil, differences: DecisionComparison.differences(recorded: recorded, now: now), digest: .same)
        } else if case .string(let text)? = entry["raw"] {
            line = Array(text.utf8)
        } else if case .string(let encoded)? = entry["raw_b64"] {
            guard let bytes = Data(base64Encoded: encoded) else { return .unreadable("'raw_b64' is not base64") }
            line = Array(bytes)
        } else if case .number(let count)? = entry["raw_bytes"], let bytes = Int(count), bytes >= 0 {
            let code = recorded["error"]?["code"]
            let differences = code == .string("too_large") ? [] : [SubsetMatcher.Mismatch(
                path: "$.error.code", expected: code.map(SubsetMatcher.show) ?? "(absent)",
                actual: "\"too_large\" (a line of \(bytes) bytes kept as its size is one serve did not read)")]
            return .compared(id: nil, differences: differences, digest: .same)
        } else {
            return .unreadable("'\(kept[0])' is not what a serve log keeps there (a string, base64, or a byte count)")
        }
        // serve records a line that is JSON as its request: one kept as text here was edited.
        if (try? JSONReader.parse(line)) != nil {
            return .unreadable("a record whose request is null holds a line that is JSON (serve records such a line as its request)")
        }
        let now = line.withUnsafeBytes { handler.tree(of: handler.answer(to: $0, lineNumber: 1, scratch: scratch)) }
        return .compared(id: nil, differences: DecisionComparison.differences(recorded: recorded, now: now), digest: .same)
    }
}

/// A buffer written by `concurrentPerform` workers, each at its own index.
struct UnsafeMutableSendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
