/// An ISO 4217 currency the arbiter knows, with the number of fraction digits of its minor unit.
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    public let code: String
    public let fractionDigits: Int

    /// 10^fractionDigits: minor units per major unit.
    public var minorPerMajor: Int64 {
        var factor: Int64 = 1
        for _ in 0..<fractionDigits { factor *= 10 }
        return factor
    }

    public var description: String { code }

    private init(code: String, fractionDigits: Int) {
        self.code = code
        self.fractionDigits = fractionDigits
    }

    /// Currencies of SPEC section 4; the arbiter never converts between them.
    public static let known: [Currency] = [
        Currency(code: "CNY", fractionDigits: 2),
        Currency(code: "USD", fractionDigits: 2),
        Currency(code: "EUR", fractionDigits: 2),
        Currency(code: "GBP", fractionDigits: 2),
        Currency(code: "HKD", fractionDigits: 2),
        Currency(code: "JPY", fractionDigits: 0),
        Currency(code: "KRW", fractionDigits: 0),
    ]

    /// The currency with this ISO code, or nil when the arbiter does not know it.
    public static func named(_ code: String) -> Currency? {
        known.first { $0.code == code }
    }
}
