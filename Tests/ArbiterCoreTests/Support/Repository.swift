import Foundation
@testable import ArbiterCore

/// Where tests find the repository's files and the built `arbiter` binary.
enum Repository {
    /// The repository root (this file is `Tests/ArbiterCoreTests/Support/Repository.swift`).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The default pack, loaded once for the whole test run.
    static let cnPolicy: Policy = {
        guard case .success(let policy) = PolicyLocator.loadUsablePolicy(at: path("Rules/cn")) else {
            fatalError("Rules/cn does not load; run `arbiter check --rules Rules/cn`")
        }
        return policy
    }()

    /// The repository's policy set `Rules` (SPEC section 9: cn 2026.11 and the earlier cn 2026.01).
    static let rulesSet: PolicySet = {
        guard case .success(let sets) = PolicyLocator.loadUsableSets(at: path("Rules"), count: 1) else {
            fatalError("Rules does not load; run `arbiter check --rules Rules`")
        }
        return sets[0]
    }()

    /// The `arbiter` executable `swift test` built next to the test bundle (whatever the scratch path).
    static var binary: URL {
        let testExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testExecutable.deletingLastPathComponent()
        // On Linux the test runner is `<build>/debug/arbiterPackageTests.xctest`; on macOS it sits inside a bundle.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("arbiter")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/arbiter")
    }
}

/// Runs the real `arbiter` binary, feeding stdin and collecting stdout, stderr and the exit status.
struct ArbiterRun {
    var stdout: [UInt8]
    var stderr: String
    var status: Int32

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// Runs the binary; `environment` entries are added to (or, with nil values, removed from) this process's.
    static func run(_ arguments: [String], stdin: [UInt8] = [], currentDirectory: String = Repository.root.path,
                    environment: [String: String?] = [:]) throws -> ArbiterRun {
        let process = Process()
        process.executableURL = Repository.binary
        process.arguments = arguments
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
        }
        process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Write stdin on another thread so a large input cannot deadlock against a full stdout pipe.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(stdin))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let errorData = ErrorCollector(errors.fileHandleForReading)
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ArbiterRun(stdout: [UInt8](out), stderr: errorData.text(), status: process.terminationStatus)
    }
}

/// Drains a pipe on a background thread.
final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
