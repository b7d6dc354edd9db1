import Crypto

/// One line of a decision log, read on its own: its shape checked and its hash recomputed.
/// What links it to the lines around it (`seq`, `prev`, `prev_file`) is `LogChainCheck`'s.
struct LogLine {
    /// A record keeps the line it answered in at most one of `raw`, `raw_b64`, `raw_bytes`
    /// (`log verify` and `replay` both say so).
    static let keptSeveralWays = "a record keeps its line in one of 'raw', 'raw_b64' or 'raw_bytes', not several"

    enum Kind: Equatable {
        /// A file's first line.
        case header(prevFile: String?, engine: String, policies: JSONValue)
        case record(seq: Int, prev: String)
    }

    var kind: Kind
    /// The line's `hash`, as written.
    var hash: String
    /// SHA-256 of the line's canonical JSON without `hash`.
    var computedHash: String
    /// Whether the line is its own canonical JSON, as `serve` writes every line: nothing in it
    /// that the hash does not cover (whitespace, an earlier value of a repeated key, members out
    /// of order, escapes where none are needed).
    var isCanonical: Bool
}

/// Reads log lines with reusable tapes and a canonical writer (one reader per thread).
final class LogLineParser {
    private let tape = JSONTape()
    private let strippedTape = JSONTape()
    private let canonical = CanonicalJSONWriter()

    private static let headerFields: Set<String> = ["created_at", "engine", "format", "hash", "log", "policies", "prev_file"]
    private static let recordFields: Set<String> = ["at", "decision", "hash", "input_line", "prev", "raw", "request", "seq"]
    private static let optionalRecordFields: Set<String> = ["raw_b64", "raw_bytes", "raw_sha256"]

    /// The line read, or what is wrong with it (a lowercase phrase).
    func parse(_ line: UnsafeRawBufferPointer) -> Result<LogLine, LogLineProblem> {
        let view: JSONTape.View
        do {
            view = try tape.parse(line)
        } catch {
            return .failure(.init("not JSON: \(error.message) at byte \(error.offset + 1)"))
        }
        guard view.kind(view.root) == .object else { return .failure(.init("not a JSON object")) }
        var fields: [String: Int] = [:]
        for (key, value) in view.members(of: view.root) {
            let name = view.string(key)
            if fields[name] != nil { return .failure(.init("field '\(name)' appears twice")) }
            fields[name] = value
        }
        let isHeader = fields["log"] != nil
        guard isHeader || fields["seq"] != nil else { return .failure(.init("neither a header (no 'log') nor a record (no 'seq')")) }
        let required = isHeader ? Self.headerFields : Self.recordFields
        let optional: Set<String> = isHeader ? [] : Self.optionalRecordFields
        for name in required.sorted() where fields[name] == nil {
            return .failure(.init("\(isHeader ? "header" : "record") has no '\(name)'"))
        }
        for name in fields.keys.sorted() where !required.contains(name) && !optional.contains(name) {
            return .failure(.init("unexpected field '\(name)' in a \(isHeader ? "header" : "record")"))
        }
        guard let hashToken = fields["hash"], let hash = Self.hashText(view, hashToken) else {
            return .failure(.init("'hash' is not sha256: and 64 lowercase hex digits"))
        }
        let kind: LogLine.Kind
        if isHeader {
            guard let log = fields["log"], view.kind(log) == .string, view.string(log) == LogFormat.name else {
                return .failure(.init("bad header: 'log' is not \"\(LogFormat.name)\""))
            }
            guard let format = fields["format"], Self.integer(view, format) == LogFormat.version else {
                return .failure(.init("bad header: 'format' is not \(LogFormat.version)"))
            }
            guard let created = fields["created_at"], view.kind(created) == .string,
                  (try? Timestamp.parse(view.string(created))) != nil else {
                return .failure(.init("bad header: 'created_at' is not an RFC 3339 timestamp"))
            }
            guard let engine = fields["engine"], view.kind(engine) == .string else {
                return .failure(.init("bad header: 'engine' is not a string"))
            }
            guard let policies = fields["policies"], view.kind(policies) == .array else {
                return .failure(.init("bad header: 'policies' is not an array"))
            }
            guard let prevFileToken = fields["prev_file"] else { return .failure(.init("header has no 'prev_file'")) }
            let prevFile: String?
            if view.kind(prevFileToken) == .null {
                prevFile = nil
            } else if let text = Self.hashText(view, prevFileToken) {
                prevFile = text
            } else {
                return .failure(.init("bad header: 'prev_file' is neither null nor a sha256: hash"))
            }
            kind = .header(prevFile: prevFile, engine: view.string(engine), policies: Self.value(view, policies))
        } else {
            guard let seqToken = fields["seq"], let seq = Self.integer(view, seqToken), seq >= 1 else {
                return .failure(.init("'seq' is not a positive integer"))
            }
            guard let inputLine = fields["input_line"], let number = Self.integer(view, inputLine), number >= 1 else {
                return .failure(.init("'input_line' is not a positive integer"))
            }
            guard let at = fields["at"], view.kind(at) == .string, (try? Timestamp.parse(view.string(at))) != nil else {
                return .failure(.init("'at' is not an RFC 3339 timestamp"))
            }
            guard let prevToken = fields["prev"], let prev = Self.hashText(view, prevToken) else {
                return .failure(.init("'prev' is not sha256: and 64 lowercase hex digits"))
            }
            guard let decision = fields["decision"], view.kind(decision) == .object else {
                return .failure(.init("'decision' is not an object"))
            }
            // What the line was (SPEC section 10): the parsed request, or, when it was not JSON,
            // its text in one of `raw`, `raw_b64` (not UTF-8) or `raw_bytes` (too large). A null
            // `request` with none of them is the line `null` itself (valid JSON, parsed).
            guard let request = fields["request"] else { return .failure(.init("record has no 'request'")) }
            guard let raw = fields["raw"], view.kind(raw) == .string || view.kind(raw) == .null else {
                return .failure(.init("'raw' is neither a string nor null"))
            }
            let keptAs = [
                view.kind(raw) == .string,
                fields["raw_b64"].map { view.kind($0) == .string } ?? false,
                fields["raw_bytes"].map { Self.integer(view, $0) != nil } ?? false,
            ].filter { $0 }.count
            if view.kind(request) == .null {
                guard keptAs <= 1 else {
                    return .failure(.init(LogLine.keptSeveralWays))
                }
            } else if keptAs != 0 {
                return .failure(.init("a record with a 'request' has no 'raw', 'raw_b64' or 'raw_bytes'"))
            }
            kind = .record(seq: seq, prev: prev)
        }
        let computed = Self.hashWithoutHashMember(line, view: view, hashKey: hashToken - 1, stripped: strippedTape, canonical: canonical)
        return .success(LogLine(kind: kind, hash: hash, computedHash: computed.hash, isCanonical: computed.isCanonical))
    }

