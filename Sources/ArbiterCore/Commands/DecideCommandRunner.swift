/// `arbiter decide`: decide one request and print the decision as pretty JSON — the same
/// decision `serve` gives for the same line.
public enum DecideCommandRunner {
    public struct Output: Sendable {
        public var stdout: String
        public var stderr: String
        public var status: ExitStatus
    }

    public static func run(policy: Policy, input: [UInt8], audit: AuditLevel = .full) -> Output {
        run(set: PolicySet(lone: policy), input: input, audit: audit)
    }

    /// Decides with the version of the set's packs that selection picks (SPEC section 9).
    public static func run(set: PolicySet, input: [UInt8], audit: AuditLevel = .full) -> Output {
        let handler = ProtocolHandler(engines: EngineSet(set), audit: audit)
        var compact = JSONWriter(pretty: false)
        var text = input[...]
        while let last = text.last, last == 0x0a || last == 0x0d || last == 0x20 || last == 0x09 { text = text.dropLast() }
        text.withUnsafeBytes { raw in handler.respond(to: raw, lineNumber: 1, into: &compact, scratch: RequestScratch()) }
        // Re-indent the compact answer; it is valid JSON by construction.
        guard let answer = try? JSONReader.parse(compact.bytes) else {
            return Output(stdout: "", stderr: "arbiter: internal error: unreadable answer\n", status: .unusable)
        }
        let failed = answer["error"] != nil
        return Output(stdout: answer.serialized(pretty: true) + "\n", stderr: "", status: failed ? .unusable : .success)
    }
}
