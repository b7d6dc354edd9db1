/// An exact amount of money in minor units (fen for CNY). Never a floating-point value.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var minorUnits: Int64
    public let currency: Currency

    /// The largest amount a request may carry: 10^15 minor units, so that
    /// products with quantities stay far from Int64 overflow (proration uses Int128).
    public static let maxMinorUnits: Int64 = 1_000_000_000_000_000

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minorUnits < rhs.minorUnits }

    /// The amount with exactly the currency's fraction digits: `199.00`, `-12.00`, `500` (JPY).
    public var description: String { Money.format(minorUnits: minorUnits, fractionDigits: currency.fractionDigits) }

    /// Formats minor units with a fixed number of fraction digits, sign first when negative.
    public static func format(minorUnits: Int64, fractionDigits: Int) -> String {
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        if fractionDigits == 0 { return (negative ? "-" : "") + String(magnitude) }
        var factor: UInt64 = 1
        for _ in 0..<fractionDigits { factor *= 10 }
        let major = magnitude / factor
        let minor = magnitude % factor
        var minorText = String(minor)
        if minorText.count < fractionDigits {
            minorText = String(repeating: "0", count: fractionDigits - minorText.count) + minorText
        }
        return (negative ? "-" : "") + String(major) + "." + minorText
    }

    /// Parses a non-negative decimal in major units (`"199.00"`, `"5"`, `"0.1"`) into minor units.
    /// Rejects signs, exponents, `NaN`, empty parts and more fraction digits than the currency has.
    public static func parse(_ text: String, currency: Currency) throws(MoneyError) -> Money {
        Money(minorUnits: try parseMinorUnits(text, fractionDigits: currency.fractionDigits), currency: currency)
    }

    /// Parses like `parse(_:currency:)` and returns minor units only.
    public static func parseMinorUnits(_ text: String, fractionDigits: Int) throws(MoneyError) -> Int64 {
        var utf8 = text.utf8[...]
        if utf8.first == UInt8(ascii: "-") { throw .negative(text) }
        var major: Int64 = 0
        var majorDigits = 0
        // "0.10" and "10", never "00.10" or "0199.00": one way to write each amount.
        if utf8.first == UInt8(ascii: "0"), let second = utf8.dropFirst().first,
           second >= UInt8(ascii: "0"), second <= UInt8(ascii: "9") {
            throw .leadingZero(text)
        }
        while let byte = utf8.first, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            majorDigits += 1
            major = major &* 10 &+ Int64(byte - UInt8(ascii: "0"))
            if major > maxMinorUnits { throw .tooLarge(text) }
            utf8 = utf8.dropFirst()
        }
        guard majorDigits > 0 else { throw .notADecimal(text) }
        var minor: Int64 = 0
        var fractionCount = 0
        if utf8.first == UInt8(ascii: ".") {
            utf8 = utf8.dropFirst()
            guard !utf8.isEmpty else { throw .notADecimal(text) }
            while let byte = utf8.first, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                fractionCount += 1
                if fractionCount > fractionDigits { throw .tooManyFractionDigits(text, allowed: fractionDigits) }
                minor = minor * 10 + Int64(byte - UInt8(ascii: "0"))
                utf8 = utf8.dropFirst()
            }
            guard fractionCount > 0 else { throw .notADecimal(text) }
        }
        guard utf8.isEmpty else { throw .notADecimal(text) }
        for _ in fractionCount..<fractionDigits { minor *= 10 }
        var scale: Int64 = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let (scaled, overflow) = major.multipliedReportingOverflow(by: scale)
        guard !overflow, scaled <= maxMinorUnits - minor else { throw .tooLarge(text) }
        return scaled + minor
    }
}

/// Why a money string was refused.
public enum MoneyError: Error, Equatable, Sendable {
    case notADecimal(String)
    case negative(String)
    case tooManyFractionDigits(String, allowed: Int)
    case tooLarge(String)
    case leadingZero(String)

    public var message: String {
        switch self {
        case .notADecimal(let text): return "'\(text)' is not a decimal amount"
        case .negative(let text): return "'\(text)' is negative; amounts are non-negative"
        case .tooManyFractionDigits(let text, let allowed):
            return "'\(text)' has more than \(allowed) fraction digit\(allowed == 1 ? "" : "s")"
        case .tooLarge(let text): return "'\(text)' is too large"
        case .leadingZero(let text): return "'\(text)' has a leading zero; write amounts without one (\"0.10\", \"10\")"
        }
    }
}
