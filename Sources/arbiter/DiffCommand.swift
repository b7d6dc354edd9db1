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
            some do, 2 if unusable. See docs/diff.md.
            """)

    @Option(help: "The policy in force: a pack folder or a policy set.")
    var base: String

    @Option(help: "The changed policy: a pack folder or a policy set.")
    var candidate: String

    @Option(help: "Report format: text, json or html.")
    var format: DiffCommandRunner.Format = .text

    @Option(help: "Example requests shown per outcome transition.")
    var examples: Int = 5

    @Option(help: "Threads deciding requests (default: one per core).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Colour the diagnostics of a policy that cannot be used: auto, always or never.")
    var color: ColorChoice = .auto

    @Argument(help: "Request JSON Lines, decision logs or serve logs (- for stdin).")
    var inputs: [String]

    func validate() throws {
        guard (0...10_000).contains(examples) else { throw ValidationError("--examples must be between 0 and 10000") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
        guard !inputs.isEmpty else { throw ValidationError("give at least one INPUT (- for stdin)") }
    }

    func run() throws {
        let output = DiffCommandRunner.run(base: base, candidate: candidate, inputs: inputs, format: format, examples: examples, threads: threads,
                                            color: color.enabled(isTerminal: isatty(2) != 0, environment: ProcessInfo.processInfo.environment))
        if !output.error.isEmpty { FileHandle.standardError.write(Data((output.error + "\n").utf8)) }
        FileHandle.standardOutput.write(Data(output.text.utf8))
        throw output.status.exitCode
    }
}

extension DiffCommandRunner.Format: ExpressibleByArgument {}
