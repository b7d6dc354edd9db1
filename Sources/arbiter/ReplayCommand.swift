import ArgumentParser
import ArbiterCore
import Foundation

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run fixtures and decision logs against a policy; report differences.",
        discussion: """
            PATH is a fixture file (.yaml, .yml, .json), a folder of them, or a decision log of any \
            name (a `serve --log` file, or JSON Lines of {"request": …, "decision": …} as a caller \
            recorded them; `-` reads one from stdin), told apart by content. Exit 0 when every \
            fixture passes and every logged decision is reproduced, 1 otherwise. --format json and \
            junit are for CI systems (README.md, "Replay reports for CI"); --merge merges the JSON \
            reports of pieces of logs (PATH is then such reports).
            """)

    @OptionGroup var rules: RulesOption

    @Flag(help: "Rewrite the expectations of failing fixtures from the actual decisions (review the diff in git).")
    var update = false

    @Option(help: "Report format: text, json or junit.")
    var format: ReplayFormat = .text

    @Option(help: "How the report names a log read from stdin (-).")
    var stdinName: String = "-"

    @Option(help: "The line number of stdin's first line (a piece of a larger log).")
    var stdinFirstLine: Int = 1

    @Flag(help: "Merge JSON replay reports of pieces of decision logs (given as PATH) into the report of the whole.")
    var merge = false

    @Argument(help: "Fixture files or folders, decision logs, or - for a log on stdin (with --merge: JSON reports).")
    var paths: [String]

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one PATH (- for stdin)") }
        guard stdinFirstLine >= 1 else { throw ValidationError("--stdin-first-line must be at least 1") }
        // Line numbers are counted on from it and written as JSON numbers: kept within 2^53, the
        // integers every JSON reader holds exactly (a larger value overflowed the count).
        guard stdinFirstLine <= 1 << 53 else { throw ValidationError("--stdin-first-line must be at most 9007199254740992 (2^53)") }
        if merge, update { throw ValidationError("--merge and --update do not go together") }
    }

    func run() throws {
        let write: (String) -> Void = { text in FileHandle.standardOutput.write(Data(text.utf8)) }
        if merge {
            switch ReplayMerge.run(inputs: paths, format: format, emit: write) {
            case .success(let status):
                throw status.exitCode
            case .failure(let failure):
                FileHandle.standardError.write(Data("arbiter: \(failure.message)\n".utf8))
                throw ExitStatus.unusable.exitCode
            }
        }
        let set = try rules.loadSets(count: 1, from: try rules.directory())[0]
        // Streams: a log of any size is replayed in constant memory, its report printed as it goes.
        let status = ReplayRunner(set: set).run(paths: paths, update: update, progress: isatty(2) != 0, format: format,
                                                stdin: .init(name: stdinName, firstLine: stdinFirstLine), emit: write)
        throw status.exitCode
    }
}

extension ReplayFormat: ExpressibleByArgument {}
