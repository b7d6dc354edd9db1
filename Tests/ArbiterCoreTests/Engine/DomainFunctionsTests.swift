import Testing
@testable import ArbiterCore

/// A holiday list known when the policy loads is read once (`FunctionDefinition.specialize`);
/// a list that is not all dates is left to the call, which reports the bad entry as before.
@Suite struct DomainFunctionsTests {
    let function = DomainFunctions.endOfWorkingDay

    @Test func aConstantHolidayListIsReadOnce() throws {
        let specialize = try #require(function.specialize)
        let prepared = try #require(specialize([nil, nil, .list([.string("2026-12-25"), .string("2026-12-26")])]))
        #expect(prepared.name == function.name && prepared.parameters == function.parameters && prepared.result == function.result)
        // A prepared function is not prepared again.
        #expect(prepared.specialize == nil)
    }

    @Test func otherListsAreReadAtEachCall() throws {
        let specialize = try #require(function.specialize)
        #expect(specialize([nil, nil, nil]) == nil)
        #expect(specialize([nil, nil, .list([.string("2026-02-30")])]) == nil)
        #expect(specialize([nil, nil, .list([.string("2026-12-25"), .int(3)])]) == nil)
    }
}
