import Foundation
import Testing
@testable import ArbiterCore

/// A caller that writes one line and waits must get its answer before it writes the next
/// (SPEC section 3: flushed after each line).
@Suite struct ServeInteractiveTests {
    /// A running `arbiter serve` with line-at-a-time access to its stdout.
    final class Session: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        private var pending: [UInt8] = []
        /// How much of `pending` holds no line break.
        private var scanned = 0

        init(audit: String = "summary", options: [String] = []) throws {
            process.executableURL = Repository.binary
            process.arguments = ["serve", "--rules", Repository.path("Rules/cn"), "--audit", audit] + options
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func send(_ line: String) {
            input.fileHandleForWriting.write(Data((line + "\n").utf8))
        }

        /// Writes the lines from another thread, so that long answers can be read meanwhile.
        func sendInBackground(_ lines: [String]) {
            let handle = input.fileHandleForWriting
            Thread { for line in lines { handle.write(Data((line + "\n").utf8)) } }.start()
        }

        /// The next answer line, or nil if none arrives within `seconds` (the caller would hang).
        func answer(within seconds: Double = 20) -> JSONValue? {
            rawAnswer(within: seconds).flatMap { try? JSONReader.parse($0) }
        }

        /// The bytes of the next answer line, without its line break.
        func rawAnswer(within seconds: Double = 20) -> [UInt8]? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let newline = pending[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(pending[..<newline])
                    pending.removeSubrange(...newline)
                    scanned = 0
                    return line
                }
                scanned = pending.count
                var descriptor = pollfd(fd: output.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 100) > 0 else { continue }
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return nil }
                pending += chunk
            }
            return nil
        }

        /// A field of the process's `/proc/PID/status` in KiB (`VmRSS`, `VmHWM`: its peak).
        func memoryKiB(_ field: String) -> Int? {
            guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else { return nil }
            for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
                return Int(line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
            }
            return nil
        }

        func finish() -> Int32 {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    @Test func eachLineIsAnsweredBeforeTheNextIsWritten() throws {
        let session = try Session()
        session.send("{\"op\":\"ping\"}")
        let pong = try #require(session.answer(), "no answer to a ping while stdin stays open")
        #expect(pong["op"] == .string("pong"))
        #expect(pong["policy"]?["version"] == .string("2026.11"))

        let request = try String(contentsOfFile: Repository.path("docs/examples/spec-worked-example.json"), encoding: .utf8)
        session.send(try JSONReader.parse(Array(request.utf8)).serialized(pretty: false))
        let decision = try #require(session.answer())
        #expect(decision["id"] == .string("req-20261105-0001"))
        #expect(decision["refund"]?["total"] == .string("185.96"))
        #expect(decision["audit"]?["rules_fired"] != nil, "summary audit keeps the fired rules")
        #expect(decision["audit"]?["trace"] == nil, "summary audit drops the trace")

        session.send("{\"id\": \"half\", ")
        let error = try #require(session.answer())
        #expect(error["error"]?["code"] == .string("invalid_json"))
        #expect(error["error"]?["line"] == .number("3"))

        session.send("{\"op\":\"ping\"}")
        #expect(session.answer()?["op"] == .string("pong"), "the stream goes on after a bad line")
        #expect(session.finish() == 0)
    }
}
