/// A percentage with two decimals of precision, stored in basis points (5% = 500, 12.5% = 1250).
public struct Percent: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var basisPoints: Int64

    public init(basisPoints: Int64) { self.basisPoints = basisPoints }

    public static func < (lhs: Percent, rhs: Percent) -> Bool { lhs.basisPoints < rhs.basisPoints }

    /// `5%`, `12.5%`, `0.25%`.
    public var description: String {
        let whole = basisPoints / 100
        let fraction = (basisPoints % 100).magnitude
        if fraction == 0 { return "\(whole)%" }
        let text = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0\(fraction)" : String(fraction))
        return "\(whole).\(text)%"
    }

    /// Parses `5%`, `12.5%` or `0.25%` (the `%` is required; at most two fraction digits).
    public static func parse(_ text: String) -> Percent? {
        guard text.hasSuffix("%") else { return nil }
        let number = String(text.dropLast())
        guard let value = try? Money.parseMinorUnits(number, fractionDigits: 2) else { return nil }
        return Percent(basisPoints: value)
    }

    /// This percentage of an amount in minor units, rounded half-up to the minor unit
    /// (half away from zero for negative amounts).
    public func of(minorUnits amount: Int64) -> Int64 {
        let product = Int128(amount) * Int128(basisPoints)
        let magnitude = product.magnitude
        let rounded = (magnitude + 5_000) / 10_000
        let result = Int64(rounded)
        return product < 0 ? -result : result
    }
}
