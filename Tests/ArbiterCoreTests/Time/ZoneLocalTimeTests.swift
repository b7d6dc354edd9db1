import Testing
@testable import ArbiterCore

/// Month arithmetic on local dates, local clock readings back to instants, and working days
/// (the primitives behind `add_months` and `end_of_working_day`).
@Suite struct ZoneLocalTimeTests {
    static let berlin = Zone.named("Europe/Berlin")!

    @Test(arguments: [
        ("2028-02-29T23:59:59+01:00", 12, "2029-02-28T23:59:59+01:00"),   // no 29 February: the month's last day
        ("2028-02-29T10:00:00+01:00", 48, "2032-02-29T10:00:00+01:00"),   // leap year again
        ("2026-01-31T12:00:00+01:00", 1, "2026-02-28T12:00:00+01:00"),
        ("2026-03-31T12:00:00+02:00", 1, "2026-04-30T12:00:00+02:00"),
        ("2026-02-15T10:00:00+01:00", 6, "2026-08-15T10:00:00+02:00"),    // same local time, summer offset
        ("2026-08-15T10:00:00+02:00", -6, "2026-02-15T10:00:00+01:00"),
        ("2026-03-10T10:00:00+01:00", 24, "2028-03-10T10:00:00+01:00"),
        ("2026-12-31T23:30:00Z", 2, "2027-03-01T00:30:00+01:00"),         // the local date is 2027-01-01
    ])
    func addsCalendarMonthsToTheLocalDate(start: String, months: Int64, expected: String) throws {
        #expect(Self.berlin.addingMonths(months, to: try Timestamp.parse(start)).rfc3339 == expected)
    }

    @Test func localTimeInAGapMovesForwardAndARepeatedOneIsTheLater() throws {
        // 2026-03-29 02:30 does not exist in Berlin (clocks jump 02:00 → 03:00): read as 03:30 CEST.
        let gap = try Timestamp.parse("2026-02-28T02:30:00+01:00")
        #expect(Self.berlin.addingMonths(1, to: gap).rfc3339 == "2026-03-28T02:30:00+01:00")
        let local = Timestamp.daysFromCivil(year: 2026, month: 3, day: 29) * 86_400 + 2 * 3_600 + 30 * 60
        #expect(Self.berlin.instant(atLocalSeconds: local).rfc3339 == "2026-03-29T03:30:00+02:00")
        // 2026-10-25 02:30 happens twice (03:00 CEST → 02:00 CET): the later, in CET.
        let repeated = Timestamp.daysFromCivil(year: 2026, month: 10, day: 25) * 86_400 + 2 * 3_600 + 30 * 60
        #expect(Self.berlin.instant(atLocalSeconds: repeated).rfc3339 == "2026-10-25T02:30:00+01:00")
    }

    @Test func monthsBeyondTheCalendarSaturate() throws {
        let start = try Timestamp.parse("2026-01-01T00:00:00Z")
        #expect(!Self.berlin.addingMonths(Int64.max, to: start).isWritable)
        #expect(Self.berlin.addingMonths(Int64.max, to: start) > (try Timestamp.parse("9999-12-31T23:59:59Z")))
        #expect(Self.berlin.addingMonths(Int64.min, to: start) < (try Timestamp.parse("0001-01-01T00:00:00Z")))
        let far = Timestamp(epochSeconds: Int64.max)
        #expect(Self.berlin.addingMonths(12, to: far) == far)
    }

    @Test func isoWeekdays() {
        #expect(Zone.isoWeekday(ofDay: 0) == 4)   // 1970-01-01, a Thursday
        #expect(Zone.isoWeekday(ofDay: -1) == 3)
        #expect(Zone.isoWeekday(ofDay: Timestamp.daysFromCivil(year: 2026, month: 2, day: 21)) == 6)
        #expect(Zone.isoWeekday(ofDay: Timestamp.daysFromCivil(year: 2026, month: 2, day: 22)) == 7)
        #expect(Zone.isoWeekday(ofDay: Timestamp.daysFromCivil(year: 2026, month: 2, day: 23)) == 1)
    }

    @Test func workingDaysSkipWeekendsAndHolidays() throws {
        func day(_ text: String) throws -> Int64 { try #require(Timestamp.day(ofISODate: text)) }
        let easter: Set<Int64> = [try day("2026-04-03"), try day("2026-04-06")]
        #expect(Zone.workingDay(onOrAfter: try day("2026-04-03"), holidays: easter) == (try day("2026-04-07")))
        #expect(Zone.workingDay(onOrAfter: try day("2026-02-21"), holidays: []) == (try day("2026-02-23")))
        #expect(Zone.workingDay(onOrAfter: try day("2026-02-16"), holidays: []) == (try day("2026-02-16")))
        #expect(Zone.workingDay(onOrAfter: Int64.max, holidays: []) == Int64.max)
    }

    @Test func isoDates() {
        #expect(Timestamp.day(ofISODate: "1970-01-02") == 1)
        #expect(Timestamp.day(ofISODate: "2028-02-29") == Timestamp.daysFromCivil(year: 2028, month: 2, day: 29))
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "2026-01-01T00:00:00Z", "0000-01-01", "20260101", "2026-00-10", ""] {
            #expect(Timestamp.day(ofISODate: bad) == nil, "\(bad)")
        }
    }
}
