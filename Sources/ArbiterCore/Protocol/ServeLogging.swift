import Crypto

/// The serve loop's side of `--log`: numbers the answered lines of each batch (`seq`, in input
/// order, before the batch is decided), builds each answer's record on the thread that decided
/// it, and hashes lines too long to keep as their bytes are discarded.
///
/// The loop's reading thread uses `absorbDiscarded`, `finishTooLarge` and `number`; while a
/// batch is decided, thread `t` uses only `builders[t]` and reads `seqs`.
final class ServeLogging: @unchecked Sendable {
    let log: DecisionLog
    private let builders: [LogRecordBuilder]
    private let maxLineBytes: Int
    private var nextSeq: Int
    /// The `seq` of each work item of the current batch (0 for a line that gets no answer).
    private(set) var seqs: [Int] = []
    /// The line being discarded for being too long, hashed so far.
    private var discarded = TooLargeLine()
    /// Lines too long to keep, by line number, until their batch is answered.
    private var tooLarge: [Int: (byteCount: Int, digest: SHA256.Digest)] = [:]

    init(log: DecisionLog, threads: Int, maxLineBytes: Int) {
        self.log = log
        self.builders = (0..<threads).map { _ in LogRecordBuilder() }
        self.maxLineBytes = maxLineBytes
        self.nextSeq = log.firstSeq
    }

    /// The next bytes of a line that is too long to keep.
    func absorbDiscarded(_ bytes: UnsafeRawBufferPointer) { discarded.absorb(bytes) }

    /// The discarded line `number` has ended.
    func finishTooLarge(lineNumber: Int) {
        tooLarge[lineNumber] = discarded.finish()
        discarded = TooLargeLine()
    }

    /// Numbers the lines of `work` that will be answered (every one but blank lines), in order.
    func number(_ work: [ServeLoop.Work], in buffer: [UInt8]) {
        seqs.removeAll(keepingCapacity: true)
        for item in work {
            if case .line(let start, var end, _) = item {
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                if buffer[start..<end].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    seqs.append(0)
                    continue
                }
            }
            seqs.append(nextSeq)
            nextSeq += 1
        }
    }

    /// Appends the record of work item `index` (answered with `answer`, the bytes of `typed`
    /// when the protocol handler gave it) to `batch`.
    func record(_ item: ServeLoop.Work, index: Int, answer: UnsafeBufferPointer<UInt8>, typed: ProtocolHandler.LineAnswer?, in buffer: [UInt8], thread: Int, scratch: RequestScratch, into batch: AnswerOutput.Batch) {
        let records = batch.records ?? PendingRecords()
        batch.records = records
        let builder = builders[thread]
        let answerBytes = UnsafeRawBufferPointer(answer)
        switch item {
        case .tooLarge(_, let number):
            let line = tooLarge[number] ?? (0, SHA256.hash(data: [UInt8]()))
            builder.append(seq: seqs[index], inputLine: number, source: .tooLarge(byteCount: line.byteCount, digest: line.digest), answer: answerBytes, to: records)
        case .line(let start, var end, let number):
            if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            buffer.withUnsafeBytes { raw in
                let line = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                var source = LogRecordBuilder.Source.line(line)
                if line.count > maxLineBytes {
                    var hasher = SHA256()
                    hasher.update(bufferPointer: line)
                    source = .tooLarge(byteCount: line.count, digest: hasher.finalize())
                }
                builder.append(seq: seqs[index], inputLine: number, source: source, answer: answerBytes, typed: typed, scratch: scratch, to: records)
            }
        }
    }

    /// Forgets the too-long lines of a batch once it is answered.
    func batchAnswered() {
        if !tooLarge.isEmpty { tooLarge.removeAll() }
    }
}
