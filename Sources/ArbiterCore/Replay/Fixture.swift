import Foundation

/// One fixture (SPEC section 7): a request and the parts of its decision it is about.
///
///     name: no-reason return on day 7 at 23:59:59 is accepted
///     policy: cn
///     request: { … the request of SPEC section 4 … }
///     expect:                # a subset: only the fields given are compared
///       outcome: approve
///       lines: [{line: L1, verdict: approve, refund: "185.96"}]
public struct Fixture: Sendable {
    public var path: String
    public var name: String
    /// The policy name the fixture was written for (`policy:`), if it says.
    public var policy: String?
    public var request: JSONValue
    public var expect: JSONValue
    /// For YAML fixtures, the 1-based line where `expect:` starts, and whether it is the last
    /// top-level key (then `--update` can rewrite the file from that line on, keeping the rest).
    public var expectLine: Int?
    public var expectIsLast: Bool
    /// For YAML fixtures, the `expect:` value as written (its flow or block style and the quoting
    /// of its scalars are what `--update` keeps).
    public var expectNode: YAMLNode? = nil
}

/// Why a fixture file could not be read; `path:line:col` when the problem is inside it.
public struct FixtureError: Error, Sendable {
    public var message: String
}

public enum FixtureLoader {
    static let keys = ["name", "policy", "description", "request", "expect"]

    /// Reads a `.yaml`/`.yml` or `.json` fixture.
    public static func load(path: String) throws(FixtureError) -> Fixture {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw FixtureError(message: "\(path): cannot read the file as UTF-8")
        }
        if path.hasSuffix(".json") {
            let json: JSONValue
            do {
                json = try JSONReader.parse(Array(text.utf8))
            } catch {
                throw FixtureError(message: "\(path): invalid JSON: \(error.message) at byte \(error.offset + 1)")
            }
            guard case .object(let members) = json else { throw FixtureError(message: "\(path): a fixture is a JSON object") }
            if let unknown = members.first(where: { !keys.contains($0.key) }) {
                throw FixtureError(message: "\(path): unknown key '\(unknown.key)'; expected one of \(keys.joined(separator: ", "))")
            }
            guard let request = json["request"] else { throw FixtureError(message: "\(path): missing 'request'") }
            guard let expect = json["expect"] else { throw FixtureError(message: "\(path): missing 'expect'") }
            return Fixture(path: path, name: json["name"].flatMap(stringValue) ?? fileName(path), policy: json["policy"].flatMap(stringValue),
                           request: request, expect: expect, expectLine: nil, expectIsLast: false)
        }
        let root: YAMLNode?
        do {
            root = try YAMLLoader.load(text: text, file: path)
        } catch {
            throw FixtureError(message: error.diagnostic.description)
        }
        guard case .mapping(let mapping)? = root else { throw FixtureError(message: "\(path):1:1: error: a fixture is a mapping with 'request' and 'expect'") }
        for entry in mapping.entries where !keys.contains(entry.key.value) {
            var message = "\(entry.key.location): error: unknown key '\(entry.key.value)'"
            if let suggestion = Suggestion.closest(to: entry.key.value, in: keys) { message += " (did you mean '\(suggestion)'?)" }
            throw FixtureError(message: message + "; expected one of \(keys.joined(separator: ", "))")
        }
        guard let request = mapping["request"] else { throw FixtureError(message: "\(mapping.location): error: missing 'request'") }
        guard let expect = mapping["expect"] else { throw FixtureError(message: "\(mapping.location): error: missing 'expect'") }
        return Fixture(
            path: path, name: mapping["name"].flatMap { stringValue($0.value.jsonValue) } ?? fileName(path),
            policy: mapping["policy"].flatMap { stringValue($0.value.jsonValue) },
            request: request.value.jsonValue, expect: expect.value.jsonValue,
            expectLine: expect.key.location.line, expectIsLast: mapping.entries.last?.key.value == "expect", expectNode: expect.value)
    }

    /// Fixture files and decision logs under `path` (or `path` itself), sorted.
    public static func files(at path: String) -> [String] { scan(path).files }

    /// What `replay` reads under `path`: `path` itself when it is a file; in a folder (and its
    /// subfolders, hidden ones aside), the fixtures (`.yaml`, `.yml`, `.json`), the `.jsonl`
    /// files, and every other file whose first line is a decision log's (SPEC section 10: logs
    /// are told by content, so `decisions.log`, `decisions.log.1` or `2026-11.ndjson` are read
    /// too). `skipped` lists the other files and the folders reached through a symbolic link
    /// (not followed: a link can lead back up), with why, which the caller reports: a log that is
    /// not read must not pass unnoticed.
    static func scan(_ path: String) -> (files: [String], skipped: [(path: String, why: String)]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return ([], []) }
        guard isDirectory.boolValue else { return ([path], []) }
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        var found: [String] = []
        var skipped: [(path: String, why: String)] = []
        // The folder itself may be a link to one: its contents are listed through where it leads.
        let enumerator = FileManager.default.enumerator(atPath: URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
        while let relative = enumerator?.nextObject() as? String {
            let file = base + "/" + relative
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                // Real subfolders are listed by the enumerator; a linked one is not.
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: file)) != nil {
                    skipped.append((file, "a folder reached through a symbolic link is not followed; give it as an argument"))
                }
                continue
            }
            if isFixtureFile(relative) || relative.hasSuffix(".jsonl") || ReplayRunner.startsLikeALog(file) {
                found.append(file)
            } else {
                skipped.append((file, "neither a fixture (.yaml, .yml, .json) nor a decision log"))
            }
        }
        return (found.sorted(), skipped.sorted { $0.path < $1.path })
    }

    static func isFixtureFile(_ path: String) -> Bool {
        path.hasSuffix(".yaml") || path.hasSuffix(".yml") || path.hasSuffix(".json")
    }

    private static func stringValue(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text), .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    private static func fileName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}
