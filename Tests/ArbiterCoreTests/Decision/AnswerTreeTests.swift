import Testing
@testable import ArbiterCore

/// `ProtocolHandler.tree(of:)`, what `replay` and `diff` compare, against the value of the
/// bytes `serve` writes for the same answer: equal on the shared workload (with malformed
/// lines and pings) at every audit level, on strings that need escapes, and on both sides of
/// the size where the trail is omitted.
@Suite struct AnswerTreeTests {
    /// The answer as a tree built from its value, and the parse of its protocol bytes.
    static func both(_ answer: ProtocolHandler.LineAnswer, handler: ProtocolHandler) throws -> (tree: JSONValue, parsed: JSONValue) {
        var bytes = JSONWriter(pretty: false)
        handler.write(answer, into: &bytes)
        return (handler.tree(of: answer), try JSONReader.parse(bytes.bytes))
    }

    @Test(arguments: AuditLevel.allCases)
    func sharedWorkload(audit: AuditLevel) throws {
        let lines = try ServeEndToEndTests.workload(count: 1200, bad: 0.25, seed: 5) + [#"{"op":"ping"}"#, #"{"op":"pong"}"#]
        let decider = Decider(policy: Repository.rulesSet, audit: audit)
        var kinds: Set<String> = []
        for (index, line) in lines.enumerated() {
            let answer = Array(line.utf8).withUnsafeBytes {
                decider.handler.answer(to: $0, lineNumber: index + 1, scratch: decider.scratch)
            }
            switch answer {
            case .decision: kinds.insert("decision")
            case .error(let error): kinds.insert(error.code.rawValue)
            case .pong: kinds.insert("pong")
            }
            let (tree, parsed) = try Self.both(answer, handler: decider.handler)
            #expect(tree == parsed, "line \(index + 1) at \(audit)")
        }
        #expect(kinds.isSuperset(of: ["decision", "pong", "invalid_json", "invalid_request", "unsupported_op"]), "\(kinds)")
    }

    @Test func stringsThatNeedEscapesAndAmountsWithoutDecimals() throws {
        let handler = ProtocolHandler(engine: Engine(policy: Repository.cnPolicy), audit: .full)
        let odd = "quote \" backslash \\ nl \n nul \u{0} é 中 😀 \u{2028}"
        for currency in [Currency.named("CNY")!, Currency.named("JPY")!] {
            var decision = CanonicalDecisionTests.decision(
                trace: [TraceEntry(rule: odd, at: "a:1", basis: odd, line: odd, fired: true, conditions: [
                    TraceCondition(expr: odd, value: .rows([[AuditField(name: odd, value: .money(-1999))]]), left: .int(-3), right: .null),
                ])],
                computations: [Computation(odd, [("v", .money(-5)), ("w", .string(odd))])])
            decision.currency = currency
            decision.id = odd
            decision.reasons = [DecisionReason(code: "X", rule: odd, message: odd)]
            let (tree, parsed) = try Self.both(.decision(decision), handler: handler)
            #expect(tree == parsed, "\(currency)")
        }
        let (tree, parsed) = try Self.both(.error(AnswerError(.invalidRequest, odd, path: "$.x", id: odd, line: 9)), handler: handler)
        #expect(tree == parsed)
    }

    /// At the limit the trail stays; one byte over it, both forms replace it by its size.
    @Test func omittedTrailAtTheLimit() throws {
        let handler = ProtocolHandler(engine: Engine(policy: Repository.cnPolicy), audit: .full)
        for (padding, omitted) in try CanonicalDecisionTests.paddingsAroundTheTrailLimit() {
            let (tree, parsed) = try Self.both(.decision(CanonicalDecisionTests.paddedDecision(padding)), handler: handler)
            #expect(tree == parsed, "padding \(padding)")
            #expect((parsed["audit"]?["trail_omitted"] != nil) == omitted)
            #expect((parsed["audit"]?["trace"] == nil) == omitted)
        }
    }
}
