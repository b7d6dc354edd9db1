import Foundation
import Synchronization

/// An IANA time zone, used to turn instants into local calendar days (windows counted in days).
public final class Zone: Sendable, CustomStringConvertible {
    public let identifier: String
    private let timeZone: TimeZone

    /// From this instant on the zone keeps one offset for good (Asia/Shanghai since 1991, UTC
    /// always), so offsets there need no call into the time-zone database.
    private let fixedSince: Int64?
    private let fixedOffset: Int32

    /// The offsets of 1900 to 2200, read from the database once (see `OffsetTable`).
    private let table: OffsetTable

    private init(identifier: String, timeZone: TimeZone) {
        self.identifier = identifier
        self.timeZone = timeZone
        table = OffsetTable(timeZone)
        // A zone whose database lists no transition after its last one (Asia/Shanghai since
        // 1991, UTC always) keeps that offset for good.
        if table.end == Int64.max {
            fixedSince = table.changes.last ?? OffsetTable.start
            fixedOffset = table.offsets.last ?? table.initialOffset
        } else {
            fixedSince = nil
            fixedOffset = 0
        }
    }

    public var description: String { identifier }

    private static let cache = Mutex<[String: Zone]>([:])
    /// How many zones the cache holds (for the test that it holds only real zones).
    static var cachedCount: Int { cache.withLock { $0.count } }

    /// The zone with this IANA name (`Asia/Shanghai`, `Europe/Berlin`, `UTC`), or nil if unknown.
    ///
    /// Only names spelled as the tz database spells them are looked up (`isIANAName`): no control
    /// characters, no `..` or empty segments, no abbreviations like `CST` that Foundation would
    /// also accept. So whether a name is accepted never depends on what was looked up before, and
    /// the cache holds at most the database's few hundred zones.
    public static func named(_ identifier: String) -> Zone? {
        guard isIANAName(identifier) else { return nil }
        if let cached = cache.withLock({ $0[identifier] }) { return cached }
        guard let timeZone = TimeZone(identifier: identifier) else { return nil }
        let zone = Zone(identifier: identifier, timeZone: timeZone)
        cache.withLock { $0[identifier] = zone }
        return zone
    }

    /// The zone `named` gives, as an object of its own: the same identifier and offsets (copied
    /// from the cached zone, not read from the database again), but nothing another copy shares.
    ///
    /// For a compiled copy of a policy (`serve --threads` compiles one per thread) and each
    /// copy's decoder: every decision retains and releases its policy's zone a dozen times
    /// (the request holds it, `days_since` reads it), and on one object shared by the threads
    /// those atomic operations bounce its cache line between the cores (`bench/shared_objects.sh`
    /// found it so, 11.7 times per decision from the two threads together).
    public static func unshared(named identifier: String) -> Zone? {
        named(identifier).map { Zone(copying: $0) }
    }

    private init(copying zone: Zone) {
        // New storage for the name and the table (`unsharedCopy`). Foundation's zone, consulted
        // only for instants outside the table's years, stays the one object it is.
        identifier = zone.identifier.unsharedCopy()
        timeZone = zone.timeZone
        table = zone.table.unshared()
        fixedSince = zone.fixedSince
        fixedOffset = zone.fixedOffset
    }

