/// Answers one line of the JSON Lines protocol (SPEC section 3): a decision, a pong, or an
/// error object. Never throws and never answers with anything but one JSON object.
public final class ProtocolHandler: Sendable {
    /// The engine of every pack version, and the selection of the one that decides a request.
    public let engines: EngineSet
    public let audit: AuditLevel
    /// The pong as `serve` writes it, made once: a ping is a health check a service may send
    /// often, and its answer (every version of the set) cannot change while the set is loaded.
    /// Written each time it cost about 26,000 instructions and 7 allocations.
    private let compactPong: [UInt8]

    public init(engines: EngineSet, audit: AuditLevel) {
        self.engines = engines
        self.audit = audit
        var pong = JSONWriter(pretty: false, reservingCapacity: 512)
        Self.writePong(of: engines, into: &pong)
        self.compactPong = pong.bytes
    }

    /// A lone pack deciding every request.
    public convenience init(engine: Engine, audit: AuditLevel) {
        self.init(engines: EngineSet(lone: engine), audit: audit)
    }

    /// The default pack's current version.
    public var engine: Engine { engines.defaultEngine }

    /// Protocol error codes (SPEC section 3).
    public enum ErrorCode: String, Sendable, Codable, CustomStringConvertible {
        case invalidJSON = "invalid_json"
        case invalidRequest = "invalid_request"
        case tooLarge = "too_large"
        case unsupportedOp = "unsupported_op"
        case `internal`
        /// The protocol's code, `invalid_request`, as `print` shows it.
        public var description: String { rawValue }
    }

    /// Appends the answer to `line`, reading it into `scratch` (a tape, no `JSONValue` tree).
    /// The answer is byte for byte the one `respond(to: JSONReader.parse(line), …)` gives.
    /// `forcedPack` (a fixture's `policy:`) decides a request that names no pack with that pack.
    func respond(to line: UnsafeRawBufferPointer, lineNumber: Int, into writer: inout JSONWriter, scratch: RequestScratch, forcedPack: Int? = nil) {
        write(answer(to: line, lineNumber: lineNumber, scratch: scratch, forcedPack: forcedPack), into: &writer)
    }

    /// Appends `answer` as the protocol writes it (compact, no newline). `deferredTrail`: the
    /// trail of the decision `answer` holds, left recorded by the engine (`DeferredTrail`).
    func write<Output: JSONOutput & ~Copyable>(_ answer: LineAnswer, deferredTrail: DeferredTrail? = nil, into writer: inout Output) {
        switch answer {
        case .decision(let decision): DecisionWriter.write(decision, deferredTrail: deferredTrail, into: &writer)
        case .pong: writePong(into: &writer)
        case .error(let error): write(error, into: &writer)
        }
    }


    /// What a line is answered with, before it is written.
    enum LineAnswer {
        case decision(Decision)
        case pong
        case error(AnswerError)
    }

    /// The answer to `line`, read into `scratch`.
    func answer(to line: UnsafeRawBufferPointer, lineNumber: Int, scratch: RequestScratch, forcedPack: Int? = nil) -> LineAnswer {
        scratch.lastLine = nil
        // Lines are capped far below this by `serve`'s line limit; a tape cannot index more.
        guard line.count <= JSONTape.maximumInputBytes else {
            return .error(AnswerError(.tooLarge, "line is \(line.count) bytes; the limit is \(JSONTape.maximumInputBytes)", path: nil, id: nil, line: lineNumber))
        }
        let document: JSONTape.View
        do {
            document = try scratch.tape.parse(line)
        } catch {
            return .error(AnswerError(.invalidJSON, "\(error.message) at byte \(error.offset + 1)", path: nil, id: nil, line: lineNumber))
        }
        scratch.lastLine = RequestScratch.LastLine(bytes: line, document: document, canonicalWrite: nil)
        return answer(document, lineNumber: lineNumber, scratch: scratch, forcedPack: forcedPack)
    }

    /// The answer to a request given as a JSON value (a fixture, a logged request, an
    /// embedder's tree): read into `scratch`'s tape from the tree, the same answer as for the
    /// line `json.serialized()` but without writing and scanning that text. A tree the text
    /// would be refused for (see `JSONTape.load`) goes through the text, for the same error.
    func answer(to json: JSONValue, lineNumber: Int, scratch: RequestScratch, forcedPack: Int? = nil) -> LineAnswer {
        scratch.lastLine = nil
        guard let document = scratch.tape.load(json) else {
            let line = Array(json.serialized(pretty: false).utf8)
            return line.withUnsafeBytes { answer(to: $0, lineNumber: lineNumber, scratch: scratch, forcedPack: forcedPack) }
        }
        return answer(document, lineNumber: lineNumber, scratch: scratch, forcedPack: forcedPack)
    }

