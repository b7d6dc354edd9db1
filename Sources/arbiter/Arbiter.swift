import ArgumentParser
import ArbiterCore

@main
struct Arbiter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arbiter",
        abstract: "Decide e-commerce after-sale requests from YAML policies.",
        version: "0.1.0",
        subcommands: []
    )
}
