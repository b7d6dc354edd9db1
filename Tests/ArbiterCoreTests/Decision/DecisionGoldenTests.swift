import Foundation
import Testing
@testable import ArbiterCore

/// What auditors read, as golden files: the whole decision for a request at each audit level,
/// pretty-printed as `arbiter decide` prints it (`Golden/decisions/NAME.AUDIT.json`). The
/// policy digest is masked (it changes with any edit of the pack, comments included); the
/// request's digest, the trace and every computation are compared byte for byte.
/// Re-record with `ARBITER_RECORD_GOLDEN=1 swift test --filter DecisionGoldenTests` and review the diff.
@Suite struct DecisionGoldenTests {
    static let golden = Repository.root.appendingPathComponent("Tests/ArbiterCoreTests/Golden/decisions")
    static let recording = ProcessInfo.processInfo.environment["ARBITER_RECORD_GOLDEN"] == "1"

    static let requests: [(name: String, path: String)] = [
        ("spec-worked-example", "docs/examples/spec-worked-example.json"),
    ]

    static func masked(_ text: String) -> String {
        guard let range = text.range(of: #""digest": "sha256:[0-9a-f]{64}""#, options: .regularExpression) else { return text }
        return text.replacingCharacters(in: range, with: #""digest": "sha256:(policy digest)""#)
    }

    @Test(arguments: AuditLevel.allCases)
    func workedExample(audit: AuditLevel) throws {
        for (name, path) in Self.requests {
            let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Repository.path(path))))
            let output = DecideCommandRunner.run(policy: Repository.cnPolicy, input: input, audit: audit)
            #expect(output.status == .success)
            let actual = Self.masked(output.stdout)
            let file = Self.golden.appendingPathComponent("\(name).\(audit.rawValue).json")
            if Self.recording {
                try Data(actual.utf8).write(to: file)
            } else {
                #expect(actual == (try String(contentsOf: file, encoding: .utf8)), "golden decisions/\(name).\(audit.rawValue).json")
            }
        }
    }
}
