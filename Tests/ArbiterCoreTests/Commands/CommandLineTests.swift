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

    /// Issue 9: `serve --max-line-bytes 9223372036854775807` died of an arithmetic overflow on
    /// the first line. Every numeric flag value is accepted and works, or is a usage error.
    @Test(arguments: [
        ["--max-line-bytes", "9223372036854775807"],
        ["--max-line-bytes", "1073741825"],
        ["--max-line-bytes", "0"],
        ["--max-line-bytes", "-1"],
        ["--max-line-bytes", "99999999999999999999"],
        ["--threads", "-1"],
        ["--threads", "65"],
        ["--threads", "9223372036854775807"],
        ["--threads", "99999999999999999999"],
    ])
    func absurdNumericFlagsAreUsageErrors(flag: [String]) throws {
        let run = try ArbiterRun.run(["serve", "--rules", Repository.path("Rules/cn")] + flag, stdin: Array("{\"op\":\"ping\"}\n".utf8))
        #expect(run.status == 2, "\(flag): \(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(flag[0]), "names the flag: \(run.stderr)")
    }

    /// Found after issue 9 by a review: `replay`/`diff --stdin-first-line 9223372036854775807 -`
    /// died of an arithmetic overflow on stdin's second line. Too large is a usage error; the
    /// largest accepted value numbers the lines on from it.
    @Test(arguments: ["9223372036854775807", "9007199254740993"])
    func stdinFirstLineBeyondTwoToTheFiftyThreeIsAUsageError(value: String) throws {
        let requests = Array("{\"op\":\"ping\"}\n{\"op\":\"ping\"}\n".utf8)
        let replay = try ArbiterRun.run(["replay", "--rules", Repository.path("Rules/cn"), "--stdin-first-line", value, "-"], stdin: requests)
        #expect(replay.status == 2, "\(replay.stderr)")
        #expect(replay.stderr.contains("--stdin-first-line"), "\(replay.stderr)")
        let diff = try ArbiterRun.run(["diff", "--base", Repository.path("Rules/cn"), "--candidate", Repository.path("Rules/cn"),
                                       "--stdin-first-line", value, "-"], stdin: requests)
        #expect(diff.status == 2, "\(diff.stderr)")
        #expect(diff.stderr.contains("--stdin-first-line"), "\(diff.stderr)")
    }

    @Test func stdinFirstLineAtTwoToTheFiftyThreeNumbersTheLinesOn() throws {
        let lines = Array("{\"op\":\"ping\"}\nnot json\n".utf8)
        let replay = try ArbiterRun.run(["replay", "--rules", Repository.path("Rules/cn"), "--stdin-first-line", "9007199254740992", "-"], stdin: lines)
        #expect(replay.status == 1, "unreadable lines fail the replay, without a crash: \(replay.status) \(replay.stderr)")
        #expect(replay.stdoutText.contains("-:9007199254740992: expected an object"), "\(replay.stdoutText)")
        #expect(replay.stdoutText.contains("-:9007199254740993: invalid JSON"), "\(replay.stdoutText)")
    }

    @Test(arguments: [
        ["--max-line-bytes", "1073741824"],
        ["--max-line-bytes", "1"],
        ["--threads", "64"],
        ["--threads", "1"],
    ])
    func extremeAcceptedFlagsWork(flag: [String]) throws {
        let run = try ArbiterRun.run(["serve", "--rules", Repository.path("Rules/cn")] + flag, stdin: Array("{\"op\":\"ping\"}\n{}\n".utf8))
        #expect(run.status == 0, "\(flag): \(run.stderr)")
        let answers = run.stdout.split(separator: UInt8(ascii: "\n"))
        #expect(answers.count == 2, "\(flag): \(run.stdoutText)")
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

/// `make install PREFIX=DIR` puts the binary in `DIR/bin` and the set in `DIR/share/arbiter/Rules`:
/// the binary finds it from wherever it runs; a build folder finds the repository's `Rules` above it.
@Suite struct InstalledRulesTests {
    @Test func anInstalledBinaryFindsItsShareFolder() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-prefix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("share/arbiter/Rules"), withIntermediateDirectories: true)
        let binary = prefix.appendingPathComponent("bin/arbiter").path
        FileManager.default.createFile(atPath: binary, contents: Data())
        #expect(PolicyLocator.rulesNear(executablePath: binary) == prefix.appendingPathComponent("share/arbiter/Rules").path)
    }

    @Test func aBuildFolderFindsTheRepositorysSet() {
        let binary = Repository.path(".build/release/arbiter")
        #expect(PolicyLocator.rulesNear(executablePath: binary) == Repository.path("Rules"))
    }

    @Test func aBinaryWithNoSetNearbyFindsNone() {
        #expect(PolicyLocator.rulesNear(executablePath: "/nonexistent-\(UUID().uuidString)/bin/arbiter") == nil)
    }
}
