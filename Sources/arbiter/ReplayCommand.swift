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
            fixture passes and every logged decision is reproduced, 1 otherwise.
            """)

    @OptionGroup var rules: RulesOption

    @Flag(help: "Rewrite the expectations of failing fixtures from the actual decisions (review the diff in git).")
    var update = false

    @Argument(help: "Fixture files or folders, decision logs, or - for a log on stdin.")
    var paths: [String]

    func run() throws {
        let set = try rules.loadSets(count: 1)[0]
        // Streams: a log of any size is replayed in constant memory, its report printed as it goes.
        let status = ReplayRunner(set: set).run(paths: paths, update: update, progress: isatty(2) != 0) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        throw status.exitCode
    }
}
