import Foundation
import Testing
@testable import ArbiterCore

/// Issue 9 / SPEC section 8 "Limits": timestamps are years 0001–9999 in and out. A deadline past
/// 9999 is `invalid_request` on the field it was computed from; an intermediate instant past
/// 9999 is later than every valid instant; never `internal`, a malformed timestamp or a crash.
@Suite struct TimestampLimitsTests {
    /// The SPEC's worked example (a no-reason return), with `change` applied.
    static func request(_ change: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repository.path("docs/examples/spec-worked-example.json")))
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        change(&object)
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func setOrder(_ object: inout [String: Any], _ key: String, _ value: Any) {
        var order = object["order"] as? [String: Any] ?? [:]
        order[key] = value
        object["order"] = order
    }

    static func answer(_ line: String, policy: Policy = Repository.cnPolicy, audit: AuditLevel = .full) throws -> JSONValue {
        var writer = JSONWriter(pretty: false)
        ProtocolHandler(engine: Engine(policy: policy), audit: audit).respond(to: try JSONReader.parse(Array(line.utf8)), lineNumber: 1, into: &writer)
        return try JSONReader.parse(writer.bytes)
    }

    /// The reproducer: a window of 106751991167300 days passed `check`, and `serve` died on the
    /// first no-reason return, losing the answers before it.
    @Test func hugeWindowAnswersInvalidRequestAndServeGoesOn() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try pack.edit("parameters.yaml", replacing: "value: 7\n    description: 七日无理由", with: "value: 106751991167300\n    description: 七日无理由")
        let input = "{\"op\":\"ping\"}\n" + (try Self.request()) + "\n{\"op\":\"ping\"}\n"
        let run = try ArbiterRun.run(["serve", "--rules", pack.path, "--threads", "1"], stdin: Array(input.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let answers = try run.stdout.split(separator: UInt8(ascii: "\n")).map { try JSONReader.parse(Array($0)) }
        try #require(answers.count == 3, "\(run.stdoutText)")
        #expect(answers[0]["op"] == .string("pong"))
        #expect(answers[1]["error"]?["code"] == .string("invalid_request"), "\(answers[1])")
        #expect(answers[1]["error"]?["path"] == .string("$.order.delivered_at"))
        #expect(answers[2]["op"] == .string("pong"))
    }

    /// A window of 3,000,000 days printed `return_by` in year 10240; the larger ones crashed.
    /// (A negative window is a `check` error: `CheckCommandTests`, negative-window.)
    @Test(arguments: ["3000000", "106751991167300", "9223372036854775807"])
    func windowPastYear9999IsInvalidRequest(window: String) throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try pack.edit("parameters.yaml", replacing: "value: 7\n    description: 七日无理由", with: "value: \(window)\n    description: 七日无理由")
        let policy = try #require(try? PolicyLocator.loadUsablePolicy(at: pack.path).get())
        for audit in [AuditLevel.full, .summary, .none] {
            let answer = try Self.answer(try Self.request(), policy: policy, audit: audit)
            #expect(answer["error"]?["code"] == .string("invalid_request"), "\(window) \(audit): \(answer)")
            #expect(answer["error"]?["path"] == .string("$.order.delivered_at"))
        }
    }

    /// `delivered_at` in 9999 gave `"return_by":"10000-01-07T23:59:59+08:00"`.
    @Test func deliveryInYear9999IsInvalidRequestAtDeliveredAt() throws {
        let line = try Self.request { object in
            Self.setOrder(&object, "delivered_at", "9999-12-30T10:00:00+08:00")
            object["requested_at"] = "9999-12-31T10:00:00+08:00"
        }
        let answer = try Self.answer(line)
        #expect(answer["error"]?["code"] == .string("invalid_request"), "\(answer)")
        #expect(answer["error"]?["path"] == .string("$.order.delivered_at"))
    }

    /// A deadline that just fits is written.
    @Test func deadlineOnTheLastDayIsWritten() throws {
        let line = try Self.request { object in
            Self.setOrder(&object, "delivered_at", "9999-12-24T10:00:00+08:00")
            object["requested_at"] = "9999-12-25T10:00:00+08:00"
        }
        let answer = try Self.answer(line)
        #expect(answer["deadlines"]?["return_by"] == .string("9999-12-31T23:59:59+08:00"), "\(answer)")
    }

    /// `shipped_at + lost_in_transit_after` past 9999 answered `internal`; it is later than every
    /// valid instant, so the parcel is still in transit.
    @Test(arguments: [AuditLevel.full, .summary, .none])
    func shipmentInYear9999IsDecided(audit: AuditLevel) throws {
        let line = try Self.request { object in
            object["kind"] = "refund_only"
            object["reason"] = "not_received"
            Self.setOrder(&object, "delivered_at", NSNull())
            Self.setOrder(&object, "shipped_at", "9999-12-31T23:59:59Z")
            object["requested_at"] = "9999-12-31T23:59:59Z"
        }
        let answer = try Self.answer(line, audit: audit)
        #expect(answer["error"] == nil, "\(answer)")
        guard case .array(let lines)? = answer["lines"] else {
            Issue.record("no lines: \(answer)")
            return
        }
        #expect(lines.first?["reasons"] == .array([.string("STILL_IN_TRANSIT")]), "\(answer)")
        if audit == .full {
            // The trace shows the intermediate instant without writing a malformed timestamp.
            let text = String(decoding: answer.serialized(pretty: false).utf8, as: UTF8.self)
            #expect(text.contains("later than 9999-12-31T23:59:59Z"))
            #expect(!text.contains("10000-"))
        }
    }

    @Test func timeArithmeticSaturatesInsteadOfTrapping() throws {
        let last = try Timestamp.parse("9999-12-31T23:59:59Z")
        let beyond = ValueOperations.shift(last, by: Int64.max)
        #expect(beyond > last && !beyond.isWritable)
        #expect(beyond.rfc3339 == "later than 9999-12-31T23:59:59Z")
        let before = ValueOperations.shift(try Timestamp.parse("0001-01-01T00:00:00Z"), by: Int64.min)
        #expect(before < last && before.rfc3339 == "earlier than 0001-01-01T00:00:00Z")
        #expect(try ValueOperations.arithmetic(.subtract, .timestamp(last), .duration(Int64.min)) == .timestamp(beyond))
        let zone = try #require(Zone.named("America/Santiago"))
        for day in [Int64.max, Int64.min, 2_933_261, -719_527] {
            _ = zone.endOfLocalDay(day)
        }
        #expect(zone.localDay(of: beyond) > zone.localDay(of: last))
        #expect(zone.calendarDays(from: before, to: beyond) > 0)
        #expect(!Timestamp(epochSeconds: 253_402_300_799, offsetSeconds: 3_600).isWritable, "10000-01-01T00:59:59+01:00")
        #expect(Timestamp(epochSeconds: 253_402_300_799 + 3_600, offsetSeconds: -3_600).isWritable, "9999-12-31T23:59:59-01:00")
    }
}
