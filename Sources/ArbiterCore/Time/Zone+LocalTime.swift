/// Local clock readings back to instants, and calendar arithmetic on local dates.
extension Zone {
    /// The instant at which this zone's clock reads `localSeconds` (seconds since 1970-01-01T00:00
    /// local time), written with the zone's offset then.
    ///
    /// A reading that happens twice (clocks going back) is the later instant, as for the end of
    /// a day (`endOfLocalDay`); a reading that never happens (clocks jumping forward over it) is
    /// moved forward by the jump, i.e. read with the offset in force before it.
    public func instant(atLocalSeconds local: Int64, nanoseconds: Int32 = 0) -> Timestamp {
        guard Self.consultedDays.contains(Timestamp.floorDiv(local, 86_400)) else {
            // Far outside years 0000–10000: a UTC reading (never written, see `Timestamp.isWritable`).
            return Timestamp(epochSeconds: local, nanoseconds: nanoseconds)
        }
        let offsets = probedOffsets(around: local)
        var valid: Int64?
        var latest: Int64?
        for offset in offsets {
            let instant = local - Int64(offset)
            if self.offset(atEpochSeconds: instant) == offset, valid.map({ instant > $0 }) ?? true { valid = instant }
            if latest.map({ instant > $0 }) ?? true { latest = instant }
        }
        let chosen = valid ?? latest ?? local
        return Timestamp(epochSeconds: chosen, nanoseconds: nanoseconds, offsetSeconds: offset(atEpochSeconds: chosen))
    }

    /// The same local time of day on the local date `months` calendar months after the local date
    /// of `timestamp` (a day the month lacks, such as 29 February or 31 April, becomes the month's
    /// last day). Saturates like other timestamp arithmetic: an instant beyond years 0001–9999
    /// stays beyond them.
    public func addingMonths(_ months: Int64, to timestamp: Timestamp) -> Timestamp {
        let day = localDay(of: timestamp)
        let limit: Int64 = 12 * 20_000
        // An instant already outside the calendar stays where it is (later or earlier than
        // every valid instant); so many months that no calendar date is left saturates.
        guard Self.consultedDays.contains(day) else { return timestamp }
        guard (-limit...limit).contains(months) else { return Timestamp(epochSeconds: months > 0 ? Int64.max : Int64.min) }
        let local = timestamp.epochSeconds + Int64(offset(atEpochSeconds: timestamp.epochSeconds))
        let secondOfDay = local - day * 86_400
        let (year, month, dayOfMonth) = Timestamp.civilDate(fromDays: day)
        let monthIndex = year * 12 + (month - 1) + months
        let newYear = Timestamp.floorDiv(monthIndex, 12)
        let newMonth = monthIndex - newYear * 12 + 1
        let newDay = min(dayOfMonth, Timestamp.daysInMonth(year: newYear, month: newMonth))
        let newLocalDay = Timestamp.daysFromCivil(year: newYear, month: newMonth, day: newDay)
        return instant(atLocalSeconds: newLocalDay * 86_400 + secondOfDay, nanoseconds: timestamp.nanoseconds)
    }

    /// Day of the week of a local day (days since 1970-01-01, a Thursday): 1 Monday … 7 Sunday (ISO 8601).
    public static func isoWeekday(ofDay day: Int64) -> Int64 {
        let sinceMonday = day + 3  // 1970-01-01 is the fourth day of its week
        return sinceMonday - Timestamp.floorDiv(sinceMonday, 7) * 7 + 1
    }

    /// The first local day on or after `day` that is neither a Saturday, a Sunday nor one of
    /// `holidays` (local days since 1970-01-01).
    public static func workingDay(onOrAfter day: Int64, holidays: Set<Int64>) -> Int64 {
        var day = day
        // A day far outside the calendar is already later (or earlier) than every valid instant.
        guard consultedDays.contains(day) else { return day }
        while isoWeekday(ofDay: day) >= 6 || holidays.contains(day) { day += 1 }
        return day
    }
}

extension Timestamp {
    /// The day (since 1970-01-01) of an ISO 8601 calendar date `YYYY-MM-DD`, years 0001–9999;
    /// nil for anything else (`2026-02-30`, `2026-1-1`).
    public static func day(ofISODate text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              year >= 1, (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        return daysFromCivil(year: year, month: month, day: day)
    }
}
