import Foundation

/// Rewrites a fixture's expectations (`arbiter replay --update`), for intentional policy
/// changes: the fixture keeps stating the same fields, with the values the policy now decides.
/// Everything above `expect:` in a YAML fixture (its comments, its request) is kept byte for
/// byte; the new `expect:` is written as indented JSON, which is valid YAML.
enum FixtureUpdater {
    static func rewrite(_ fixture: Fixture, expect: JSONValue) throws(FixtureError) {
        guard let data = FileManager.default.contents(atPath: fixture.path) else {
            throw FixtureError(message: "cannot read \(fixture.path)")
        }
        let expectation = indented(expect.serialized(pretty: true))
        var text: String
        if fixture.path.hasSuffix(".json") {
            guard case .object(var members) = (try? JSONReader.parse([UInt8](data))) ?? .null else {
                throw FixtureError(message: "\(fixture.path) is no longer a JSON object")
            }
            members = members.map { $0.key == "expect" ? JSONMember(key: "expect", value: expect) : $0 }
            text = JSONValue.object(members).serialized(pretty: true) + "\n"
        } else {
            guard let line = fixture.expectLine, fixture.expectIsLast else {
                throw FixtureError(message: "'expect:' must be the last key of a YAML fixture for --update to rewrite it")
            }
            let original = String(decoding: data, as: UTF8.self)
            let kept = original.split(separator: "\n", omittingEmptySubsequences: false).prefix(line - 1)
            text = kept.joined(separator: "\n") + (kept.isEmpty ? "" : "\n") + "expect:\n" + expectation + "\n"
        }
        guard FileManager.default.createFile(atPath: fixture.path, contents: Data(text.utf8)) else {
            throw FixtureError(message: "cannot write \(fixture.path)")
        }
    }

    /// Indents every line by two spaces so the JSON block sits under the `expect:` key.
    private static func indented(_ json: String) -> String {
        json.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
