import Foundation
import Testing
@testable import ArbiterCore

/// A zone's offsets come from a table read once from the time-zone database (`OffsetTable`);
/// the table must give the database's offset at every instant it covers, above all on both
/// sides of every transition, and leave the rest to the database.
@Suite struct OffsetTableTests {
    static let zones = ["Europe/Berlin", "America/Santiago", "Australia/Lord_Howe", "Europe/Dublin", "America/New_York", "Asia/Shanghai", "UTC"]

    static func databaseOffset(_ timeZone: TimeZone, _ seconds: Int64) -> Int32 {
        Int32(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }

    /// The second before and the second of every change the table lists, and the instants in between.
    @Test(arguments: zones)
    func everyTransitionMatchesTheDatabase(identifier: String) throws {
        let reference = try #require(TimeZone(identifier: identifier))
        let table = OffsetTable(reference)
        for change in table.changes {
            for instant in [change - 1, change, change + 1] {
                #expect(table.offset(atEpochSeconds: instant) == Self.databaseOffset(reference, instant), "\(identifier) at \(instant)")
            }
        }
        // Every 9 days and 7 hours from 1900 to 2200: every season and time of day.
        var instant = OffsetTable.start
        while instant < OffsetTable.horizon {
            #expect(table.offset(atEpochSeconds: instant) == Self.databaseOffset(reference, instant), "\(identifier) at \(instant)")
            instant += 9 * 86_400 + 7 * 3_600
        }
    }

    /// Daylight saving zones list transitions every year; the table covers the horizon and
    /// hands instants before 1900 back to the database.
    @Test func coverage() throws {
        let berlin = OffsetTable(try #require(TimeZone(identifier: "Europe/Berlin")))
        #expect(berlin.changes.count > 400)
        #expect(berlin.end >= OffsetTable.horizon && berlin.end < Int64.max)
        #expect(berlin.offset(atEpochSeconds: OffsetTable.start - 1) == nil)
        #expect(berlin.offset(atEpochSeconds: berlin.end) == nil)
        // 2026-03-29 01:00 UTC: CET (+1 h) until the second before, CEST (+2 h) from it.
        #expect(berlin.offset(atEpochSeconds: 1_774_746_000 - 1) == 3_600)
        #expect(berlin.offset(atEpochSeconds: 1_774_746_000) == 7_200)
        let utc = OffsetTable(try #require(TimeZone(identifier: "UTC")))
        #expect(utc.changes.isEmpty && utc.end == Int64.max && utc.offset(atEpochSeconds: 9_000_000_000_000) == 0)
    }
}

extension OffsetTableTests {
    /// Walking the changes once gives what asking at every probe gives.
    @Test(arguments: zones)
    func probedOffsetsAreTheOffsetsAtTheProbes(identifier: String) throws {
        let reference = try #require(TimeZone(identifier: identifier))
        let table = OffsetTable(reference)
        var local: Int64 = -2_000_000_000
        while local < 6_000_000_000 {
            let first = local - 2 * 86_400, last = local + 2 * 86_400
            if table.covers(first...last) {
                var walked: [Int32] = []
                table.appendProbedOffsets(from: first, through: last, by: 3 * 3_600, to: &walked)
                var asked: [Int32] = []
                for probe in stride(from: first, through: last, by: 3 * 3_600) {
                    let offset = try #require(table.offset(atEpochSeconds: probe))
                    if !asked.contains(offset) { asked.append(offset) }
                }
                #expect(walked == asked, "\(identifier) around \(local)")
            }
            local += 3 * 86_400 + 5 * 3_600 + 17
        }
    }
}
