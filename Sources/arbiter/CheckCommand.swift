import ArgumentParser
import ArbiterCore
import Foundation

extension CheckCommandRunner.Format: ExpressibleByArgument {}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Load, validate and type-check a policy; print diagnostics as path:line:col.")

    @OptionGroup var rules: RulesOption

    @Option(help: "text (path:line:col: severity: message) or json (one object with every diagnostic, for CI systems).")
    var format: CheckCommandRunner.Format = .text

    func run() throws {
        let output = CheckCommandRunner.run(rulesDirectory: try rules.directory(), format: format, color: rules.colors(1))
        if output.status == .unusable, format == .text {
            FileHandle.standardError.write(Data(output.text.utf8))  // no policy to report on: why, on stderr
        } else {
            print(output.text, terminator: "")
            FileHandle.standardError.write(Data(output.errors.utf8))
        }
        throw output.status.exitCode
    }
}
