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

    @Option(help: "Record every answer in this decision log, before it is written (continued on restart).")
    var log: String?

    @Option(name: .customLong("log-sync"), help: "fsync the log per batch (before its answers are released), every record, or none.")
    var logSync: LogSync = .batch

    @Option(name: .customLong("log-max-bytes"), help: "Rotate the log (FILE.1, FILE.2, …) before it grows past this many bytes.")
    var logMaxBytes: Int?

    func validate() throws {
        guard ServeLoop.maxLineBytesRange.contains(maxLineBytes) else {
            throw ValidationError("--max-line-bytes must be between \(ServeLoop.maxLineBytesRange.lowerBound) and \(ServeLoop.maxLineBytesRange.upperBound) (1 GiB)")
        }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
        if let logMaxBytes, logMaxBytes < 1 { throw ValidationError("--log-max-bytes must be at least 1") }
        if log == nil, logMaxBytes != nil { throw ValidationError("--log-max-bytes needs --log FILE") }
        if log != nil, maxLineBytes > ServeLoop.maxLoggedLineBytes {
            throw ValidationError("with --log, --max-line-bytes is at most \(ServeLoop.maxLoggedLineBytes) (32 MiB): a record must stay short enough for log verify and replay to read")
        }
    }

    func run() throws {
        // A copy of the policy per thread (see ServeLoop.deciders), all from one reading of its files.
        let deciders = try rules.loadSets(count: threads, from: try rules.directory()).map { Decider(policy: $0, audit: audit) }
        let decisionLog = try log.map { try openLog($0, set: deciders[0].engines.policySet) }
        let ending = ServeLoop(deciders: deciders, maxLineBytes: maxLineBytes, log: decisionLog).serve()
        if let failure = decisionLog?.failure {
            FileHandle.standardError.write(Data("arbiter: decision log: \(failure); answers after the last record were not released\n".utf8))
        }
        switch ending {
        case .endOfInput:
            return
        case .outputFailed:
            // Output that could not be written (the caller closed the pipe) is a failure, not a crash.
            throw ExitCode(ExitStatus.failure.rawValue)
        case .inputFailed(let reason, let bytesRead) where bytesRead == 0:
            // Unusable from the start (a folder, a closed descriptor): SPEC section 2's exit 2.
            FileHandle.standardError.write(Data("arbiter: cannot read standard input: \(reason)\n".utf8))
            throw ExitCode(ExitStatus.unusable.rawValue)
        case .inputFailed(let reason, _):
            // Not the end of the input: the work ran and failed, and a caller must not take the
            // answers so far for all of them.
            FileHandle.standardError.write(Data("arbiter: cannot read standard input: \(reason); the lines read before were answered\n".utf8))
            throw ExitCode(ExitStatus.failure.rawValue)
        }
    }

    /// The decision log, verified and ready to continue; exit 2 when it is damaged or in use.
    private func openLog(_ path: String, set: PolicySet) throws -> DecisionLog {
        switch DecisionLog.open(path: path, policies: LogPolicies.json(for: set), sync: logSync, maxBytes: logMaxBytes) {
        case .success(let log):
            for note in log.notes { FileHandle.standardError.write(Data("arbiter: \(note)\n".utf8)) }
            return log
        case .failure(let error):
            FileHandle.standardError.write(Data("arbiter: \(error)\n".utf8))
            throw ExitCode(ExitStatus.unusable.rawValue)
        }
    }
}
