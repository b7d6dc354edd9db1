import ArgumentParser
import ArbiterCore
import Foundation

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Decide requests under two policies and report what the change does.",
        discussion: """
            INPUT is request JSON Lines, a decision log ({"request": …, "decision": …} per line) \
            or a serve log, told by content; - reads stdin. Exit 0 if no decision differs, 1 if \
            some do, 2 if unusable. --format partial writes the report's whole state on one line; \
            --merge reads such partial reports (INPUT) and writes the report of their inputs taken \
            in order. See docs/diff.md.
            """)

    @Option(help: "The policy in force: a pack folder or a policy set.")
    var base: String?

    @Option(help: "The changed policy: a pack folder or a policy set.")
    var candidate: String?

    @Option(help: "Report format: text, json, html or partial (for --merge).")
    var format: DiffCommandRunner.Format = .text

    @Option(help: "Example requests shown per outcome transition.")
    var examples: Int = 5

    @Option(help: "Threads deciding requests (default: one per core).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Colour the diagnostics of a policy that cannot be used: auto, always or never.")
    var color: ColorChoice = .auto

    @Flag(help: "Merge partial reports (INPUT: files of --format partial lines) into one report.")
    var merge = false

    @Option(help: "How the report names the base policy (default: --base as given).")
    var baseName: String?

    @Option(help: "How the report names the candidate policy (default: --candidate as given).")
    var candidateName: String?

    @Option(help: "How the report names stdin (-).")
    var stdinName: String = "-"

    @Option(help: "The line number of stdin's first line (a piece of a larger input).")
    var stdinFirstLine: Int = 1

    @Option(help: "What the inputs hold: requests, decision-log or serve-log (default: told by each input's first line).")
    var inputFormat: InputFormat?

    enum InputFormat: String, ExpressibleByArgument, CaseIterable {
        case requests, decisionLog = "decision-log", serveLog = "serve-log"

        var format: DiffInputFormat {
            switch self {
            case .requests: return .requests
            case .decisionLog: return .decisionLog
            case .serveLog: return .serveLog
            }
        }
    }

    @Argument(help: "Request JSON Lines, decision logs or serve logs (- for stdin); with --merge, partial reports.")
    var inputs: [String]

    func validate() throws {
        guard (0...10_000).contains(examples) else { throw ValidationError("--examples must be between 0 and 10000") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
        guard !inputs.isEmpty else { throw ValidationError("give at least one INPUT (- for stdin)") }
        guard stdinFirstLine >= 1 else { throw ValidationError("--stdin-first-line must be at least 1") }
        // Line numbers are counted on from it and written as JSON numbers: kept within 2^53, the
        // integers every JSON reader holds exactly (a larger value overflowed the count).
        guard stdinFirstLine <= 1 << 53 else { throw ValidationError("--stdin-first-line must be at most 9007199254740992 (2^53)") }
        if merge {
            guard base == nil, candidate == nil else { throw ValidationError("--merge takes the policies from the partial reports: drop --base and --candidate") }
            guard format != .partial else { throw ValidationError("--merge writes text, json or html") }
        } else {
            guard base != nil, candidate != nil else { throw ValidationError("give --base DIR and --candidate DIR") }
        }
    }

    func run() throws {
        let output: DiffCommandRunner.Output
        if merge {
            output = DiffCommandRunner.merge(inputs: inputs, format: format)
        } else {
            let naming = DiffCommandRunner.Naming(baseName: baseName, candidateName: candidateName, stdinName: stdinName,
                                                  stdinFirstLine: stdinFirstLine, inputFormat: inputFormat?.format)
            output = DiffCommandRunner.run(base: base ?? "", candidate: candidate ?? "", inputs: inputs, format: format, examples: examples,
                                           threads: threads, naming: naming,
                                           color: color.enabled(isTerminal: isatty(2) != 0, environment: ProcessInfo.processInfo.environment))
        }
        if !output.error.isEmpty { FileHandle.standardError.write(Data((output.error + "\n").utf8)) }
        FileHandle.standardOutput.write(Data(output.text.utf8))
        throw output.status.exitCode
    }
}

extension DiffCommandRunner.Format: ExpressibleByArgument {}
