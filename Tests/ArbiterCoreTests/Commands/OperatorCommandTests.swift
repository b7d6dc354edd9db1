import Foundation
import Testing
@testable import ArbiterCore

/// What an operator meets first: `decide` reading any stream, the version with its commit,
/// shell completion, and what a binary says when it finds no policy.
@Suite struct DecideInputTests {
    private let example = Repository.path("docs/examples/spec-worked-example.json")

    /// Issue 15: `decide <(cat req.json)` said "cannot read '/dev/fd/63'": a pipe has no size.
    @Test func decideReadsAProcessSubstitution() throws {
        let run = try ShellRun.bash("\"$ARBITER\" decide --rules Rules --audit none <(cat docs/examples/spec-worked-example.json)")
        #expect(run.status == 0, "\(run.stderr)")
        let answer = try JSONReader.parse(Array(run.stdout.utf8))
        #expect(answer["id"] == .string("req-20261105-0001"))
        #expect(answer["outcome"] == .string("approve"))
    }

    @Test func decideReadsStandardInputAndAFifo() throws {
        let request = try [UInt8](Data(contentsOf: URL(fileURLWithPath: example)))
        let fromStdin = try ArbiterRun.run(["decide", "--rules", Repository.path("Rules"), "--audit", "none", "-"], stdin: request)
        #expect(fromStdin.status == 0, "\(fromStdin.stderr)")
        let fromFile = try ArbiterRun.run(["decide", "--rules", Repository.path("Rules"), "--audit", "none", example])
        #expect(fromStdin.stdout == fromFile.stdout, "the same decision whatever it is read from")

        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-fifo-\(UUID().uuidString)").path
        defer { unlink(fifo) }
        #expect(mkfifo(fifo, 0o600) == 0)
        let fromFifo = try ShellRun.bash("cat docs/examples/spec-worked-example.json > '\(fifo)' & \"$ARBITER\" decide --rules Rules --audit none '\(fifo)'")
        #expect(fromFifo.status == 0, "\(fromFifo.stderr)")
        #expect(Array(fromFifo.stdout.utf8) == fromFile.stdout)
    }

    /// A read error names the file and gives the operating system's reason.
    @Test(arguments: [
        ("/nonexistent/request.json", "arbiter: cannot read '/nonexistent/request.json': no such file or directory"),
        ("docs", "arbiter: cannot read 'docs': is a directory"),
    ])
    func aReadErrorSaysWhy(path: String, message: String) throws {
        let run = try ArbiterRun.run(["decide", "--rules", Repository.path("Rules"), path])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == message + "\n")
    }

    @Test func anEmptyRequestIsNamedAsSuch() throws {
        let run = try ArbiterRun.run(["decide", "--rules", Repository.path("Rules"), "-"], stdin: Array("\n  \n".utf8))
        #expect(run.status == 2)
        #expect(run.stderr == "arbiter: no request in standard input: it is empty\n")
    }

    @Test func theReaderStopsAtItsLimit() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-big-\(UUID().uuidString).json").path
        defer { unlink(path) }
        FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x20, count: 200_000))
        #expect(RequestInput.read(path, limit: 100_000) == .failure(.init(source: "'\(path)'", why: "a request is at most 100000 bytes")))
        if case .success(let bytes) = RequestInput.read(path, limit: 200_000) {
            #expect(bytes.count == 200_000, "read whole, across many reads")
        } else {
            Issue.record("a file of exactly the limit is read")
        }
    }
}

