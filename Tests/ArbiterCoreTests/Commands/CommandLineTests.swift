import Foundation
import Testing
@testable import ArbiterCore

/// Exit codes of the real binary (SPEC section 2): 0 success, 1 the work found a failure,
/// 2 unusable arguments, policy or input.
@Suite struct CommandLineTests {
    @Test(arguments: [
        ["replay"],                                  // a required argument missing
        ["serve", "--audit", "everything"],          // an unknown audit level
        ["serve", "--threads", "0"],
        ["frobnicate"],                              // an unknown subcommand
        ["check", "--rules", "/nonexistent/rules"],
        ["decide", "/nonexistent/request.json"],
    ])
    func unusableArgumentsExitTwo(arguments: [String]) throws {
        let run = try ArbiterRun.run(arguments)
        #expect(run.status == 2, "\(arguments): \(run.stderr)")
        #expect(!run.stderr.isEmpty, "says why on stderr")
    }

    @Test func checkAndReplayExitZeroOnTheShippedPack() throws {
        #expect(try ArbiterRun.run(["check", "--rules", Repository.path("Rules/cn")]).status == 0)
        let replay = try ArbiterRun.run(["replay", "--rules", Repository.path("Rules/cn"), Repository.path("Fixtures/cn/spec-worked-example.yaml")])
        #expect(replay.status == 0, "\(replay.stdoutText)")
        #expect(replay.stdoutText.contains("1 fixture: 1 passed, 0 failed"))
    }

    @Test func decideAnswersAnInvalidRequestWithItsErrorAndExitTwo() throws {
        let run = try ArbiterRun.run(["decide", "--rules", Repository.path("Rules/cn"), "-"], stdin: Array("{\"id\":\"x\"}".utf8))
        #expect(run.status == 2)
        let answer = try JSONReader.parse(run.stdout)
        #expect(answer["error"]?["code"] == .string("invalid_request"))
        #expect(answer["error"]?["path"] == .string("$.kind"))
    }
}
