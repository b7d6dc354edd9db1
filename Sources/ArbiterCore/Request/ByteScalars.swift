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
        let count = text.count
        guard count == 20 || count == 25, let base = text.baseAddress else { return nil }
        // Three eight-byte words checked at once (SWAR): `YYYY-MM-`, `DDTHH:MM` and the last
        // eight bytes, `H:MM:SSZ` or `SS±HH:MM` (overlapping the second word for `Z`).
        let date = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        let time = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let last = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
        // Digit positions (0xFF bytes) and what the other bytes must be under their masks
        // (`T` and `Z` either case: 0xDF clears the lowercase bit).
        guard Self.allDigits(date, 0x00FF_FF00_FFFF_FFFF), date & 0xFF00_00FF_0000_0000 == 0x2D00_002D_0000_0000,
              Self.allDigits(time, 0xFFFF_00FF_FF00_FFFF), time & 0x0000_FF00_00DF_0000 == 0x0000_3A00_0054_0000 else { return nil }
        let sign: UInt8
        if count == 20 {
            // `H:MM:SSZ`: the seconds' digits, the colon before them and the zone letter.
            guard Self.allDigits(last, 0x00FF_FF00_0000_0000), last & 0xDF00_00FF_0000_0000 == 0x5A00_003A_0000_0000 else { return nil }
            sign = 0
        } else {
            // `SS±HH:MM`, and the colon before the seconds (byte 16).
            guard Self.allDigits(last, 0xFFFF_00FF_FF00_FFFF), last & 0x0000_FF00_0000_0000 == 0x0000_3A00_0000_0000,
                  text[16] == UInt8(ascii: ":") else { return nil }
            sign = UInt8(truncatingIfNeeded: last >> 16)
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        }
        /// The value of the digit at byte `at` of `word`.
        func digit(_ word: UInt64, _ at: UInt64) -> Int64 { Int64((word >> (8 * at)) & 0x0F) }
        func two(_ word: UInt64, _ at: UInt64) -> Int64 { digit(word, at) * 10 + digit(word, at + 1) }
        let year = two(date, 0) * 100 + two(date, 2)
        let month = two(date, 5), day = two(time, 0)
        let hour = two(time, 3), minute = two(time, 6)
        let second = count == 20 ? two(last, 5) : two(last, 0)
        var offset: Int64 = 0
        if count == 25 {
            let offsetHours = two(last, 3), offsetMinutes = two(last, 6)
            guard offsetHours <= 23, offsetMinutes <= 59 else { return nil }
            offset = (offsetHours * 3600 + offsetMinutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= Timestamp.daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 59 else { return nil }
        let local = Timestamp.daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Timestamp(epochSeconds: local - offset, nanoseconds: 0, offsetSeconds: Int32(offset))
    }

    /// Whether every byte of `word` where `mask` has 0xFF is an ASCII digit: XOR with `0`
    /// leaves 0–9 for digits; a byte with its top bit set, or above 9 (adding 0x76 sets bit 7
    /// from 0x0A on, and no sum carries past its byte), is not one.
    @inline(__always)
    static func allDigits(_ word: UInt64, _ mask: UInt64) -> Bool {
        let value = (word ^ 0x3030_3030_3030_3030) & mask
        let aboveNine = (value & 0x7F7F_7F7F_7F7F_7F7F) &+ (0x7676_7676_7676_7676 & mask)
        return (value | aboveNine) & 0x8080_8080_8080_8080 & mask == 0
    }
}
