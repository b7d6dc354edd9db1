import ArgumentParser
import ArbiterCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Load, validate and type-check a policy; print diagnostics as path:line:col.")

    @OptionGroup var rules: RulesOption

    func run() throws {
        let output = CheckCommandRunner.run(rulesDirectory: rules.directory)
        print(output.text, terminator: "")
        throw output.status.exitCode
    }
}
