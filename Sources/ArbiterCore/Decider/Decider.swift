/// Decides requests for one worker: a loaded policy set and the buffers a line is read into.
///
/// This is how other Swift code embeds arbiter (README, "Embedding arbiter in a Swift
/// service"): load a policy set once, make one `Decider` per thread or task that decides, and
/// call `decide(line:)` (a typed `Decision`) or `answer(line:)` (the protocol's bytes, as
/// `serve` writes them). A decider reuses its buffers from one request to the next, so after
/// the first few requests reading one allocates nothing; that is also why it is not `Sendable`:
/// the compiler stops one decider from being used by two threads at once. The policy itself is
/// immutable and may be shared (`EngineSet` is `Sendable`), though a decider per thread built
/// from its own `PolicySet` avoids contended reference counts on the shared rules.
public final class Decider {
    /// The engine of every version of every pack, and the selection of the one that decides.
    public let engines: EngineSet
    /// How much audit trail each decision carries.
    public let audit: AuditLevel
    let handler: ProtocolHandler
    /// The tape a line is parsed into and the canonical JSON of its input digest.
    let scratch = RequestScratch()

    /// A decider for `policy` (from `PolicySetLoader`, or `arbiter`'s policy locator).
    public convenience init(policy: PolicySet, audit: AuditLevel = .summary) {
        self.init(engines: EngineSet(policy), audit: audit)
    }

    public init(engines: EngineSet, audit: AuditLevel = .summary) {
        self.engines = engines
        self.audit = audit
        self.handler = ProtocolHandler(engines: engines, audit: audit)
    }

    /// Decides one request line: its JSON (UTF-8, no line break). A ping or a line that is not a
    /// valid request throws the error `serve` would answer with.
    public func decide(line: some Collection<UInt8>) throws(AnswerError) -> Decision {
        let answer: ProtocolHandler.LineAnswer
        if let contiguous = line.withContiguousStorageIfAvailable({ decide(UnsafeRawBufferPointer($0)) }) {
            answer = contiguous
        } else {
            answer = Array(line).withUnsafeBytes { decide($0) }
        }
        return try decision(answer)
    }

    private func decision(_ answer: ProtocolHandler.LineAnswer) throws(AnswerError) -> Decision {
        switch answer {
        case .decision(let decision): return decision
        case .error(let error): throw error
        case .pong: throw AnswerError(.unsupportedOp, "a ping is answered by answer(line:), not decided", path: "$.op", id: nil, line: 1)
        }
    }

    /// Decides one request given as text.
    public func decide(line: String) throws(AnswerError) -> Decision {
        try decide(line: line.utf8)
    }

    /// Decides a request built as a JSON value (a fixture, a recorded request): read from the
    /// tree, with the decision and errors `decide(line:)` gives for its text.
    public func decide(json: JSONValue) throws(AnswerError) -> Decision {
        try decision(handler.answer(to: json, lineNumber: 1, scratch: scratch))
    }

    /// The protocol's answer to one line (a decision, a pong or an error object), exactly as
    /// `serve` writes it, without the line break. `lineNumber` is the `line` of an error answer.
    public func answer(line: some Collection<UInt8>, lineNumber: Int = 1) -> [UInt8] {
        var writer = JSONWriter(pretty: false, reservingCapacity: 2048)
        if line.withContiguousStorageIfAvailable({ answer(line: UnsafeRawBufferPointer($0), lineNumber: lineNumber, into: &writer) }) == nil {
            Array(line).withUnsafeBytes { answer(line: $0, lineNumber: lineNumber, into: &writer) }
        }
        return writer.bytes
    }

    /// Appends the protocol's answer to `line` to `writer`: `serve`'s path, which copies nothing.
    func answer(line: UnsafeRawBufferPointer, lineNumber: Int, into writer: inout JSONWriter) {
        _ = writeAnswer(line: line, lineNumber: lineNumber, into: &writer, keepsTrail: false)
    }

    /// The same, returning the answer as a value too (what `serve --log` records).
    ///
    /// `keepsTrail`: the returned decision holds its `full` trail. Without it (nothing will read
    /// the decision's trail: only its arrays are given back), the trail is written from where
    /// the engine recorded it (`DeferredTrail`) and the decision's trace is left empty.
    func writeAnswer(line: UnsafeRawBufferPointer, lineNumber: Int, into writer: inout JSONWriter, keepsTrail: Bool = true) -> ProtocolHandler.LineAnswer {
        guard audit == .full, !keepsTrail else {
            let answer = handler.answer(to: line, lineNumber: lineNumber, scratch: scratch)
            handler.write(answer, into: &writer)
            return answer
        }
        scratch.defersTrail = true
        defer { scratch.defersTrail = false }
        let answer = handler.answer(to: line, lineNumber: lineNumber, scratch: scratch)
        handler.write(answer, deferredTrail: scratch.deferredTrail, into: &writer)
        return answer
    }

    private func decide(_ line: UnsafeRawBufferPointer) -> ProtocolHandler.LineAnswer {
        handler.answer(to: line, lineNumber: 1, scratch: scratch)
    }
}
