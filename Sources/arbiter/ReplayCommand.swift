import ArgumentParser
import ArbiterCore
import Foundation

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run fixtures and decision logs against a policy; report differences.",
        discussion: """
            PATH is a fixture file (.yaml, .yml, .json), a folder of them, or a decision log \
            (.jsonl: one {"request": …, "decision": …} per line, as a caller recorded them). \
            Exit 0 when every fixture passes and every logged decision is reproduced, 1 otherwise.
            """)

    @OptionGroup var rules: RulesOption

    @Flag(help: "Rewrite the expectations of failing fixtures from the actual decisions (review the diff in git).")
    var update = false

    @Argument(help: "Fixture files or folders, or decision logs (.jsonl).")
    var paths: [String]

    func run() throws {
        let set = try rules.loadSets(count: 1)[0]
        let output = ReplayRunner(set: set).run(paths: paths, update: update)
        print(output.text, terminator: "")
        throw output.status.exitCode
    }
}
