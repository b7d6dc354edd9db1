import ArgumentParser
import ArbiterCore
import Foundation

struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Decide one request (a JSON file, or - for stdin) and print the decision as pretty JSON.")

    @OptionGroup var rules: RulesOption

    @Option(help: "Audit trail: full, summary or none.")
    var audit: AuditLevel = .full

    @Argument(help: "Request file, or - for stdin.")
    var file: String = "-"

    func run() throws {
        let input: [UInt8]
        if file == "-" {
            input = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("arbiter: cannot read '\(file)'\n".utf8))
                throw ExitCode(ExitStatus.unusable.rawValue)
            }
            input = [UInt8](data)
        }
        let set = try rules.loadSets(count: 1)[0]
        let output = DecideCommandRunner.run(set: set, input: input, audit: audit)
        FileHandle.standardOutput.write(Data(output.stdout.utf8))
        FileHandle.standardError.write(Data(output.stderr.utf8))
        throw output.status.exitCode
    }
}
