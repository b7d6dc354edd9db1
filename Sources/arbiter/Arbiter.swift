import ArgumentParser
import ArbiterCore
import Foundation

@main
struct Arbiter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arbiter",
        abstract: "Decide e-commerce after-sale requests from YAML policies.",
        // `arbiter 0.2.0 (commit abc1234)`; audit.engine stays `arbiter 0.2.0` (EngineVersion).
        version: "\(EngineVersion.description) (commit \(BuildInfo.commit))",
        subcommands: [ServeCommand.self, DecideCommand.self, CheckCommand.self, ReplayCommand.self, DiffCommand.self, LogCommand.self]
    )

    /// Runs a subcommand. Unusable arguments exit 2, as SPEC section 2 says, where
    /// ArgumentParser would use 64 (EX_USAGE); its messages are kept.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.unusable.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// `--rules DIR`, shared by every subcommand.
struct RulesOption: ParsableArguments {
    @Option(name: .long, help: "Policy folder: a policy set (holding set.yaml) or one pack (default: Rules, the repository's set).")
    var rules: String?

    @Option(help: "Colour diagnostics: auto (when the output is a terminal and NO_COLOR is not set), always or never.")
    var color: ColorChoice = .auto

    /// Whether to colour diagnostics written to `descriptor` (1 stdout, 2 stderr).
    func colors(_ descriptor: Int32) -> Bool {
        color.enabled(isTerminal: isatty(descriptor) != 0, environment: ProcessInfo.processInfo.environment)
    }

    /// The policy folder to use. No `--rules`, no `ARBITER_RULES` and no set found: say where it
    /// looked, exit 2. Asked for only by what reads a policy (not in `validate`), so that
    /// `replay --merge`, which merges reports and reads none, runs anywhere.
    func directory() throws -> String {
        switch PolicyLocator.locate(explicit: rules) {
        case .found(let directory, .environment) where !FileManager.default.fileExists(atPath: directory):
            FileHandle.standardError.write(Data("arbiter: policy folder '\(directory)' (from ARBITER_RULES) does not exist; unset ARBITER_RULES or point it at a policy set or pack\n".utf8))
            throw ExitCode(ExitStatus.unusable.rawValue)
        case .found(let directory, _):
            return directory
        case .notFound(let searched):
            FileHandle.standardError.write(Data((PolicyLocator.notFoundMessage(searched: searched) + "\n").utf8))
            throw ExitCode(ExitStatus.unusable.rawValue)
        }
    }
}

extension RulesOption {
    /// `count` copies of the checked pack or policy set in `directory` (from `directory()`)
    /// compiled from one reading of its files, or (anything in it unusable) its diagnostics on
    /// stderr and exit status 2.
    func loadSets(count: Int, from directory: String) throws -> [PolicySet] {
        switch PolicyLocator.loadUsableSets(at: directory, count: count) {
        case .success(let sets):
            return sets
        case .failure(let unusable):
            FileHandle.standardError.write(Data((unusable.rendered(color: colors(2)) + "\n").utf8))
            throw ExitCode(ExitStatus.unusable.rawValue)
        }
    }
}

extension ExitStatus {
    var exitCode: ExitCode { ExitCode(rawValue) }
}

extension AuditLevel: ExpressibleByArgument {}

extension ColorChoice: ExpressibleByArgument {}

extension LogSync: ExpressibleByArgument {}
