/// Reading the common shapes of money amounts and timestamps straight from bytes, for the
/// tape decoder: `"199.00"` and `"2026-11-05T10:00:00+08:00"` without making a `String`.
///
/// These are fast paths only. Each accepts a strict subset of what `Money.parseMinorUnits`
/// and `Timestamp.parse` accept and computes the same value; anything else (every error, and
/// rare valid forms such as fractional seconds or a leap second) returns nil, and the caller
/// asks the reference parser, which gives the value or the exact error message.
enum ByteScalars {
    /// The minor units of a plain decimal amount (`123`, `123.4`, `123.45`), or nil when the
    /// text is anything else or the amount is out of range.
    static func minorUnits(_ text: UnsafeRawBufferPointer, fractionDigits: Int) -> Int64? {
        var position = 0
        var major: Int64 = 0
        // At most 16 digits: no overflow below, and larger amounts are left to the reference.
        while position < text.count, position < 16, text[position] &- UInt8(ascii: "0") < 10 {
            major = major * 10 + Int64(text[position] &- UInt8(ascii: "0"))
            position += 1
        }
        // No digits, or a leading zero ("00.10"): the reference decides (and refuses the latter).
        guard position > 0, position == 1 || text[0] != UInt8(ascii: "0") else { return nil }
        var minor: Int64 = 0
        var fractionCount = 0
        if position < text.count {
            guard text[position] == UInt8(ascii: "."), position + 1 < text.count else { return nil }
            position += 1
            while position < text.count {
                let digit = text[position] &- UInt8(ascii: "0")
                guard digit < 10, fractionCount < fractionDigits else { return nil }
                minor = minor * 10 + Int64(digit)
                fractionCount += 1
                position += 1
            }
        }
        for _ in fractionCount..<fractionDigits { minor *= 10 }
        var scale: Int64 = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let (scaled, overflow) = major.multipliedReportingOverflow(by: scale)
        guard !overflow, major <= Money.maxMinorUnits, scaled <= Money.maxMinorUnits - minor else { return nil }
        return scaled + minor
    }

    /// The instant of `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `±HH:MM` (seconds up to 59, no
    /// fraction), or nil for anything else.
    static func timestamp(_ text: UnsafeRawBufferPointer) -> Timestamp? {
        guard text.count == 20 || text.count == 25 else { return nil }
        /// The two-digit number at `at`, or -1.
        func two(_ at: Int) -> Int64 {
            let high = text[at] &- UInt8(ascii: "0")
            let low = text[at + 1] &- UInt8(ascii: "0")
            guard high < 10, low < 10 else { return -1 }
            return Int64(high) * 10 + Int64(low)
        }
        let century = two(0), yearOfCentury = two(2)
        let month = two(5), day = two(8)
        let hour = two(11), minute = two(14), second = two(17)
        guard century >= 0, yearOfCentury >= 0, month >= 0, day >= 0, hour >= 0, minute >= 0, second >= 0,
              text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"), text[10] | 0x20 == UInt8(ascii: "t"),
              text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":") else { return nil }
        var offset: Int64 = 0
        if text.count == 20 {
            guard text[19] | 0x20 == UInt8(ascii: "z") else { return nil }
        } else {
            let sign = text[19]
            let offsetHours = two(20), offsetMinutes = two(23)
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), text[22] == UInt8(ascii: ":"),
                  (0...23).contains(offsetHours), (0...59).contains(offsetMinutes) else { return nil }
            offset = (offsetHours * 3600 + offsetMinutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        }
        let year = century * 100 + yearOfCentury
        guard year >= 1, (1...12).contains(month), day >= 1, day <= Timestamp.daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 59 else { return nil }
        let local = Timestamp.daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Timestamp(epochSeconds: local - offset, nanoseconds: 0, offsetSeconds: Int32(offset))
    }
}
