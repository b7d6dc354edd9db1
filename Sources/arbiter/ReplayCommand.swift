import ArgumentParser
import ArbiterCore

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run fixtures and decision logs against a policy; report differences.")

    @OptionGroup var rules: RulesOption

    @Argument(help: "Fixture files or folders, or decision logs (.jsonl).")
    var paths: [String]

    func run() throws {
        throw ValidationError("replay is not built yet")
    }
}
