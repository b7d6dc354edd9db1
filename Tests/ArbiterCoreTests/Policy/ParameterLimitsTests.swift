import Foundation
import Testing
@testable import ArbiterCore

/// Issue 9: parameter values that would overflow are `check` errors at the value, never a crash.
@Suite struct ParameterLimitsTests {
    struct Case: Sendable, CustomStringConvertible {
        var parameter: String
        var original: String
        var replacement: String
        var expected: String
        var description: String { "\(parameter): \(replacement)" }
    }

    static let cases: [Case] = [
        // The reproducer: 9999999999999999 days in seconds is beyond Int64.
        Case(parameter: "lost_in_transit_after", original: "value: 15d", replacement: "value: 9999999999999999d",
             expected: "Rules/cn/parameters.yaml:38:12: error: parameter 'lost_in_transit_after': '9999999999999999d' is longer than 3652059d, the span of timestamps (years 0001–9999)"),
        Case(parameter: "lost_in_transit_after", original: "value: 15d", replacement: "value: 99999999999999999999999s",
             expected: "Rules/cn/parameters.yaml:38:12: error: parameter 'lost_in_transit_after': '99999999999999999999999s' is longer than 3652059d"),
        Case(parameter: "perishable_claim_window", original: "value: 48h", replacement: "value: 3652060d",
             expected: "Rules/cn/parameters.yaml:46:12: error: parameter 'perishable_claim_window': '3652060d' is longer than 3652059d"),
        Case(parameter: "no_reason_window_days", original: "value: 7", replacement: "value: 9223372036854775808",
             expected: "Rules/cn/parameters.yaml:10:12: error: parameter 'no_reason_window_days': '9223372036854775808' is out of range for an int"),
        Case(parameter: "food_punitive_minimum", original: "value: \"1000.00\"", replacement: "value: \"92233720368547758.08\"",
             expected: "Rules/cn/parameters.yaml:"),
        Case(parameter: "keep_item_refund_rate", original: "value: 20%", replacement: "value: 9223372036854775808%",
             expected: "Rules/cn/parameters.yaml:"),
    ]

    @Test(arguments: cases)
    func overflowingValueIsALocatedCheckError(testCase: Case) throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        let text = try String(contentsOfFile: pack.file("parameters.yaml"), encoding: .utf8)
        // Edit the value of this parameter only (the same text may be another parameter's value).
        let start = try #require(text.range(of: "  \(testCase.parameter):\n"))
        let valueRange = try #require(text.range(of: testCase.original, range: start.upperBound..<text.endIndex))
        try text.replacingCharacters(in: valueRange, with: testCase.replacement)
            .write(toFile: pack.file("parameters.yaml"), atomically: true, encoding: .utf8)
        let output = pack.check()
        #expect(output.status == .failure, "\(output.text)")
        let first = output.text.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix(testCase.expected), "\(output.text)")
        #expect(first.contains(": error: ") && first.contains(testCase.parameter), "\(output.text)")
    }

    @Test func longestDurationIsAccepted() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try pack.edit("parameters.yaml", replacing: "value: 15d", with: "value: 3652059d")
        let output = pack.check()
        #expect(output.status == .success, "\(output.text)")
    }
}
