#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// `arbiter diff` (SPEC section 11): decides every request of its inputs under a base and a
/// candidate policy and reports what changes.
///
/// Inputs are read in batches of bounded size; a batch is cut into chunks of contiguous lines
/// that the threads take in turn (each thread with its own pair of handlers, as in
/// `ServeLoop`); each chunk gives a partial `DiffReport`, and the partials are merged in input
/// order. Memory stays bounded by the batch, whatever the input's size.
public struct DiffRunner: Sendable {
    /// One pair of handlers per thread, each pair deciding with its own copy of the two policies.
    public let deciders: [DiffDecider]
    public let examplesLimit: Int
    /// Lines longer than this are answered `too_large` under both policies, as `serve` does.
    public let maxLineBytes: Int
    /// About this many bytes of input are read and decided at a time (memory stays near it).
    public let batchBytes: Int
    /// The rule ids of every version of each policy (rules that never fire are reported too).
    let baseRules: [String]
    let candidateRules: [String]
    /// How examples name stdin (`-`) and the number of its first line: a piece of a larger input
    /// (a Spark partition) reports the whole input's name and line numbers.
    public var stdinName = "-"
    public var stdinFirstLine = 1
    /// What every input holds, when the caller knows (a piece of a log does not start with the
    /// log's first line); nil: told by each input's first non-blank line.
    public var inputFormat: DiffInputFormat?

    /// - Parameter handlers: per thread (at least one), the base and candidate handlers, built
    ///   with `--audit summary` (the rules that fired are read from `audit.rules_fired`).
    public init(handlers: [(base: ProtocolHandler, candidate: ProtocolHandler)], examplesLimit: Int = 5, maxLineBytes: Int = 1 << 20, batchBytes: Int = 4 << 20) {
        precondition(!handlers.isEmpty, "diff needs a pair of handlers")
        deciders = handlers.map { DiffDecider(base: $0.base, candidate: $0.candidate) }
        self.examplesLimit = examplesLimit
        self.maxLineBytes = maxLineBytes
        self.batchBytes = max(1, batchBytes)
        baseRules = Self.ruleIDs(handlers[0].base.engines.policySet)
        candidateRules = Self.ruleIDs(handlers[0].candidate.engines.policySet)
    }

    static func ruleIDs(_ set: PolicySet) -> [String] {
        var seen = Set<String>()
        return set.allVersions.flatMap { $0.allRules.map(\.id) }.filter { seen.insert($0).inserted }
    }

    /// An empty report for this pair of policies.
    public func emptyReport() -> DiffReport {
        DiffReport(examplesLimit: examplesLimit, baseRules: baseRules, candidateRules: candidateRules)
    }

    /// The report of `paths` (`-`: standard input), read in order; or why an input could not be read.
    public func run(paths: [String]) -> Result<DiffReport, DiffInputError> {
        var report = emptyReport()
        for path in paths {
            do {
                try run(path: path, into: &report)
            } catch {
                return .failure(error)
            }
        }
        return .success(report)
    }

    func run(path: String, into report: inout DiffReport) throws(DiffInputError) {
        var reader = try DiffLineReader(path: path, maxLineBytes: maxLineBytes, batchBytes: batchBytes, firstLine: path == "-" ? stdinFirstLine : 1)
        var format = inputFormat
        let name = path == "-" ? stdinName : path
        while let batch = try reader.next() {
            if format == nil, let first = batch.lines.first {
                if case .text(let start, let end, _) = first {
                    format = batch.bytes.withUnsafeBytes { DiffInputFormat.detect(firstLine: UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
                } else {
                    format = .requests
                }
            }
            report.merge(decide(batch, format: format ?? .requests, source: name))
        }
    }

    /// The report of one batch, decided on every thread in chunks and merged in order.
    func decide(_ batch: DiffLineReader.Batch, format: DiffInputFormat, source: String) -> DiffReport {
        let lines = batch.lines
        let minimumPerThread = 8
        let threads = min(deciders.count, lines.count / minimumPerThread)
        guard threads > 1 else {
            var report = DiffReport(examplesLimit: examplesLimit)
            let scratch = DiffScratch()
            for line in lines {
                deciders[0].decide(line, in: batch.bytes, format: format, source: source, maxLineBytes: maxLineBytes, scratch: scratch, into: &report)
            }
            return report
        }
        let chunkSize = max(4, lines.count / (threads * 8))
        let chunkCount = (lines.count + chunkSize - 1) / chunkSize
        let partials = PartialReports(count: chunkCount, examplesLimit: examplesLimit)
        let nextChunk = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            // This worker's buffers, for its chunks of the batch.
            let scratch = DiffScratch()
            while true {
                let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
                guard chunk < chunkCount else { break }
                var report = DiffReport(examplesLimit: examplesLimit)
                for index in (chunk * chunkSize)..<min(lines.count, (chunk + 1) * chunkSize) {
                    deciders[thread].decide(lines[index], in: batch.bytes, format: format, source: source, maxLineBytes: maxLineBytes, scratch: scratch, into: &report)
                }
                partials.store(report, at: chunk)
            }
        }
        return partials.merged()
    }
}

/// The partial reports of a batch's chunks, each written by the one thread that decided it.
final class PartialReports: @unchecked Sendable {
    private var reports: [DiffReport]
    private let lock = Mutex(())

