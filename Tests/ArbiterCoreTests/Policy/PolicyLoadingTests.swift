import Foundation
import Testing
@testable import ArbiterCore

/// Issue 9, "Policy loading": a policy file that cannot be read was skipped, so `check` passed
/// and `serve` decided without its rules (approving 5 units of a 1-unit item with the quantity
/// rule gone). Every such file is a located error: `check` exits 1, `serve` exits 2.
@Suite struct PolicyLoadingTests {
    /// False when this process reads files whatever their mode (tests run as root).
    static let permissionsApply: Bool = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-mode-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: Data("x".utf8)) else { return false }
        defer { try? FileManager.default.removeItem(atPath: path) }
        chmod(path, 0)
        let descriptor = open(path, O_RDONLY)
        if descriptor >= 0 { close(descriptor) }
        return descriptor < 0
    }()

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        /// Breaks the pack at `path` (the pack folder).
        var breakPack: @Sendable (String) throws -> Void
        /// The first line `check` prints, with the pack shown as `Rules/cn`.
        var expected: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "dangling symbolic link", breakPack: { pack in
            try FileManager.default.removeItem(atPath: pack + "/rules/10-quantity.yaml")
            try FileManager.default.createSymbolicLink(atPath: pack + "/rules/10-quantity.yaml", withDestinationPath: pack + "/rules/missing.txt")
        }, expected: "Rules/cn/rules/10-quantity.yaml: error: cannot read: dangling symbolic link (no such file or directory)"),
        Case(name: "folder named *.yaml", breakPack: { pack in
            try FileManager.default.createDirectory(atPath: pack + "/rules/15-more.yaml", withIntermediateDirectories: false)
        }, expected: "Rules/cn/rules/15-more.yaml: error: cannot read: it is a folder"),
        Case(name: "FIFO", breakPack: { pack in
            #expect(mkfifo(pack + "/rules/15-pipe.yaml", 0o644) == 0)
        }, expected: "Rules/cn/rules/15-pipe.yaml: error: cannot read: it is a FIFO, not a regular file"),
        Case(name: "empty file", breakPack: { pack in
            try Data().write(to: URL(fileURLWithPath: pack + "/rules/10-quantity.yaml"))
        }, expected: "Rules/cn/rules/10-quantity.yaml: error: file is empty: a policy file holds a mapping of sections"),
        Case(name: "comments only", breakPack: { pack in
            try Data("# nothing here yet\n".utf8).write(to: URL(fileURLWithPath: pack + "/rules/10-quantity.yaml"))
        }, expected: "Rules/cn/rules/10-quantity.yaml: error: file is empty"),
        // Found by QA: a rule with no effect key was an error, one with an empty list was not.
        Case(name: "a verdict without a reason code", breakPack: { pack in
            try Data("rules:\n  - id: x.y\n    description: d\n    basis: b\n    when: true\n    approve: []\n".utf8)
                .write(to: URL(fileURLWithPath: pack + "/rules/99-empty.yaml"))
        }, expected: "Rules/cn/rules/99-empty.yaml:6:14: error: 'approve' lists no reason code; a verdict needs at least one (e.g. approve: SEVEN_DAY_NO_REASON)"),
        Case(name: "missing rules folder", breakPack: { pack in
            try FileManager.default.removeItem(atPath: pack + "/rules")
        }, expected: "Rules/cn/policy.yaml:6:1: error: no file declares 'rules:' (a pack keeps its rules in rules/*.yaml)"),
    ]

    static let permissionCases: [Case] = [
        Case(name: "permission denied", breakPack: { pack in
            chmod(pack + "/rules/10-quantity.yaml", 0)
        }, expected: "Rules/cn/rules/10-quantity.yaml: error: cannot read: permission denied"),
        Case(name: "unreadable subfolder", breakPack: { pack in
            chmod(pack + "/rules", 0)
        }, expected: "Rules/cn/rules: error: cannot read folder: permission denied"),
    ]

    static func checkAndServe(_ testCase: Case) throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try testCase.breakPack(pack.path)
        let output = pack.check()
        #expect(output.status == .failure, "\(output.text)")
        #expect(output.text.hasPrefix(testCase.expected), "\(output.text)")

        // serve does not start on it: exit 2, the reason on stderr, no answer.
        let run = try ArbiterRun.run(["serve", "--rules", pack.path], stdin: Array("{\"op\":\"ping\"}\n".utf8))
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(testCase.expected.replacingOccurrences(of: "Rules/cn", with: pack.path)), "\(run.stderr)")
    }

    @Test(arguments: cases)
    func unreadableFileIsALocatedError(testCase: Case) throws {
        try Self.checkAndServe(testCase)
    }

    /// As root (where the suite often runs in containers) chmod 000 does not deny reads, so
    /// there is nothing to test; elsewhere, the reproducers of the issue.
    @Test(.enabled(if: permissionsApply, "chmod 000 does not deny reads to this user (root)"), arguments: permissionCases)
    func unreadableByPermissionsIsALocatedError(testCase: Case) throws {
        try Self.checkAndServe(testCase)
    }

    /// Root reads files whatever their mode, and CI runs as root: there the issue's reproducers
    /// run the real binary as an unprivileged user (`setpriv`, util-linux), so that they run in
    /// CI too rather than only on a developer's machine.
    static let canDropPrivileges = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

    @Test(.enabled(if: canDropPrivileges, "needs root and /usr/bin/setpriv"), arguments: permissionCases)
    func unreadableByPermissionsIsALocatedErrorForAnUnprivilegedUser(testCase: Case) throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try testCase.breakPack(pack.path)
        // A copy the unprivileged user can reach whatever folder the repository is in.
        let binary = pack.directory.appendingPathComponent("arbiter").path
        try FileManager.default.copyItem(atPath: Repository.binary.path, toPath: binary)
        for (arguments, status) in [(["check", "--color", "never", "--rules", pack.path], Int32(1)), (["serve", "--rules", pack.path], Int32(2))] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", binary] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: "/")
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == status, "\(arguments[0]): \(text)")
            #expect(text.contains(testCase.expected.replacingOccurrences(of: "Rules/cn", with: pack.path)), "\(arguments[0]): \(text)")
        }
    }

    @Test func unusableFolderExitsTwo() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-not-a-folder-\(UUID().uuidString).yaml")
        try Data("a: 1\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(CheckCommandRunner.run(rulesDirectory: file.path).status == .unusable)
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let output = CheckCommandRunner.run(rulesDirectory: empty.path)
        #expect(output.status == .unusable)
        #expect(output.text.contains("is not a policy folder: it holds no policy.yaml (a pack) and no set.yaml (a policy set)"), "\(output.text)")
        // A set file with no pack version below it says so; for CI, as one JSON object too.
        try Data("default: cn\n".utf8).write(to: empty.appendingPathComponent("set.yaml"))
        let emptySet = CheckCommandRunner.run(rulesDirectory: empty.path)
        #expect(emptySet.status == .unusable)
        #expect(emptySet.text.contains("holds set.yaml but no pack version"), "\(emptySet.text)")
        let json = CheckCommandRunner.run(rulesDirectory: empty.path, format: .json)
        #expect(json.status == .unusable)
        #expect(json.errors.contains("holds set.yaml but no pack version"))
        let parsed = try JSONReader.parse(Array(json.text.utf8))
        #expect(parsed["errors"] == .number("1"))
        guard case .array(let diagnostics)? = parsed["diagnostics"] else { Issue.record("no diagnostics: \(json.text)"); return }
        #expect(diagnostics.first?["code"] == .string("empty_set"))
        #expect(diagnostics.first?["line"] == .number("0"))
    }

    /// "Read the policy's files once and compile each thread's copy from the same bytes": copies
    /// compiled from one snapshot are equal, share no objects, and do not see later edits.
    @Test func copiesAreCompiledFromOneReading() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        let snapshot = try PolicySnapshot.read(directory: pack.path)
        // Edited after the reading: the copies must not see it.
        try pack.edit("policy.yaml", replacing: "version: \"2026.11\"", with: "version: \"2099.01\"")
        let first = try #require(PolicyLoader.load(snapshot: snapshot).policy)
        let second = try #require(PolicyLoader.load(snapshot: snapshot).policy)
        #expect(first.version == "2026.11" && second.version == "2026.11")
        #expect(first.digest == second.digest)
        #expect(first.digest == Repository.cnPolicy.digest, "the digest is over the bytes read")
        #expect(first.lineRules.first !== second.lineRules.first, "each copy has its own objects")

        let copies = try #require(try? PolicyLocator.loadUsablePolicies(at: pack.path, count: 3).get())
        #expect(copies.count == 3)
        #expect(Set(copies.map(\.version)) == ["2099.01"])
        #expect(Set(copies.map(\.digest)).count == 1)
    }
}