    /// The answer to the document read into `scratch`'s tape.
    private func answer(_ document: JSONTape.View, lineNumber: Int, scratch: RequestScratch, forcedPack: Int?) -> LineAnswer {
        guard document.kind(document.root) == .object else {
            return .error(AnswerError(.invalidRequest, "a line must hold a JSON object", path: "$", id: nil, line: lineNumber))
        }
        // Read only for an error answer: a decision takes its id from the decoded request.
        var id: String? { RequestDecoder.requestID(in: document) }
        // `"op": null` is no op, as any optional field may be null (SPEC section 4).
        let outline = RequestOutline(document)
        if let op = outline.op, document.kind(op) != .null {
            guard document.kind(op) == .string, document.string(op, equals: "ping") else {
                let shown = document.kind(op) == .string ? "unsupported op '\(document.string(op))'" : "'op' must be a string"
                return .error(AnswerError(.unsupportedOp, "\(shown); supported: ping (or no op for a request)", path: "$.op", id: id, line: lineNumber))
            }
            return .pong
        }
        let writesBefore = scratch.canonical.writes
        defer {
            // The input digest wrote this line's canonical JSON: the decision log can reuse it.
            if scratch.canonical.writes == writesBefore &+ 1 { scratch.lastLine?.canonicalWrite = scratch.canonical.writes }
        }
        do {
            return .decision(try engines.decide(document, outline: outline, scratch: scratch, audit: audit, forcedPack: forcedPack))
        } catch {
            return .error(AnswerError(error, id: id, line: lineNumber))
        }
    }

    /// `answer` as the JSON value of the text `write` gives for it, built from the typed answer
    /// (what `replay` and `diff` compare): no text is written or scanned.
    func tree(of answer: LineAnswer) -> JSONValue {
        var tree = JSONTreeWriter()
        write(answer, into: &tree)
        return tree.value ?? .null
    }

    /// `{"id": …, "error": {"code", "message", "path", "line"}}`.
    func write<Output: JSONOutput & ~Copyable>(_ error: AnswerError, into writer: inout Output) {
        writeError(error.code, error.message, path: error.path, id: error.id, lineNumber: error.line, into: &writer)
    }

    /// `{"op":"pong","policy":{name, version, digest},"policies":[…]}` (SPEC section 9): the
    /// default pack's current version, then every version sorted by name and `effective_from`.
    /// Copied from `compactPong` (re-indented by a pretty writer, parsed by a tree writer).
    public func writePong<Output: JSONOutput & ~Copyable>(into writer: inout Output) {
        writer.value(json: compactPong)
    }

    /// The pong itself, written once into `compactPong`.
    private static func writePong<Output: JSONOutput & ~Copyable>(of engines: EngineSet, into writer: inout Output) {
        let current = engines.defaultEngine.policy
        writer.beginObject()
        writer.key("op"); writer.string("pong")
        writer.key("policy"); writer.beginObject()
        writer.key("name"); writer.string(current.name)
        writer.key("version"); writer.string(current.version)
        writer.key("digest"); writer.string(current.digest)
        writer.endObject()
        writer.key("policies"); writer.beginArray()
        for policy in engines.policySet.allVersions {
            writer.beginObject()
            writer.key("name"); writer.string(policy.name)
            writer.key("version"); writer.string(policy.version)
            writer.key("digest"); writer.string(policy.digest)
            writer.key("effective_from")
            if let from = policy.effectiveFrom { writer.string(from.rfc3339) } else { writer.null() }
            writer.key("effective_until")
            if let until = policy.effectiveUntil { writer.string(until.rfc3339) } else { writer.null() }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }

    /// `{"id": …, "error": {"code", "message", "path", "line"}}`.
    public func writeError<Output: JSONOutput & ~Copyable>(_ code: ErrorCode, _ message: String, path: String?, id: String?, lineNumber: Int, into writer: inout Output) {
        writer.beginObject()
        writer.key("id")
        if let id { writer.string(id) } else { writer.null() }
        writer.key("error"); writer.beginObject()
        writer.key("code"); writer.string(code.rawValue)
        writer.key("message"); writer.string(message)
        writer.key("path")
        if let path { writer.string(path) } else { writer.null() }
        writer.key("line"); writer.int(lineNumber)
        writer.endObject()
        writer.endObject()
    }
}