    init(count: Int, examplesLimit: Int) {
        reports = Array(repeating: DiffReport(examplesLimit: examplesLimit), count: count)
    }

    func store(_ report: DiffReport, at index: Int) {
        lock.withLock { _ in reports[index] = report }
    }

    /// The partials merged in chunk (input) order; call once every chunk is stored.
    func merged() -> DiffReport {
        lock.withLock { _ in
            var total = reports[0]
            for report in reports.dropFirst() { total.merge(report) }
            return total
        }
    }
}

/// The buffers one `diff` worker reads requests into, one scratch per policy.
final class DiffScratch {
    let base = RequestScratch()
    let candidate = RequestScratch()
}

/// Decides requests under the base and the candidate policy on one thread.
public struct DiffDecider: Sendable {
    public let base: ProtocolHandler
    public let candidate: ProtocolHandler

    /// `serve`'s answer to a line over the limit.
    static func tooLarge(_ handler: ProtocolHandler, size: Int, limit: Int, number: Int) -> JSONValue {
        var tree = JSONTreeWriter()
        handler.writeError(.tooLarge, "line is \(size) bytes; the limit is \(limit)", path: nil, id: nil, lineNumber: number, into: &tree)
        return tree.value ?? .null
    }

    /// Decides one input line under both policies and adds it to `report`.
    func decide(_ line: DiffLineReader.Line, in bytes: [UInt8], format: DiffInputFormat, source: String, maxLineBytes: Int, scratch: DiffScratch, into report: inout DiffReport) {
        switch line {
        case .tooLarge(let size, let number):
            switch format {
            case .requests:
                report.add(base: Self.tooLarge(base, size: size, limit: maxLineBytes, number: number),
                           candidate: Self.tooLarge(candidate, size: size, limit: maxLineBytes, number: number), source: "\(source):\(number)")
            case .decisionLog, .serveLog:
                report.addUnreadable()
            }
        case .text(let start, let end, let number):
            bytes.withUnsafeBytes { raw in
                let text = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                switch format {
                case .requests:
                    decideRequest(text, number: number, source: source, scratch: scratch, into: &report)
                case .decisionLog, .serveLog:
                    guard let record = try? JSONReader.parse(text), case .object = record else {
                        report.addUnreadable()
                        return
                    }
                    if format == .serveLog, record["log"] != nil { return }  // a header (of a rotated file)
                    guard let request = record["request"] else {
                        report.addUnreadable()
                        return
                    }
                    if request == .null {
                        report.addSkipped()  // a line that was not JSON when it was served
                        return
                    }
                    add(base.answer(to: request, lineNumber: number, scratch: scratch.base),
                        candidate: { candidate.answer(to: request, lineNumber: number, scratch: scratch.candidate) },
                        source: "\(source):\(number)", into: &report)
                }
            }
        }
    }

    func decideRequest(_ line: UnsafeRawBufferPointer, number: Int, source: String, scratch: DiffScratch, into report: inout DiffReport) {
        add(base.answer(to: line, lineNumber: number, scratch: scratch.base),
            candidate: { candidate.answer(to: line, lineNumber: number, scratch: scratch.candidate) },
            source: "\(source):\(number)", into: &report)
    }

    /// Adds the base policy's answer and the candidate's (decided only for a request) to
    /// `report`, compared as the trees of the answers `serve` would write.
    private func add(_ baseAnswer: ProtocolHandler.LineAnswer, candidate decideCandidate: () -> ProtocolHandler.LineAnswer, source: String, into report: inout DiffReport) {
        switch baseAnswer {
        case .pong:
            report.addSkipped()
            return
        case .error(let error) where error.code == .unsupportedOp:
            report.addSkipped()
            return
        default:
            break
        }
        let before = base.tree(of: baseAnswer)
        let candidateAnswer = decideCandidate()
        // Most requests are decided alike: when the two decisions are equal but for their audit
        // blocks, only the candidate's audit block is built, and nothing differs.
        if case .decision(let was) = baseAnswer, case .decision(let now) = candidateAnswer,
           let audit = now.audit, let after = Self.sameDecision(before, was, now, audit: audit) {
            report.add(base: before, candidate: after, source: source, knownSame: true)
            return
        }
        report.add(base: before, candidate: candidate.tree(of: candidateAnswer), source: source)
    }

    /// The candidate's answer when its decision is the base's with another audit block (the
    /// base's tree with the candidate's audit), else nil.
    static func sameDecision(_ before: JSONValue, _ was: Decision, _ now: Decision, audit: AuditRecord) -> JSONValue? {
        guard case .object(var members) = before, members.last?.key == "audit" else { return nil }
        var wasWithout = was, nowWithout = now
        wasWithout.audit = nil
        nowWithout.audit = nil
        guard wasWithout == nowWithout else { return nil }
        var tree = JSONTreeWriter()
        tree.beginObject()
        DecisionWriter.write(audit, digits: now.currency.fractionDigits, deferredTrail: nil, into: &tree)
        tree.endObject()
        guard case .object(let written)? = tree.value, let auditValue = written.first?.value else { return nil }
        members[members.count - 1].value = auditValue
        return .object(members)
    }
}
