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

    @Test func leapSecondOnlyAtTheEndOfAUTCDay() throws {
        #expect(try Timestamp.parse("2016-12-31T23:59:60Z").rfc3339 == "2016-12-31T23:59:59Z")
        #expect(try Timestamp.parse("2017-01-01T07:59:60+08:00").rfc3339 == "2017-01-01T07:59:59+08:00")
    }
}
