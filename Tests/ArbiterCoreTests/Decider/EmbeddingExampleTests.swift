// Deliberately not `@testable`: this file sees ArbiterCore as another package would, so the
// README's embedding example below compiles only against the public API.
import ArbiterCore
import Foundation
import Testing

@Suite struct EmbeddingExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A return of one of two units of a 99.00 item paid in full, the day after delivery.
    static let requestJSON = """
        {"id":"r-1","kind":"return","reason":"no_reason","requested_at":"2026-11-03T10:00:00+08:00",\
        "order":{"id":"o-1","currency":"CNY","timezone":"Asia/Shanghai","placed_at":"2026-10-30T09:00:00+08:00",\
        "paid_at":"2026-10-30T09:01:00+08:00","shipped_at":"2026-10-31T09:00:00+08:00","delivered_at":"2026-11-02T09:00:00+08:00",\
        "shipping_fee":"0.00","items":[{"line":"L1","sku":"S-1","category":"apparel","unit_price":"99.00","quantity":2}],\
        "discounts":[]},"lines":[{"line":"L1","quantity":1}]}
        """

    @Test func readmeExampleDecidesARequest() throws {
        let rulesDirectory = Self.root.appendingPathComponent("Rules").path
        let requestJSON = Self.requestJSON
        var printed: [String] = []
        func print(_ items: Any...) { printed.append(items.map { "\($0)" }.joined(separator: " ")) }

        // BEGIN README EXAMPLE
        let policy = try PolicySet.load(directory: rulesDirectory)  // checked once; throws every diagnostic
        let decider = Decider(policy: policy, audit: .summary)      // one per thread; reuses its buffers
        do {
            let decision = try decider.decide(line: requestJSON)
            print(decision.outcome, decision.refund.total, decision.reasons.map(\.code))
        } catch {
            print(error.code, error.path ?? "-", error.message)     // a typed AnswerError
        }
        // END README EXAMPLE

        #expect(printed == ["approve 9900 [\"SEVEN_DAY_NO_REASON\"]"])
    }

    /// The README shows exactly the code above, so the documented example is the tested one.
    @Test func readmeShowsTheTestedExample() throws {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let lines = source.components(separatedBy: "\n")
        guard let begin = lines.firstIndex(where: { $0.hasSuffix("// BEGIN README EXAMPLE") }),
              let end = lines.firstIndex(where: { $0.hasSuffix("// END README EXAMPLE") }) else {
            Issue.record("markers missing")
            return
        }
        let example = lines[(begin + 1)..<end].map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : $0 }.joined(separator: "\n")
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(example), "README.md must contain the example of EmbeddingExampleTests verbatim:\n\(example)")
    }

    /// Issue 13: the public surface is safe — no declaration a caller can reach takes or returns
    /// a raw pointer (the tape's views and the writer's buffers are internal).
    @Test func noPublicDeclarationTakesOrReturnsARawPointer() throws {
        let sources = Self.root.appendingPathComponent("Sources/ArbiterCore")
        let signature = try Regex(#"^\s*(@\w+\s+)*public\s+(static\s+|mutating\s+|final\s+)*(func|init|var|let|subscript)\b[^{=]*Unsafe"#)
        var found: [String] = []
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(files.count > 50)
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(signature) {
                found.append("\(file):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test func invalidRequestIsATypedError() throws {
        let decider = Decider(policy: try PolicySet.load(directory: Self.root.appendingPathComponent("Rules").path))
        let broken = Self.requestJSON.replacingOccurrences(of: "\"unit_price\":\"99.00\"", with: "\"unit_price\":\"99.0x\"")
        #expect(throws: AnswerError.self) { try decider.decide(line: broken) }
        do {
            _ = try decider.decide(line: broken)
        } catch {
            #expect(error.code == .invalidRequest)
            #expect(error.path == "$.order.items[0].unit_price")
            #expect(error.id == "r-1")
            // As the README's example prints them: the protocol's code, and the error's own words.
            #expect("\(error.code)" == "invalid_request")
            #expect((error as Error).localizedDescription == error.description)
            #expect(error.description.contains("$.order.items[0].unit_price"))
        }
        // A policy that does not load says what is wrong in its localized description too.
        do {
            _ = try PolicySet.load(directory: "/nonexistent-arbiter-policy")
            Issue.record("no policy there")
        } catch {
            #expect((error as Error).localizedDescription == error.message)
            #expect(error.message.contains("/nonexistent-arbiter-policy"))
        }
        do {
            _ = try decider.decide(line: "{\"op\":\"ping\"}")
            Issue.record("a ping is not a request")
        } catch {
            #expect(error.code == .unsupportedOp)
        }
        // The protocol's bytes for the same lines: an error object and a pong.
        let answer = String(decoding: decider.answer(line: Array(broken.utf8), lineNumber: 7), as: UTF8.self)
        #expect(answer.contains("\"code\":\"invalid_request\"") && answer.contains("\"line\":7"))
        #expect(String(decoding: decider.answer(line: Array("{\"op\":\"ping\"}".utf8)), as: UTF8.self).hasPrefix("{\"op\":\"pong\""))
    }

    /// `"op": null` is no op (SPEC section 4: optional fields may be null): the request is decided,
    /// as a typed model that always writes `op` sends it. A non-string op is refused by name.
    @Test func aNullOpIsARequest() throws {
        let policy = try PolicySet.load(directory: Self.root.appendingPathComponent("Rules").path)
        // No audit block: the input digest is of the bytes sent, which differ by `"op":null`.
        let decider = Decider(policy: policy, audit: .none)
        let withNullOp = "{\"op\":null," + Self.requestJSON.dropFirst()
        #expect(try decider.decide(line: withNullOp) == decider.decide(line: Self.requestJSON))
        do {
            _ = try decider.decide(line: "{\"op\":5," + Self.requestJSON.dropFirst())
            Issue.record("a number is no op")
        } catch {
            #expect(error.code == .unsupportedOp)
            #expect(error.message == "'op' must be a string; supported: ping (or no op for a request)")
        }
    }

    /// A decision is a value: stored with Codable and read back, it is the same decision, trace included.
    @Test func decisionsRoundTripThroughCodable() throws {
        let policy = try PolicySet.load(directory: Self.root.appendingPathComponent("Rules").path)
        for audit in AuditLevel.allCases {
            let decision = try Decider(policy: policy, audit: audit).decide(line: Self.requestJSON)
            let stored = try JSONEncoder().encode(decision)
            let restored = try JSONDecoder().decode(Decision.self, from: stored)
            #expect(restored == decision)
            // Written out, the stored value gives the protocol's bytes of the decision it was made from.
            var original = JSONWriter(pretty: false), reread = JSONWriter(pretty: false)
            DecisionWriter.write(decision, into: &original)
            DecisionWriter.write(restored, into: &reread)
            #expect(original.bytes == reread.bytes)
            if audit == .full {
                let trace = try #require(decision.audit?.trace)
                #expect(trace.contains { $0.rule == "cn.no-reason.window" && $0.fired && $0.effects == ["approve SEVEN_DAY_NO_REASON"] })
                #expect(decision.audit?.computations.contains { $0.step == "unit_share" } == true)
                // Audit values are stored as one member naming their kind, not Swift's `_0` labels.
                let text = String(decoding: stored, as: UTF8.self)
                #expect(text.contains(#"{"money":"#) && !text.contains(#""_0""#), "\(text.prefix(600))")
            } else {
                #expect(decision.audit?.trace == nil)
            }
            #expect((decision.audit == nil) == (audit == .none))
        }
    }

    /// Two deciders on two threads decide alike, and a decider answers later requests with
    /// buffers from earlier ones without mixing them up.
    @Test func oneDeciderPerThread() throws {
        let policy = try PolicySet.load(directory: Self.root.appendingPathComponent("Rules").path)
        let lines = (0..<200).map { Self.requestJSON.replacingOccurrences(of: "\"r-1\"", with: "\"r-\($0)\"") }
        let expected = try lines.map { try Decider(policy: policy).decide(line: $0) }
        let results = UnsafeSendableBox(Array(repeating: [Decision](), count: 2))
        DispatchQueue.concurrentPerform(iterations: 2) { thread in
            let decider = Decider(policy: policy)
            results.value[thread] = lines.compactMap { try? decider.decide(line: $0) }
        }
        #expect(results.value[0] == expected)
        #expect(results.value[1] == expected)
        #expect(Set(expected.map(\.id)).count == 200)
    }
}

/// Each thread writes only its own element, and the array is read after both have finished.
private final class UnsafeSendableBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
