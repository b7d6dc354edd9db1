import Foundation
import Testing
@testable import ArbiterCore

/// `arbiter serve` as callers use it: the real binary, a pipe, the shared workload with
/// malformed lines mixed in.
@Suite(.serialized) struct ServeEndToEndTests {
    /// `bench/gen_requests.py -n N --bad RATE` (a copy of the team's shared workload generator).
    /// `options`: more of the generator's options (`--pack eu`, `--payments 1`).
    static func workload(count: Int, bad: Double, seed: Int = 7, options: [String] = []) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Repository.path("bench/gen_requests.py"), "-n", "\(count)", "--seed", "\(seed)", "--bad", "\(bad)"] + options
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// What a malformed workload line must be answered with, worked out independently of the
    /// arbiter: Foundation's JSON parser says whether it is JSON at all, and the generator's
    /// five ways of breaking a request each have one path.
    static func expectedError(for line: String) -> (code: String, path: String?)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return ("invalid_json", nil)
        }
        guard let order = object["order"] as? [String: Any] else { return ("invalid_request", "$.order") }
        if let requestedAt = object["requested_at"] as? String, !requestedAt.contains("T") || requestedAt.hasPrefix("2026-13") {
            return ("invalid_request", "$.requested_at")
        }
        let items = order["items"] as? [[String: Any]] ?? []
        if let price = items.first?["unit_price"], !(price is String) || ["-3.00", "1.005", "1e3", "abc"].contains(price as? String ?? "") {
            return ("invalid_request", "$.order.items[0].unit_price")
        }
        // A compensation claim's lines are ignored (SPEC rule 13) but must still be well formed (section 8).
        let lines = object["lines"] as? [[String: Any]] ?? []
        if lines.first?["line"] as? String == "NOPE" { return ("invalid_request", "$.lines[0].line") }
        if let quantity = lines.first?["quantity"] {
            if !(quantity is Int) || (quantity as? Int ?? 0) < 1 || String(describing: quantity).contains(".") {
                return ("invalid_request", "$.lines[0].quantity")
            }
        }
        return nil
    }

    @Test func malformedLinesGetErrorsAndNeverShiftLaterAnswers() throws {
        let lines = try Self.workload(count: 1500, bad: 0.25)
        var input = lines.joined(separator: "\n")
        input += "\n\n   \n"                                  // blank lines get no answer
        input += "{\"op\":\"ping\"}\r\n"                     // CRLF
        input += "{\"op\":\"reboot\",\"id\":\"x-1\"}\n"
        input += "[1,2,3]\n"
        input += "{\"id\":\"nul\u{0}\"}\n"                    // a NUL inside a string
        var bytes = Array(input.utf8)
        bytes += [0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]  // {"id":"<invalid UTF-8>"}
        bytes += Array(String(repeating: "[", count: 100_000).utf8) + [0x0a]             // nesting bomb
        bytes += Array("{\"op\":\"ping\"}".utf8)                                          // last line without a newline

        let run = try ArbiterRun.run(["serve", "--rules", Repository.path("Rules/cn"), "--audit", "full"], stdin: bytes)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let answers = run.stdout.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
        let extra = 7
        try #require(answers.count == lines.count + extra, "one answer per non-empty line")

        let handler = ProtocolHandler(engine: Engine(policy: Repository.cnPolicy), audit: .full)
        var malformed = 0
        for (index, line) in lines.enumerated() {
            let answer = try JSONReader.parse(answers[index])
            if let expected = Self.expectedError(for: line) {
                malformed += 1
                #expect(answer["error"]?["code"] == .string(expected.code), "line \(index + 1): \(line.prefix(120))")
                #expect(answer["error"]?["path"] == (expected.path.map(JSONValue.string) ?? .null), "line \(index + 1)")
                #expect(answer["error"]?["line"] == .number("\(index + 1)"))
                if expected.code == "invalid_request" {
                    #expect(answer["id"] == .string(String(format: "req-%08d", index)), "the id is echoed when it can be read")
                }
            } else {
                // The same bytes the library gives for this line in-process: order kept, nothing shifted.
                var writer = JSONWriter(pretty: false)
                Array(line.utf8).withUnsafeBytes { handler.respond(to: $0, lineNumber: index + 1, into: &writer) }
                #expect(answers[index] == writer.bytes, "line \(index + 1)")
                #expect(answer["outcome"] != nil)
            }
        }
        #expect(malformed > 250, "the workload mixes in malformed lines")

        let tail = try answers.suffix(extra).map { try JSONReader.parse($0) }
        #expect(tail[0]["op"] == .string("pong"))
        #expect(tail[1]["error"]?["code"] == .string("unsupported_op"))
        #expect(tail[1]["id"] == .string("x-1"))
        #expect(tail[2]["error"]?["code"] == .string("invalid_request"))
        #expect(tail[3]["error"]?["code"] == .string("invalid_json"), "a raw NUL byte is not JSON")
        #expect(tail[4]["error"]?["code"] == .string("invalid_json"), "invalid UTF-8")
        #expect(tail[5]["error"]?["code"] == .string("invalid_json"), "nesting bomb")
        #expect(tail[6]["op"] == .string("pong"), "a final line without a newline is answered")
        #expect(tail[0]["policy"]?["name"] == .string("cn"))
    }

    @Test func decisionsEqualDecide() throws {
        let lines = try Self.workload(count: 12, bad: 0, seed: 3)
        let served = try ArbiterRun.run(["serve", "--rules", Repository.path("Rules/cn")], stdin: Array((lines.joined(separator: "\n") + "\n").utf8))
        let answers = served.stdout.split(separator: UInt8(ascii: "\n")).map(Array.init)
        try #require(answers.count == lines.count)
        for (index, line) in lines.enumerated() {
            let decided = try ArbiterRun.run(["decide", "--rules", Repository.path("Rules/cn"), "-"], stdin: Array(line.utf8))
            #expect(decided.status == 0, "\(decided.stderr)")
            // decide pretty-prints the same decision: equal once parsed, byte-identical once compacted.
            let pretty = try JSONReader.parse(decided.stdout)
            #expect(Array(pretty.serialized(pretty: false).utf8) == answers[index], "request \(index)")
        }
    }

    @Test func tooLargeLinesAreAnsweredAndSkipped() throws {
        let big = "{\"id\":\"big\",\"pad\":\"" + String(repeating: "x", count: 5_000) + "\"}"
        let input = big + "\n{\"op\":\"ping\"}\n" + big
        let run = try ArbiterRun.run(["serve", "--rules", Repository.path("Rules/cn"), "--max-line-bytes", "1000"], stdin: Array(input.utf8))
        let answers = try run.stdout.split(separator: UInt8(ascii: "\n")).map { try JSONReader.parse(Array($0)) }
        try #require(answers.count == 3)
        #expect(answers[0]["error"]?["code"] == .string("too_large"))
        #expect(answers[0]["error"]?["line"] == .number("1"))
        #expect(answers[1]["op"] == .string("pong"))
        #expect(answers[2]["error"]?["code"] == .string("too_large"))
        #expect(answers[2]["error"]?["line"] == .number("3"))
    }

    @Test func unusablePolicyExitsTwo() throws {
        let run = try ArbiterRun.run(["serve", "--rules", "/nonexistent/policy"], stdin: Array("{\"op\":\"ping\"}\n".utf8))
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("/nonexistent/policy"))
    }
}