@Suite struct VersionTests {
    /// `--version` names the commit; decisions keep `arbiter X.Y.Z` so they do not change per commit.
    @Test func versionNamesTheCommitAndDecisionsDoNot() throws {
        let run = try ArbiterRun.run(["--version"])
        #expect(run.status == 0)
        let line = run.stdoutText.trimmingCharacters(in: .newlines)
        let prefix = "\(EngineVersion.description) (commit "
        #expect(line.hasPrefix(prefix) && line.hasSuffix(")"), "\(line)")
        let commit = String(line.dropFirst(prefix.count).dropLast())
        let git = try ShellRun.bash("git rev-parse --short HEAD")
        if git.status == 0 {
            // A clone: the commit `swift test` just built from, `-dirty` when files were changed
            // (HEAD itself, or one before it if a commit was made since the build).
            let hash = commit.hasSuffix("-dirty") ? String(commit.dropLast("-dirty".count)) : commit
            #expect(hash.count >= 7 && hash.allSatisfy(\.isHexDigit), "\(line)")
            let known = try ShellRun.bash("git merge-base --is-ancestor '\(hash)' HEAD")
            #expect(known.status == 0, "\(line) names a commit of this clone's history (HEAD \(git.stdout))")
        } else {
            #expect(commit == "unknown" || !commit.isEmpty)
        }

        let decide = try ArbiterRun.run(["decide", "--rules", Repository.path("Rules"), "--audit", "summary", Repository.path("docs/examples/spec-worked-example.json")])
        let answer = try JSONReader.parse(decide.stdout)
        #expect(answer["audit"]?["engine"] == .string(EngineVersion.description))
        #expect(EngineVersion.description == "arbiter \(EngineVersion.version)")
    }
}

@Suite struct CompletionTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func everyShellGetsAScriptNamingTheSubcommands(shell: String) throws {
        let run = try ArbiterRun.run(["--generate-completion-script", shell])
        #expect(run.status == 0)
        let options = shell == "fish" ? ["-l 'rules'", "-l 'audit'"] : ["--rules", "--audit"]  // fish: `complete … -l 'rules'`
        for word in ["serve", "decide", "check", "replay", "diff"] + options {
            #expect(run.stdoutText.contains(word), "\(shell) completion lacks \(word)")
        }
    }

    /// The bash script loaded into bash completes a subcommand and the values of `--audit`.
    @Test func bashCompletesSubcommandsAndOptionValues() throws {
        let script = """
            source <("$ARBITER" --generate-completion-script bash)
            complete_words() {
                COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
                _arbiter "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"   # as `complete -F` calls it
                printf '%s\\n' "${COMPREPLY[@]}"
            }
            echo "subcommands:" $(complete_words arbiter de)
            echo "audit:" $(complete_words arbiter serve --audit "")
            echo "options:" $(complete_words arbiter decide --ru)
            """
        let run = try ShellRun.bash(script)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("subcommands: decide\n"), "\(run.stdout)")
        #expect(run.stdout.contains("audit: full summary none\n"), "\(run.stdout)")
        #expect(run.stdout.contains("options: --rules\n"), "\(run.stdout)")
    }
}

/// `make man` runs swift-argument-parser's generate-manual, which reads `--experimental-dump-help`:
/// every subcommand and its options must be in it (building the tool itself is left to `make man`).
@Suite struct ManualSourceTests {
    @Test func theDumpHelpThatTheManPageIsMadeFromHasEveryCommand() throws {
        let run = try ArbiterRun.run(["--experimental-dump-help"])
        #expect(run.status == 0)
        let dump = try JSONReader.parse(run.stdout)
        guard case .array(let subcommands)? = dump["command"]?["subcommands"] else {
            Issue.record("no subcommands in \(run.stdoutText.prefix(200))")
            return
        }
        let names = subcommands.compactMap { command -> String? in
            if case .string(let name)? = command["commandName"] { return name }
            return nil
        }
        #expect(["serve", "decide", "check", "replay", "diff", "log"].allSatisfy(names.contains), "\(names)")
        let serve = subcommands.first { $0["commandName"] == .string("serve") }
        guard case .array(let arguments)? = serve?["arguments"] else {
            Issue.record("serve has no arguments in the dump")
            return
        }
        #expect(arguments.contains { $0["preferredName"]?["name"] == .string("rules") }, "--rules is in serve's page")
    }
}

@Suite struct NoPolicyFoundTests {
    /// A fresh folder holding a copy of the binary in `bin/`, with no `Rules` beside or above it.
    static func loneBinary() throws -> (folder: URL, binary: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-lone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let binary = folder.appendingPathComponent("bin/arbiter").path
        try FileManager.default.copyItem(atPath: Repository.binary.path, toPath: binary)
        return (folder, binary)
    }

