import Testing
@testable import ArbiterCore

@Suite struct MoneyParsingTests {
    let cny = Currency.named("CNY")!
    let jpy = Currency.named("JPY")!

    @Test(arguments: [("199.00", Int64(19900)), ("5", 500), ("0.1", 10), ("0", 0), ("12.34", 1234)])
    func parsesDecimalStrings(text: String, fen: Int64) throws {
        #expect(try Money.parse(text, currency: cny).minorUnits == fen)
    }

    @Test(arguments: ["1.005", "-3", "1e3", "NaN", "", ".5", "5.", "1,00", " 1", "+1", "0x10"])
    func rejectsMalformedAmounts(text: String) {
        #expect(throws: MoneyError.self) { try Money.parse(text, currency: cny) }
    }

    @Test func yenHasNoFractionDigits() throws {
        #expect(try Money.parse("500", currency: jpy).description == "500")
        #expect(throws: MoneyError.tooManyFractionDigits("5.0", allowed: 0)) { try Money.parse("5.0", currency: jpy) }
    }

    @Test func printsExactlyTheCurrencyDigits() {
        #expect(Money(minorUnits: 1304, currency: cny).description == "13.04")
        #expect(Money(minorUnits: -1200, currency: cny).description == "-12.00")
        #expect(Money(minorUnits: 5, currency: cny).description == "0.05")
    }

    @Test func percentRoundsHalfUp() {
        #expect(Percent(basisPoints: 500).of(minorUnits: 10) == 1)   // 0.5 fen -> 1
        #expect(Percent(basisPoints: 500).of(minorUnits: 9) == 0)    // 0.45 fen -> 0
        #expect(Percent(basisPoints: 2000).of(minorUnits: 18596) == 3719)
        #expect(Percent.parse("12.5%") == Percent(basisPoints: 1250))
        #expect(Percent.parse("5") == nil)
    }
}
