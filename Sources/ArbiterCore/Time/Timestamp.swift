/// An instant with the UTC offset it was written with (RFC 3339). Comparison is by instant.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var epochSeconds: Int64
    /// Fraction of the second, 0..<1_000_000_000.
    public var nanoseconds: Int32
    /// The offset the timestamp was written with, in seconds east of UTC.
    public var offsetSeconds: Int32

    public init(epochSeconds: Int64, nanoseconds: Int32 = 0, offsetSeconds: Int32 = 0) {
        self.epochSeconds = epochSeconds
        self.nanoseconds = nanoseconds
        self.offsetSeconds = offsetSeconds
    }

    public static func == (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.epochSeconds == rhs.epochSeconds && lhs.nanoseconds == rhs.nanoseconds
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(epochSeconds)
        hasher.combine(nanoseconds)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.epochSeconds, lhs.nanoseconds) < (rhs.epochSeconds, rhs.nanoseconds)
    }

    /// The same instant without its fraction of a second (the start of its second). A request's
    /// timestamps are decided to the second: a deadline is the last second of a day
    /// (`23:59:59`), and a request made during that second is within it (docs/interpretations.md, 88).
    public var wholeSeconds: Timestamp {
        Timestamp(epochSeconds: epochSeconds, nanoseconds: 0, offsetSeconds: offsetSeconds)
    }

    /// RFC 3339 in the timestamp's own offset: `2026-11-12T23:59:59+08:00`, `Z` for UTC.
    public var description: String { rfc3339 }

    /// Local seconds (since 1970-01-01T00:00:00 in the timestamp's own offset) of years
    /// 0001–9999: the instants RFC 3339 can write, which the SPEC allows in and out.
    public static let writableLocalSeconds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// The instant in the timestamp's own offset, saturated at the ends of `Int64` (only an
    /// intermediate result of arithmetic can come near them).
    var localSeconds: Int64 {
        let (local, overflow) = epochSeconds.addingReportingOverflow(Int64(offsetSeconds))
        return overflow ? (epochSeconds < 0 ? Int64.min : Int64.max) : local
    }

    /// True when the timestamp's local form falls in years 0001–9999, so it can be written.
    /// Arithmetic can make instants outside (delivery + 3,000,000 days); they compare like any
    /// other instant (later, or earlier, than every writable one) but a decision never shows them.
    public var isWritable: Bool { Self.writableLocalSeconds.contains(localSeconds) }

    /// RFC 3339 text, e.g. `2026-11-12T23:59:59+08:00`. An instant outside years 0001–9999
    /// (only an intermediate result, shown in an audit trail) is written as
    /// `later than 9999-12-31T23:59:59Z` or `earlier than 0001-01-01T00:00:00Z`, never as a
    /// malformed timestamp.
    public var rfc3339: String {
        withRFC3339Bytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of `rfc3339` (ASCII, nothing a JSON string escapes), made in
    /// a small buffer on the stack: an answer writes its deadlines without a `String` (one over
    /// fifteen bytes is allocated).
    func withRFC3339Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        // RFC 3339 offsets are whole minutes. A zone's local mean time before it took a standard
        // offset is not (Africa/Monrovia was −00:44:30 until 1972, Asia/Shanghai +08:05:43 before
        // 1901): written with its minutes only, the text would name another instant than the
        // one decided (a `return_by` 30 seconds early). Such an instant is written in UTC.
        if offsetSeconds % 60 != 0 {
            return Timestamp(epochSeconds: epochSeconds, nanoseconds: nanoseconds, offsetSeconds: 0).withRFC3339Bytes(body)
        }
        guard isWritable else {
            let text: StaticString = localSeconds > 0 ? "later than 9999-12-31T23:59:59Z" : "earlier than 0001-01-01T00:00:00Z"
            return body(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        // Digits written into one small buffer: this runs for every timestamp an answer shows.
        let local = localSeconds
        let day = Timestamp.floorDiv(local, 86_400)
        let secondOfDay = local - day * 86_400
        let (year, month, dayOfMonth) = Timestamp.civilDate(fromDays: day)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            var count = 0
            func put(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            func digits(_ value: Int64, _ width: Int) {
                var text = String(value.magnitude).utf8.map { $0 }
                while text.count < width { text.insert(UInt8(ascii: "0"), at: 0) }
                for byte in text { put(byte) }
            }
            func two(_ value: Int64) {
                put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10))
                put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10))
            }
            if (0...9999).contains(year) {
                two(year / 100)
                two(year % 100)
            } else {
                if year < 0 { put(UInt8(ascii: "-")) }
                digits(year, 4)
            }
            put(UInt8(ascii: "-")); two(month); put(UInt8(ascii: "-")); two(dayOfMonth)
            put(UInt8(ascii: "T")); two(secondOfDay / 3600); put(UInt8(ascii: ":")); two(secondOfDay / 60 % 60)
            put(UInt8(ascii: ":")); two(secondOfDay % 60)
            if nanoseconds != 0 {
                put(UInt8(ascii: "."))
                var fraction = Int64(nanoseconds)
                var width = 9
                while fraction % 10 == 0 {
                    fraction /= 10
                    width -= 1
                }
                digits(fraction, width)
            }
            if offsetSeconds == 0 {
                put(UInt8(ascii: "Z"))
            } else {
                let magnitude = Int64(offsetSeconds.magnitude)
                put(offsetSeconds < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                two(magnitude / 3600); put(UInt8(ascii: ":")); two(magnitude / 60 % 60)
            }
            return body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Parses RFC 3339 `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; the offset is required.
    public static func parse(_ text: String) throws(TimestampError) -> Timestamp {
        let bytes = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) throws(TimestampError) -> Int64 {
            guard index + count <= bytes.count else { throw .malformed(text) }
            var value: Int64 = 0
            for _ in 0..<count {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { throw .malformed(text) }
                value = value * 10 + Int64(byte - 48)
                index += 1
            }
            return value
        }
        func expect(_ allowed: UInt8...) throws(TimestampError) {
            guard index < bytes.count, allowed.contains(bytes[index]) else { throw .malformed(text) }
            index += 1
        }
        let year = try digits(4)
        try expect(UInt8(ascii: "-"))
        let month = try digits(2)
        try expect(UInt8(ascii: "-"))
        let day = try digits(2)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: "t") else {
            throw index == bytes.count ? .missingTime(text) : .malformed(text)
        }
        index += 1
        let hour = try digits(2)
        try expect(UInt8(ascii: ":"))
        let minute = try digits(2)
        try expect(UInt8(ascii: ":"))
        let second = try digits(2)
        var nanoseconds: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var count = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if count < 9 { nanoseconds = nanoseconds * 10 + Int64(bytes[index] - 48) }
                count += 1
                index += 1
            }
            guard count > 0 else { throw .malformed(text) }
            for _ in min(count, 9)..<9 { nanoseconds *= 10 }
        }
        guard index < bytes.count else { throw .missingOffset(text) }
        var offset: Int64 = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let negative = bytes[index] == UInt8(ascii: "-")
            index += 1
            let offsetHours = try digits(2)
            try expect(UInt8(ascii: ":"))
            let offsetMinutes = try digits(2)
            guard offsetHours <= 23, offsetMinutes <= 59 else { throw .outOfRange(text) }
            offset = (offsetHours * 3600 + offsetMinutes * 60) * (negative ? -1 : 1)
        default:
            throw .malformed(text)
        }
        guard index == bytes.count else { throw .malformed(text) }
        // Years 0001–9999 (SPEC section 8): there is no year 0000 in RFC 3339's calendar.
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 60 else { throw .outOfRange(text) }
        // A leap second is read as the last second of its minute. RFC 3339 allows second 60
        // only there: at 23:59:60 UTC (whatever the offset it is written with).
        let days = daysFromCivil(year: year, month: month, day: day)
        let local = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59)
        if second == 60, floorDiv(local - offset, 86_400) * 86_400 + 86_399 != local - offset { throw .outOfRange(text) }
        return Timestamp(epochSeconds: local - offset, nanoseconds: Int32(nanoseconds), offsetSeconds: Int32(offset))
    }

    // MARK: - Civil calendar arithmetic (proleptic Gregorian, Howard Hinnant's algorithms)

    /// Days since 1970-01-01 of a civil date.
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date (year, month, day) of a count of days since 1970-01-01.
    public static func civilDate(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = floorDiv(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

}

/// Why a timestamp string was refused.
public enum TimestampError: Error, Equatable, Sendable {
    case malformed(String)
    case missingTime(String)
    case missingOffset(String)
    case outOfRange(String)

    public var message: String {
        switch self {
        case .malformed(let text): return "'\(text)' is not an RFC 3339 timestamp"
        case .missingTime(let text): return "'\(text)' has no time of day; expected e.g. 2026-11-05T10:00:00+08:00"
        case .missingOffset(let text): return "'\(text)' has no UTC offset; add 'Z' or e.g. '+08:00'"
        case .outOfRange(let text): return "'\(text)' is not a valid date and time"
        }
    }
}