    /// SHA-256 of the canonical JSON of the line without its `hash` member: the member is cut
    /// out of the text (with one comma) and the rest written canonically. The line is canonical
    /// when what is left is exactly that canonical JSON (the `hash` member sat in its sorted place).
    private static func hashWithoutHashMember(_ line: UnsafeRawBufferPointer, view: JSONTape.View, hashKey: Int, stripped: JSONTape,
                                              canonical: CanonicalJSONWriter) -> (hash: String, isCanonical: Bool) {
        var rest: [UInt8]
        // A key or value written with escapes is never canonical: a hash needs none.
        var mayBeCanonical = true
        if !view.isDecoded(hashKey), !view.isDecoded(hashKey + 1), let lineBase = line.baseAddress,
           let keyBase = view.quotedInputBytes(hashKey).baseAddress, let valueBase = view.quotedInputBytes(hashKey + 1).baseAddress {
            let memberStart = lineBase.distance(to: keyBase)
            var memberEnd = lineBase.distance(to: valueBase) + view.quotedInputBytes(hashKey + 1).count
            var cutStart = memberStart
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
            var after = memberEnd
            while after < line.count, isSpace(line[after]) { after += 1 }
            if after < line.count, line[after] == UInt8(ascii: ",") {
                memberEnd = after + 1
            } else {
                var before = memberStart - 1
                while before > 0, isSpace(line[before]) { before -= 1 }
                if before > 0, line[before] == UInt8(ascii: ",") { cutStart = before }
            }
            rest = Array(line[0..<cutStart]) + Array(line[memberEnd...])
        } else {
            // Rebuild the object without the member.
            guard case .object(let members)? = try? JSONReader.parse(line) else { return ("", false) }
            rest = Array(JSONValue.object(members.filter { $0.key != "hash" }).serialized(pretty: false).utf8)
            mayBeCanonical = false
        }
        return rest.withUnsafeBytes { raw in
            guard let view = try? stripped.parse(raw) else { return ("", false) }
            let written = canonical.write(view)
            return (SHA256.hash(data: written).auditText, mayBeCanonical && written.elementsEqual(raw))
        }
    }

    private static func hashText(_ view: JSONTape.View, _ token: Int) -> String? {
        guard view.kind(token) == .string else { return nil }
        let text = view.string(token)
        return LogFormat.isHashText(text) ? text : nil
    }

    /// A number token that is a plain non-negative integer (digits only, at most 18).
    private static func integer(_ view: JSONTape.View, _ token: Int) -> Int? {
        guard view.kind(token) == .number else { return nil }
        let bytes = view.bytes(token)
        guard !bytes.isEmpty, bytes.count <= 18, bytes.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        if bytes.count > 1, bytes[0] == UInt8(ascii: "0") { return nil }
        return bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// The subtree at `token` as a `JSONValue` (small: the header's policies).
    private static func value(_ view: JSONTape.View, _ token: Int) -> JSONValue {
        switch view.kind(token) {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .number: return .number(String(decoding: view.bytes(token), as: UTF8.self))
        case .string: return .string(view.string(token))
        case .array: return .array(view.elements(of: token).map { value(view, $0) })
        case .object: return .object(view.members(of: token).map { JSONMember(key: view.string($0.key), value: value(view, $0.value)) })
        }
    }
}

/// What is wrong with one line of a log (placed at its file and line by the caller).
struct LogLineProblem: Error, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
}
