import Foundation
import Testing
@testable import ArbiterCore

/// Calendar windows count local dates in the order's IANA zone (SPEC section 6: days after
/// receipt = local_date(requested_at) − local_date(delivered_at)).
@Suite struct ZoneTests {
    static let zones = ["Asia/Shanghai", "Europe/Berlin", "UTC", "America/Santiago", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]

    /// The fixed-offset fast path agrees with the time-zone database everywhere it is used.
    @Test(arguments: zones)
    func offsetsMatchTheDatabase(identifier: String) throws {
        let zone = try #require(Zone.named(identifier))
        let reference = try #require(TimeZone(identifier: identifier))
        var instant: Int64 = 473_385_600  // 1985
        while instant < 2_240_611_200 {  // 2041
            #expect(zone.offset(atEpochSeconds: instant) == Int32(reference.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))),
                    "\(identifier) at \(instant)")
            instant += 61_217  // about 17 hours, drifting across every time of day
        }
    }

    /// A zone of its own (each thread's copy of a policy has one) is a different object with
    /// the same name and the same offsets and calendar days as the shared zone.
    @Test(arguments: zones)
    func anUnsharedZoneIsACopyOfTheSharedOne(identifier: String) throws {
        let shared = try #require(Zone.named(identifier))
        let own = try #require(Zone.unshared(named: identifier))
        #expect(own !== shared)
        #expect(try #require(Zone.unshared(named: identifier)) !== own)
        #expect(own.identifier == identifier)
        var instant: Int64 = -2_500_000_000  // 1890, before the table's first instant
        let delivered = try Timestamp.parse("2026-03-28T23:30:00Z")
        while instant < 7_300_000_000 {  // 2201, after its horizon
            #expect(own.offset(atEpochSeconds: instant) == shared.offset(atEpochSeconds: instant), "\(identifier) at \(instant)")
            let requested = Timestamp(epochSeconds: instant, nanoseconds: 0, offsetSeconds: 0)
            #expect(own.calendarDays(from: delivered, to: requested) == shared.calendarDays(from: delivered, to: requested))
            instant += 7_919_993  // about three months, drifting across the year and the day
        }
        #expect(Zone.unshared(named: "Asia/Shang hai") == nil)
    }

    /// `serve --threads N` decides with N copies of the policy: they must share no zone, whose
    /// reference count every decision changes (shared: about a dozen atomic writes per decision
    /// to one cache line both cores want). Requests naming another zone get their decoder's own
    /// copy too.
    @Test func copiesOfAPolicySetShareNoZone() throws {
        let sets = try PolicyLocator.loadUsableSets(at: Repository.path("Rules"), count: 3).get()
        let zones = sets.flatMap { $0.packs.flatMap { $0.versions.map(\.schema.defaultZone) } }
        #expect(zones.count == 3 * sets[0].packs.reduce(0) { $0 + $1.versions.count })
        for (index, zone) in zones.enumerated() {
            for other in zones[(index + 1)...] { #expect(zone !== other) }
            #expect(zone !== Zone.named(zone.identifier))
        }
        let decoders = sets.map { RequestDecoder(schema: $0.packs[0].current.schema) }
        let berlin = try #require(decoders[0].zone(named: "Europe/Berlin"))
        #expect(decoders[0].zone(named: "Europe/Berlin") === berlin)
        #expect(try #require(decoders[1].zone(named: "Europe/Berlin")) !== berlin)
        #expect(berlin !== Zone.named("Europe/Berlin"))
        #expect(decoders[0].zone(named: "CST") == nil)
    }

    func days(_ zone: String, _ delivered: String, _ requested: String) throws -> Int64 {
        try #require(Zone.named(zone)).calendarDays(from: Timestamp.parse(delivered), to: Timestamp.parse(requested))
    }

    @Test func seventhDayEndsAtLocalMidnight() throws {
        #expect(try days("Asia/Shanghai", "2026-11-01T15:00:00+08:00", "2026-11-08T23:59:59+08:00") == 7)
        #expect(try days("Asia/Shanghai", "2026-11-01T15:00:00+08:00", "2026-11-09T00:00:00+08:00") == 8)
        // Receipt just before and just after local midnight.
        #expect(try days("Asia/Shanghai", "2026-11-01T23:59:59+08:00", "2026-11-08T12:00:00+08:00") == 7)
        #expect(try days("Asia/Shanghai", "2026-11-02T00:00:01+08:00", "2026-11-08T12:00:00+08:00") == 6)
        // Offsets in the input do not matter, the order's zone does: 16:30Z is 00:30 in Shanghai.
        #expect(try days("Asia/Shanghai", "2026-11-01T16:30:00Z", "2026-11-08T12:00:00+08:00") == 6)
        #expect(try days("UTC", "2026-11-01T16:30:00Z", "2026-11-08T12:00:00+08:00") == 7)
    }

    @Test func berlinAcrossTheEndOfSummerTime() throws {
        // Clocks go back on 2026-10-25; the day has 25 hours but is one calendar day.
        #expect(try days("Europe/Berlin", "2026-10-22T10:00:00+02:00", "2026-10-29T23:59:59+01:00") == 7)
        #expect(try days("Europe/Berlin", "2026-10-22T10:00:00+02:00", "2026-10-30T00:00:00+01:00") == 8)
        let berlin = try #require(Zone.named("Europe/Berlin"))
        let delivered = try Timestamp.parse("2026-10-22T10:00:00+02:00")
        #expect(berlin.endOfLocalDay(berlin.localDay(of: delivered) + 7).rfc3339 == "2026-10-29T23:59:59+01:00")
        #expect(berlin.endOfLocalDay(berlin.localDay(of: delivered) + 2).rfc3339 == "2026-10-24T23:59:59+02:00")
    }

    @Test func dayEndsAtItsLatestSecondWhenMidnightRepeats() throws {
        // Santiago leaves summer time at 2026-04-05 00:00 −03:00, back to 2026-04-04 23:00 −04:00.
        let santiago = try #require(Zone.named("America/Santiago"))
        let day = santiago.localDay(of: try Timestamp.parse("2026-04-04T12:00:00-03:00"))
        #expect(santiago.endOfLocalDay(day).rfc3339 == "2026-04-04T23:59:59-04:00")
    }

    @Test func unknownZonesAndAbbreviationsAreRefused() {
        #expect(Zone.named("Mars/Olympus") == nil)
        #expect(Zone.named("CST") == nil, "abbreviations are ambiguous; IANA names only")
        #expect(Zone.named("Asia/Shanghai") != nil)
    }
}
