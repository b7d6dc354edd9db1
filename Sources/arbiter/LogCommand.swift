import ArgumentParser
import ArbiterCore
import Foundation

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Verify a decision log written by `serve --log`, or print its last hash.",
        subcommands: [Verify.self, Head.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check headers, seq, prev and every hash, across rotated files in the order given (oldest first).",
            discussion: "Exit 0 if intact; 1 with FILE:LINE: what is wrong for the first problem of each file; 2 if a file cannot be read.")

        @Option(help: "A hash stored earlier (from `arbiter log head`) that the chain must contain.")
        var head: String?

        @Flag(help: "Each FILE is a log's current file: verify its rotated files FILE.1, FILE.2, … first, in numeric order.")
        var rotated = false

        @Argument(help: "Log files in order: FILE.1 FILE.2 … FILE (or FILE alone with --rotated).")
        var files: [String]

        func run() throws {
            let output = LogCommandRunner.verify(paths: files, anchor: head, withRotated: rotated)
            print(output.text, terminator: "")
            FileHandle.standardError.write(Data(output.errors.utf8))
            throw output.status.exitCode
        }
    }

    struct Head: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the hash of the last line (store it elsewhere, e.g. daily).")

        @Argument(help: "The log file.")
        var file: String

        func run() throws {
            let output = LogCommandRunner.head(path: file)
            print(output.text, terminator: "")
            FileHandle.standardError.write(Data(output.errors.utf8))
            throw output.status.exitCode
        }
    }
}