    /// A binary away from any `Rules`, run where there is none, says where it looked and how to point it.
    @Test func aBinaryWithNoPolicySaysWhereItLookedAndHowToPointIt() throws {
        let (folder, binary) = try Self.loneBinary()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try ShellRun.run(binary, ["check"], currentDirectory: folder.path)
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("arbiter: no policy found (no --rules, no ARBITER_RULES); looked in order for:\n"), "\(run.stderr)")
        #expect(run.stderr.contains("  \(folder.path)/Rules (the working directory)\n"))
        #expect(run.stderr.contains("  \(folder.path)/bin/Rules\n"))
        #expect(run.stderr.contains("  \(folder.path)/share/arbiter/Rules\n"), "an install prefix's share folder")
        #expect(run.stderr.contains("--rules DIR or ARBITER_RULES=DIR"))

        let withEnvironment = try ShellRun.run(binary, ["serve"], currentDirectory: folder.path, environment: ["ARBITER_RULES": "/nonexistent/rules"])
        #expect(withEnvironment.status == 2)
        #expect(withEnvironment.stderr == "arbiter: policy folder '/nonexistent/rules' (from ARBITER_RULES) does not exist; unset ARBITER_RULES or point it at a policy set or pack\n")

        // Pointed at the repository's set either way, it runs.
        let pointed = try ShellRun.run(binary, ["decide", "--audit", "none", Repository.path("docs/examples/spec-worked-example.json")],
                                       currentDirectory: folder.path, environment: ["ARBITER_RULES": Repository.path("Rules")])
        #expect(pointed.status == 0, "\(pointed.stderr)")
    }

    /// `replay --merge` reads reports, not a policy: it runs where no policy is found (the Spark
    /// job runs it on an executor, in a folder of its own).
    @Test func replayMergeNeedsNoPolicy() throws {
        let (folder, binary) = try Self.loneBinary()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = Repository.path("Rules")
        let made = try ShellRun.bash("""
            cd '\(folder.path)' && python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' \
              '\(Repository.path("docs/examples/spec-worked-example.json"))' > request.jsonl &&
            "$ARBITER" serve --rules '\(rules)' --log decisions.log < request.jsonl > /dev/null &&
            "$ARBITER" replay --rules '\(rules)' --format json decisions.log > report.json
            """)
        #expect(made.status == 0, "\(made.stderr)")
        let merged = try ShellRun.run(binary, ["replay", "--merge", "--format", "text", "report.json"], currentDirectory: folder.path)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout.contains("1 decision replayed, 1 same, 0 different"), "\(merged.stdout)")
        // What reads a policy still says it has none.
        let replay = try ShellRun.run(binary, ["replay", "decisions.log"], currentDirectory: folder.path)
        #expect(replay.status == 2)
        #expect(replay.stderr.hasPrefix("arbiter: no policy found"), "\(replay.stderr)")
    }

    @Test func locateListsEachPlaceOnce() {
        let location = PolicyLocator.locate(explicit: nil, executablePath: "/nonexistent-a/bin/arbiter", environment: [:], workingDirectory: "/nonexistent-a")
        guard case .notFound(let searched) = location else {
            Issue.record("found \(location)")
            return
        }
        #expect(searched == [
            "/nonexistent-a/Rules (the working directory)",
            "/nonexistent-a/bin/Rules", "/nonexistent-a/bin/share/arbiter/Rules",
            "/nonexistent-a/share/arbiter/Rules",
            "/Rules", "/share/arbiter/Rules",
        ])
    }
}

/// Runs a command (bash, or a copied binary) with `$ARBITER` set to the built binary, in the repository.
struct ShellRun {
    var stdout: String
    var stderr: String
    var status: Int32

    static func bash(_ script: String) throws -> ShellRun {
        try run("/bin/bash", ["-c", script])
    }

    static func run(_ executable: String, _ arguments: [String], currentDirectory: String = Repository.root.path,
                    environment: [String: String] = [:]) throws -> ShellRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
        var variables = ProcessInfo.processInfo.environment
        variables["ARBITER"] = Repository.binary.path
        variables["ARBITER_RULES"] = nil
        for (key, value) in environment { variables[key] = value }
        process.environment = variables
        let output = Pipe(), errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let errorData = ErrorCollector(errors.fileHandleForReading)
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ShellRun(stdout: String(decoding: out, as: UTF8.self), stderr: errorData.text(), status: process.terminationStatus)
    }
}
