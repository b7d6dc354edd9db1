import Testing
@testable import ArbiterCore

/// RFC 3339 with an explicit offset on input; printed in the timestamp's own offset.
@Suite struct TimestampTests {
    @Test(arguments: [
        "2026-11-08T23:59:59+08:00", "2026-11-05T10:00:00Z", "2026-10-29T23:59:59+01:00",
        "2026-04-04T23:59:59-04:00", "2026-11-05T10:00:00.5+05:45", "2026-11-05T10:00:00.123456789-09:30",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "2028-02-29T12:00:00+08:00",
    ])
    func printsWhatItParsed(text: String) throws {
        #expect(try Timestamp.parse(text).rfc3339 == text)
    }

    @Test func sameInstantWhateverTheOffset() throws {
        #expect(try Timestamp.parse("2026-11-05T02:00:00Z") == Timestamp.parse("2026-11-05T10:00:00+08:00"))
        #expect(try Timestamp.parse("2026-11-05T10:00:00.100+08:00").rfc3339 == "2026-11-05T10:00:00.1+08:00")
    }

    @Test(arguments: [
        "2026-11-05T10:00:00", "2026-11-05", "2026-11-05 10:00:00+08:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-11-05T24:00:00Z", "2026-11-05T10:00:60+08:00", "2026-11-05T10:00:00+24:00", "yesterday", "",
    ])
    func rejectsWhatIsNotAnInstant(text: String) {
        #expect(throws: TimestampError.self) { try Timestamp.parse(text) }
    }

    /// An offset with seconds (a zone's local mean time, e.g. Monrovia's −00:44:30 until 1972)
    /// cannot be written in RFC 3339; the instant is written in UTC instead, never 30 seconds off.
    @Test func anOffsetWithSecondsIsWrittenInUTC() throws {
        let monrovia = try #require(Zone.named("Africa/Monrovia"))
        // The end of 1970-01-08 in Monrovia: 23:59:59 local is 00:44:29 UTC the next day.
        let endOfDay = monrovia.instant(atLocalSeconds: Timestamp.daysFromCivil(year: 1970, month: 1, day: 8) * 86_400 + 86_399)
        #expect(endOfDay.offsetSeconds == -2_670)
        #expect(endOfDay.rfc3339 == "1970-01-09T00:44:29Z")
        #expect(try Timestamp.parse(endOfDay.rfc3339) == endOfDay)
        #expect(Timestamp(epochSeconds: 0, nanoseconds: 500_000_000, offsetSeconds: 30).rfc3339 == "1970-01-01T00:00:00.5Z")
    }

    @Test func leapSecondOnlyAtTheEndOfAUTCDay() throws {
        #expect(try Timestamp.parse("2016-12-31T23:59:60Z").rfc3339 == "2016-12-31T23:59:59Z")
        #expect(try Timestamp.parse("2017-01-01T07:59:60+08:00").rfc3339 == "2017-01-01T07:59:59+08:00")
    }
}
