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

    @Argument(help: "Request file, - for stdin, or anything readable to its end (<(cmd), a FIFO).")
    var file: String = "-"

    func run() throws {
        // No policy to be found is said before waiting for a request on a terminal.
        let directory = try rules.directory()
        let input: [UInt8]
        switch RequestInput.read(file) {
        case .success(let bytes) where bytes.allSatisfy({ [0x20, 0x09, 0x0a, 0x0d].contains($0) }):
            let source = file == "-" ? "standard input" : "'\(file)'"
            FileHandle.standardError.write(Data("arbiter: no request in \(source): it is empty\n".utf8))
            throw ExitCode(ExitStatus.unusable.rawValue)
        case .success(let bytes):
            input = bytes
        case .failure(let error):
            FileHandle.standardError.write(Data((error.message + "\n").utf8))
            throw ExitCode(ExitStatus.unusable.rawValue)
        }
        let set = try rules.loadSets(count: 1, from: directory)[0]
        let output = DecideCommandRunner.run(set: set, input: input, audit: audit)
        FileHandle.standardOutput.write(Data(output.stdout.utf8))
        FileHandle.standardError.write(Data(output.stderr.utf8))
        throw output.status.exitCode
    }
}