    /// `UTC`, `GMT`, or `Area/Location[/Sub]`: segments of ASCII letters, digits, `_`, `-` and
    /// `+`, each starting with a letter, at most 64 bytes in all.
    static func isIANAName(_ name: String) -> Bool {
        if name == "UTC" || name == "GMT" { return true }
        let bytes = name.utf8
        // The database's `posix/` and `right/` copies are files, not zone names.
        guard bytes.count <= 64, !name.hasPrefix("posix/"), !name.hasPrefix("right/") else { return false }
        var segments = 0
        var segmentLength = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "/"):
                guard segmentLength > 0 else { return false }
                segments += 1
                segmentLength = 0
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                segmentLength += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+"):
                guard segmentLength > 0 else { return false }
                segmentLength += 1
            default:
                return false
            }
        }
        return segments >= 1 && segmentLength > 0
    }

    /// The message for a time zone name `named` refuses.
    public static func unknownNameMessage(_ name: String) -> String {
        "unknown time zone '\(name)' (expected an IANA name as the tz database spells it, like 'Asia/Shanghai')"
    }

    /// Instants the time-zone database is asked about: years 0000–10000, a little wider than
    /// the timestamps a request or a decision may hold (0001–9999). Beyond, arithmetic can
    /// still reach (delivery + 3,000,000 days), the offset at the nearer end is used.
    static let consultedSeconds: ClosedRange<Int64> = -62_167_219_200...253_433_923_199

    /// Local days (since 1970-01-01) whose end is found through the time-zone database:
    /// those of `consultedSeconds`, less a margin for the probes around a day's end.
    static let consultedDays: ClosedRange<Int64> = -719_526...2_933_260

    /// Offset from UTC, in seconds, at an instant.
    public func offset(atEpochSeconds seconds: Int64) -> Int32 {
        if let fixedSince, seconds >= fixedSince { return fixedOffset }
        if let tabled = table.offset(atEpochSeconds: seconds) { return tabled }
        let clamped = min(max(seconds, Self.consultedSeconds.lowerBound), Self.consultedSeconds.upperBound)
        return Int32(clamping: timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(clamped))))
    }

    /// The local calendar day (days since 1970-01-01) on which an instant falls in this zone.
    /// Any instant has one, even one arithmetic pushed to the ends of `Int64`.
    public func localDay(of timestamp: Timestamp) -> Int64 {
        let offset = Int64(offset(atEpochSeconds: timestamp.epochSeconds))
        let (local, overflow) = timestamp.epochSeconds.addingReportingOverflow(offset)
        return Timestamp.floorDiv(overflow ? (offset < 0 ? Int64.min : Int64.max) : local, 86_400)
    }

    /// The last second (23:59:59) of a local calendar day, written with this zone's offset then.
    ///
    /// When clocks go back across midnight (America/Santiago in April) 23:59:59 happens twice;
    /// the day ends at the later one, so this is the latest instant whose local date is `day`.
    ///
    /// A day far outside years 0000–10000 (only arithmetic on a huge window can name one)
    /// ends at its 23:59:59 UTC, saturated at the ends of `Int64`: later (or earlier) than
    /// every timestamp a request can hold, and never written (`Timestamp.isWritable`).
    public func endOfLocalDay(_ day: Int64) -> Timestamp {
        guard Self.consultedDays.contains(day) else {
            let (seconds, overflow) = day.multipliedReportingOverflow(by: 86_400)
            guard !overflow else { return Timestamp(epochSeconds: day < 0 ? Int64.min : Int64.max) }
            let (end, endOverflow) = seconds.addingReportingOverflow(86_399)
            return Timestamp(epochSeconds: endOverflow ? Int64.max : end)
        }
        let localEnd = day * 86_400 + 86_399
        if let fixedSince, localEnd - 2 * 86_400 >= fixedSince {
            // The zone's one offset since `fixedSince` (most zones, for any date a request
            // names): what the search below finds too, without listing the candidates.
            return Timestamp(epochSeconds: localEnd - Int64(fixedOffset), offsetSeconds: fixedOffset)
        }
        // Every offset in force within a day of the end; one of them is the offset at the end.
        let offsets = probedOffsets(around: localEnd)
        var best: Timestamp?
        for offset in offsets {
            let instant = localEnd - Int64(offset)
            // A valid reading: the zone really uses this offset at that instant.
            guard self.offset(atEpochSeconds: instant) == offset else { continue }
            if best.map({ instant > $0.epochSeconds }) ?? true {
                best = Timestamp(epochSeconds: instant, offsetSeconds: offset)
            }
        }
        if let best { return best }
        // 23:59:59 does not exist that day (clocks jumped forward over it): the day ends just
        // before the first instant of the next local day.
        var instant = localEnd - Int64(offsets.first ?? 0)
        while localDay(of: Timestamp(epochSeconds: instant)) > day { instant -= 60 }
        while localDay(of: Timestamp(epochSeconds: instant + 1)) == day { instant += 1 }
        return Timestamp(epochSeconds: instant, offsetSeconds: offset(atEpochSeconds: instant))
    }

    /// The distinct offsets at every third hour from two days before `local` to two days after
    /// (read as UTC seconds): the candidates for the offset a local clock reading is written with.
    func probedOffsets(around local: Int64) -> [Int32] {
        var offsets: [Int32] = []
        offsets.reserveCapacity(4)
        let first = local - 2 * 86_400, last = local + 2 * 86_400, step: Int64 = 3 * 3_600
        if let fixedSince, first >= fixedSince {
            offsets.append(fixedOffset)
        } else if table.covers(first...last) {
            table.appendProbedOffsets(from: first, through: last, by: step, to: &offsets)
        } else {
            for probe in stride(from: first, through: last, by: Int(step)) {
                let offset = offset(atEpochSeconds: probe)
                if !offsets.contains(offset) { offsets.append(offset) }
            }
        }
        return offsets
    }

    /// Calendar days from the local date of `start` to the local date of `end`
    /// (SPEC: days after receipt = local_date(requested_at) − local_date(delivered_at)).
    public func calendarDays(from start: Timestamp, to end: Timestamp) -> Int64 {
        localDay(of: end) - localDay(of: start)
    }
}
