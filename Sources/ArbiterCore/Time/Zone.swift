import Foundation
import Synchronization

/// An IANA time zone, used to turn instants into local calendar days (windows counted in days).
public final class Zone: Sendable, CustomStringConvertible {
    public let identifier: String
    private let timeZone: TimeZone

    private init(identifier: String, timeZone: TimeZone) {
        self.identifier = identifier
        self.timeZone = timeZone
    }

    public var description: String { identifier }

    private static let cache = Mutex<[String: Zone]>([:])

    /// The zone with this IANA name (`Asia/Shanghai`, `Europe/Berlin`, `UTC`), or nil if unknown.
    /// Zones are cached: looking one up again is a dictionary read, not a file read.
    public static func named(_ identifier: String) -> Zone? {
        if let cached = cache.withLock({ $0[identifier] }) { return cached }
        // Foundation accepts abbreviations like "CST"; only IANA names (or UTC/GMT) are accepted here.
        guard identifier == "UTC" || identifier == "GMT" || identifier.contains("/"),
              let timeZone = TimeZone(identifier: identifier) else { return nil }
        let zone = Zone(identifier: identifier, timeZone: timeZone)
        cache.withLock { $0[identifier] = zone }
        return zone
    }

    /// Offset from UTC, in seconds, at an instant.
    public func offset(atEpochSeconds seconds: Int64) -> Int32 {
        Int32(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }

    /// The local calendar day (days since 1970-01-01) on which an instant falls in this zone.
    public func localDay(of timestamp: Timestamp) -> Int64 {
        let local = timestamp.epochSeconds + Int64(offset(atEpochSeconds: timestamp.epochSeconds))
        return Timestamp.floorDiv(local, 86_400)
    }

    /// The last second (23:59:59) of a local calendar day, written with this zone's offset then.
    public func endOfLocalDay(_ day: Int64) -> Timestamp {
        let localEnd = day * 86_400 + 86_399
        // The offset in force at the end of the day; try the offset an hour before as well in
        // case a transition happens during the day's last hour.
        var offset = offset(atEpochSeconds: localEnd - 86_400 / 2)
        let candidate = localEnd - Int64(offset)
        let actual = self.offset(atEpochSeconds: candidate)
        if actual != offset { offset = actual }
        return Timestamp(epochSeconds: localEnd - Int64(offset), offsetSeconds: offset)
    }

    /// Calendar days from the local date of `start` to the local date of `end`
    /// (SPEC: days after receipt = local_date(requested_at) − local_date(delivered_at)).
    public func calendarDays(from start: Timestamp, to end: Timestamp) -> Int64 {
        localDay(of: end) - localDay(of: start)
    }
}
