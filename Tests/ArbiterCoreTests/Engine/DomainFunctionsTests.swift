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

    /// The domain functions read the decision's state borrowed (`DomainFunctions.withState`):
    /// a context that is not a decision's, with no host or with another object as its host,
    /// gets the function's internal error, never a crash or another object's fields.
    @Test(arguments: [false, true])
    func aContextThatIsNotADecisionsIsAnInternalError(hasHost: Bool) throws {
        struct Context: EvaluationContext {
            let other: AnyObject?
            func value(ofSlot slot: Int) -> Value { .null }
            var host: AnyObject? { other }
        }
        final class Other {}
        let context = Context(other: hasHost ? Other() : nil)
        let instant = try Timestamp.parse("2026-11-01T15:00:00+08:00")
        for (function, arguments) in [(DomainFunctions.daysSince, [Value.timestamp(instant)]), (DomainFunctions.endOfDay, [.timestamp(instant), .int(7)])] {
            do {
                _ = try function.implementation(arguments, context)
                Issue.record("\(function.name) answered for a context that is not a decision's")
            } catch {
                #expect(error.code == "internal", "\(function.name)")
            }
        }
    }
}
