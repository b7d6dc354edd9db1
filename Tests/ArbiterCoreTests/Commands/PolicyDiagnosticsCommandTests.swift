import Foundation
import Testing
@testable import ArbiterCore

/// Issue 15, "Policy authors", through the binary: every command that cannot start on a broken
/// policy prints `check`'s diagnostics (source line, caret, notes), coloured as `--color` and
/// `NO_COLOR` say; a `--rules` folder that is not a policy is said once, exit 2.
@Suite struct PolicyDiagnosticsCommandTests {
    static let example = Repository.path("docs/examples/spec-worked-example.json")
    static let fixture = Repository.path("Fixtures/cn/spec-worked-example.yaml")

    /// A copy of Rules/cn with a misspelt field in rules/20-no-reason.yaml (line 11, column 15).
    static func brokenPack() throws -> TemporaryPack {
        let pack = try TemporaryPack()
        try pack.edit("rules/20-no-reason.yaml", replacing: "order.delivered_at == null", with: "order.deliverd_at == null")
        return pack
    }

    @Test(arguments: ["serve", "decide", "replay", "diff"])
    func commandsThatCannotStartShowTheSourceAndCaret(command: String) throws {
        let pack = try Self.brokenPack()
        defer { pack.remove() }
        let arguments: [String]
        switch command {
        case "decide": arguments = ["decide", "--rules", pack.path, Self.example]
        case "replay": arguments = ["replay", "--rules", pack.path, Self.fixture]
        case "diff": arguments = ["diff", "--base", Repository.path("Rules/cn"), "--candidate", pack.path, Self.example]
        default: arguments = ["serve", "--rules", pack.path]
        }
        let run = try ArbiterRun.run(arguments, stdin: Array("{\"op\":\"ping\"}\n".utf8))
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let expected = """
            \(pack.path)/rules/20-no-reason.yaml:11:15: error: unknown field 'order.deliverd_at' (did you mean 'order.delivered_at'?)
                    when: order.deliverd_at == null
                          ^~~~~~~~~~~~~~~~~
            arbiter: policy '\(pack.path)' has errors; run 'arbiter check --rules \(pack.path)'

            """
        #expect(run.stderr == expected)
        #expect(!run.stderr.contains("\u{1B}"), "not a terminal: no colour")
    }

    @Test func colourFollowsTheFlagAndNoColor() throws {
        let pack = try Self.brokenPack()
        defer { pack.remove() }
        let red = "\u{1B}[1;31merror: \u{1B}[0m"
        let always = try ArbiterRun.run(["check", "--rules", pack.path, "--color", "always"], environment: ["NO_COLOR": "1"])
        #expect(always.stdoutText.contains(red), "--color always wins over NO_COLOR: \(always.stdoutText)")
        #expect(always.stdoutText.contains("\u{1B}[1;32m              ^~~~~~~~~~~~~~~~~\u{1B}[0m"), "green caret line")
        let serve = try ArbiterRun.run(["serve", "--rules", pack.path, "--color", "always"])
        #expect(serve.stderr.contains(red))
        let never = try ArbiterRun.run(["check", "--rules", pack.path, "--color", "never"])
        #expect(!never.stdoutText.contains("\u{1B}"))
        #expect(never.status == 1)
        let auto = try ArbiterRun.run(["check", "--rules", pack.path], environment: ["NO_COLOR": "1"])
        #expect(!auto.stdoutText.contains("\u{1B}"))
        let bad = try ArbiterRun.run(["check", "--rules", pack.path, "--color", "sometimes"])
        #expect(bad.status == 2)
    }

    /// `--rules .`, `--rules Fixtures`, `--rules /tmp`-like: one message, exit 2, for check and serve
    /// (before: 1,141 and 1,068 "unknown key" errors for the first two, exit 1).
    @Test(arguments: ["repository", "Fixtures", "empty"])
    func folderThatIsNotAPolicyIsSaidOnce(which: String) throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-none-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let folder = which == "repository" ? "." : which == "Fixtures" ? "Fixtures" : empty.path
        for command in ["check", "serve"] {
            let run = try ArbiterRun.run([command, "--rules", folder], currentDirectory: Repository.root.path)
            #expect(run.status == 2, "\(command) \(folder): \(run.stderr)")
            #expect(run.stdout.isEmpty)
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.first == "arbiter: '\(folder)' is not a policy folder: it holds no policy.yaml (a pack) and no set.yaml (a policy set)")
            #expect(lines.count == 2, "\(run.stderr)")
            if which == "repository" {
                #expect(lines.last == "note: policy folders below it: ./Rules (a policy set); pass one with --rules")
            } else {
                #expect(lines.last == "note: --rules takes a pack folder (Rules/cn) or a policy set folder (Rules)")
            }
        }
    }

    /// Below a folder with more than three policy folders, three are named and the rest counted
    /// (the set's own folder without its set.yaml: four packs).
    @Test func morePolicyFoldersThanShownAreCounted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-many-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Rules"), to: folder)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("set.yaml"))
        try FileManager.default.copyItem(at: folder.appendingPathComponent("cn"), to: folder.appendingPathComponent("cn-2026.12"))
        let run = try ArbiterRun.run(["check", "--rules", folder.path])
        #expect(run.status == 2, "\(run.stderr)")
        let note = run.stderr.split(separator: "\n").last.map(String.init)
        #expect(note == "note: policy folders below it: \(folder.path)/cn (a pack), \(folder.path)/cn-2026.01 (a pack), \(folder.path)/cn-2026.12 (a pack), and 1 more; pass one with --rules")
    }

    /// A pack folder whose policy.yaml is gone is not read as a pack either.
    @Test func packWithoutPolicyYAMLIsNotAPolicyFolder() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try FileManager.default.removeItem(atPath: pack.file("policy.yaml"))
        let output = CheckCommandRunner.run(rulesDirectory: pack.path)
        #expect(output.status == .unusable)
        #expect(output.text.hasPrefix("arbiter: '\(pack.path)' is not a policy folder"), "\(output.text)")
    }
}
