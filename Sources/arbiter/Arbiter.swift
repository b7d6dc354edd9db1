import ArgumentParser
import ArbiterCore

@main
struct Arbiter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arbiter",
        abstract: "Decide e-commerce after-sale requests from YAML policies.",
        version: EngineVersion.version,
        subcommands: [ServeCommand.self, DecideCommand.self, CheckCommand.self, ReplayCommand.self]
    )
}

/// `--rules DIR`, shared by every subcommand.
struct RulesOption: ParsableArguments {
    @Option(name: .long, help: "Policy folder (default: Rules/cn, the default pack).")
    var rules: String?

    var directory: String { PolicyLocator.rulesDirectory(explicit: rules) }
}

extension ExitStatus {
    var exitCode: ExitCode { ExitCode(rawValue) }
}

extension AuditLevel: ExpressibleByArgument {}
