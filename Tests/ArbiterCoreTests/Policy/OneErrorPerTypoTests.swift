import Testing
@testable import ArbiterCore

/// A misspelt key or value is one error, with its "did you mean", not also the errors that
/// follow from the word it replaced being absent (a missing required key, a rule with no
/// effect, effects checked against a scope the rule does not have).
@Suite struct OneErrorPerTypoTests {
    static let cases: [(file: String, original: String, typo: String, expected: String)] = [
        ("rules/20-no-reason.yaml", "        reject: NOT_DELIVERED", "        rejekt: NOT_DELIVERED",
         "Rules/cn/rules/20-no-reason.yaml:12:9: error: unknown key 'rejekt' in a rule (did you mean 'reject'?)"),
        ("rules/20-no-reason.yaml", "      - id: cn.no-reason.not-delivered", "      - idd: cn.no-reason.not-delivered",
         "Rules/cn/rules/20-no-reason.yaml:8:9: error: unknown key 'idd' in a rule (did you mean 'id'?)"),
        ("rules/80-settlement.yaml", "scope: settlement", "scope: settlment",
         "error: unknown scope 'settlment' (did you mean 'settlement'?)"),
        ("policy.yaml", "timezone:", "time_zone:", "error: unknown key 'time_zone' in 'policy' (did you mean 'timezone'?)"),
    ]

    @Test(arguments: cases)
    func aTypoIsOneError(_ testCase: (file: String, original: String, typo: String, expected: String)) throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try pack.edit(testCase.file, replacing: testCase.original, with: testCase.typo)
        let output = pack.check()
        #expect(output.status == .failure)
        let errors = output.text.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 1, "\(output.text)")
        #expect(errors.first?.contains(testCase.expected) == true, "\(output.text)")
    }
}
