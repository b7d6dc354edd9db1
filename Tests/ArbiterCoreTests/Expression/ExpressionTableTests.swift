import Testing
@testable import ArbiterCore

/// Walks `expressionTable`: parse, type-check, evaluate and error positions, one row per case.
@Suite struct ExpressionTableTests {
    @Test(arguments: ExpressionCase.parse(expressionTable))
    func row(_ row: ExpressionCase) {
        let failure = row.run()
        #expect(failure == nil, "\(row): \(failure ?? "")")
    }

    @Test func tableIsNotEmpty() {
        #expect(ExpressionCase.parse(expressionTable).count > 150)
    }
}
