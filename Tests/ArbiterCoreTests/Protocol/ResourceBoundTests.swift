import Foundation
import Testing
@testable import ArbiterCore

/// SPEC section 8, "Limits": no accepted request may make `serve` use more than 256 MiB above
/// its idle size or write an answer over 16 MiB, at any audit level. The worst shapes under the
/// line limit: the most items, lines and whole-order discounts (tables of items × discounts),
/// and long line ids and categories (repeated in every trace entry of every line).
@Suite struct ResourceBoundTests {
    /// A return of `lines` one-unit lines of an order of `items` items under `discounts` coupons,
    /// every one with a threshold the kept goods miss (so every clawback table is filled).
    static func worstShape(items: Int, discounts: Int, lines: Int, idLength: Int, categoryLength: Int, kind: String = "return", reason: String = "no_reason") -> String {
        let pad = String(repeating: "x", count: max(0, idLength - 5))
        let category = String(repeating: "c", count: categoryLength)
        let itemList = (0..<items).map { #"{"line":"\#(pad)\#(String(format: "%05d", $0))","unit_price":"100.00","quantity":1,"category":"\#(category)"}"# }
        let discountList = (0..<discounts).map { #"{"id":"D\#($0)","kind":"coupon","amount":"0.01","threshold":"99999999.00"}"# }
        let lineList = (0..<lines).map { #"{"line":"\#(pad)\#(String(format: "%05d", $0))","quantity":1,"condition":"opened"}"# }
        return #"{"id":"worst","kind":"\#(kind)","reason":"\#(reason)","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","shipped_at":"2026-10-31T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","items":[\#(itemList.joined(separator: ","))],"discounts":[\#(discountList.joined(separator: ","))]},"lines":[\#(lineList.joined(separator: ","))],"evidence":{"photos":1}}"#
    }

    static let shapes: [String] = [
        worstShape(items: 1000, discounts: 100, lines: 1000, idLength: 6, categoryLength: 4),
        worstShape(items: 1000, discounts: 100, lines: 1000, idLength: 6, categoryLength: 4, kind: "refund_only", reason: "quality_issue"),
        worstShape(items: 1000, discounts: 10, lines: 1000, idLength: 300, categoryLength: 300),
        worstShape(items: 1000, discounts: 10, lines: 1000, idLength: 300, categoryLength: 300, kind: "refund_only", reason: "quality_issue"),
        worstShape(items: 1000, discounts: 100, lines: 1000, idLength: 6, categoryLength: 600, kind: "return", reason: "counterfeit"),
    ]

    @Test(arguments: ["none", "summary", "full"])
    func worstRequestsStayWithinTheBounds(audit: String) throws {
        for shape in Self.shapes { #expect(shape.utf8.count < 1_048_576, "the shape fits the default line limit") }
        let session = try ServeInteractiveTests.Session(audit: audit, options: ["--threads", "1"])
        session.send(#"{"op":"ping"}"#)
        _ = try #require(session.answer())
        let idle = try #require(session.memoryKiB("VmRSS"))
        session.sendInBackground(Self.shapes)
        var omitted = 0
        for index in Self.shapes.indices {
            let answer = try #require(session.rawAnswer(within: 120), "shape \(index)")
            #expect(answer.count <= 16 * 1_048_576, "shape \(index): a \(answer.count)-byte answer")
            let decision = try JSONReader.parse(answer)
            #expect(decision["outcome"] != nil, "shape \(index) is decided: \(String(decoding: answer.prefix(300), as: UTF8.self))")
            if decision["audit"]?["trail_omitted"] != nil { omitted += 1 }
        }
        // Long line ids in every trace entry of 1,000 lines: the trail alone would pass 10 MiB.
        #expect(audit == "full" ? omitted >= 1 : omitted == 0, "trails replaced by their size")
        let peak = try #require(session.memoryKiB("VmHWM"))
        #expect(peak - idle <= 256 * 1024, "peak \(peak) KiB, idle \(idle) KiB")
        #expect(session.finish() == 0)
    }
}
