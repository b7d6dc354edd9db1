import ArgumentParser
import ArbiterCore
import Foundation

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer JSON Lines requests on stdin with one JSON line each on stdout, until EOF.")

    @OptionGroup var rules: RulesOption

    @Option(help: "Audit trail in each decision: full, summary or none.")
    var audit: AuditLevel = .full

    @Option(name: .customLong("max-line-bytes"), help: "Longest accepted line, in bytes (answered with too_large beyond).")
    var maxLineBytes: Int = 1 << 20

    @Option(help: "Threads deciding requests (default: one per core). Answers stay in input order.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard ServeLoop.maxLineBytesRange.contains(maxLineBytes) else {
            throw ValidationError("--max-line-bytes must be between \(ServeLoop.maxLineBytesRange.lowerBound) and \(ServeLoop.maxLineBytesRange.upperBound) (1 GiB)")
        }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
    }

    func run() throws {
        // A copy of the policy per thread (see ServeLoop.handlers), all from one reading of its files.
        let handlers = try rules.loadSets(count: threads).map { ProtocolHandler(engines: EngineSet($0), audit: audit) }
        let ok = ServeLoop(handlers: handlers, maxLineBytes: maxLineBytes).run()
        // Output that could not be written (the caller closed the pipe) is a failure, not a crash.
        if !ok { throw ExitCode(ExitStatus.failure.rawValue) }
    }
}
