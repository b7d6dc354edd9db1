import Foundation
import Testing
@testable import ArbiterCore


/// SPEC section 9: loading a set, its diagnostics, selecting the version per request, `ping`.
@Suite struct PolicySetTests {
    static let handler = ProtocolHandler(engines: EngineSet(Repository.rulesSet), audit: .summary)
    static let before = Repository.path("Fixtures/cn/version-boundary-placed-2359-before-cn-2026.11-coupon-cap-50.yaml")
    static let at = Repository.path("Fixtures/cn/version-boundary-placed-0000-at-cn-2026.11-coupon-cap-100.yaml")

    static func answer(_ request: JSONValue, handler: ProtocolHandler = handler) throws -> JSONValue {
        var writer = JSONWriter(pretty: false)
        handler.respond(to: request, lineNumber: 1, into: &writer)
        return try JSONReader.parse(writer.bytes)
    }

    static func request(_ fixture: String, _ edit: (inout [String: JSONValue], inout [String: JSONValue]) -> Void = { _, _ in }) throws -> JSONValue {
        guard case .object(let members) = try FixtureLoader.load(path: fixture).request,
              case .object(let orderMembers)? = members.first(where: { $0.key == "order" })?.value else { throw FixtureError(message: "no request") }
        var top = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        var order = Dictionary(orderMembers.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        edit(&top, &order)
        top["order"] = .object(order.map { JSONMember(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key })
        return .object(top.map { JSONMember(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key })
    }

    static func at(_ value: JSONValue?, _ index: Int) -> JSONValue? {
        guard case .array(let elements)? = value, index < elements.count else { return nil }
        return elements[index]
    }

    static func text(_ value: JSONValue?) -> String? {
        guard case .string(let text)? = value else { return nil }
        return text
    }

    // MARK: - Loading

    @Test func repositorySetLoadsWithTwoCnVersionsInOrder() throws {
        let set = Repository.rulesSet
        #expect(!set.isLone)
        #expect(set.packs.map(\.name) == ["cn", "eu"])
        #expect(set.packs[set.defaultPack].versions.map(\.version) == ["2026.01", "2026.11"])
        #expect(set.packs[0].current.version == "2026.11")
        let output = CheckCommandRunner.run(rulesDirectory: Repository.path("Rules"))
        #expect(output.status == .success)
        #expect(output.text.contains("policy set of cn (2 versions), eu (1 version), default cn; 0 errors, 0 warnings"), "\(output.text)")
    }

    @Test func overlappingVersionsAreAnErrorNamingBothFiles() throws {
        let set = try TemporaryPack(copying: "Rules")
        defer { set.remove() }
        try set.edit("cn-2026.01/policy.yaml", replacing: "effective_until: \"2026-06-01T00:00:00+08:00\"", with: "effective_until: \"2026-07-01T00:00:00+08:00\"")
        let output = set.check()
        #expect(output.status == .failure)
        let line = try #require(output.text.split(separator: "\n").first { $0.contains("overlapping_versions") || $0.contains("overlaps") })
        #expect(line.hasPrefix("Rules/cn/policy.yaml:"), "\(line)")
        #expect(line.contains("Rules/cn-2026.01/policy.yaml:"), "\(line)")
        guard case .failure(let unusable) = PolicyLocator.loadUsableSets(at: set.path, count: 1) else {
            Issue.record("an overlapping set must not be served")
            return
        }
        #expect(unusable.message.contains("overlaps"))
    }

    @Test func gapBetweenVersionsIsAWarning() throws {
        let set = try TemporaryPack(copying: "Rules")
        defer { set.remove() }
        try set.edit("cn-2026.01/policy.yaml", replacing: "effective_until: \"2026-06-01T00:00:00+08:00\"", with: "effective_until: \"2026-05-01T00:00:00+08:00\"")
        let output = set.check()
        #expect(output.status == .success, "\(output.text)")
        #expect(output.text.contains("Rules/cn/policy.yaml:"))
        #expect(output.text.contains("warning: no version of pack cn is in force from 2026-05-01T00:00:00+08:00 until 2026-06-01T00:00:00+08:00"), "\(output.text)")
        #expect(output.text.contains("1 warning"))
        // Inside the gap: no version in force.
        let sets = try #require(try? PolicyLocator.loadUsableSets(at: set.path, count: 1).get())
        let handler = ProtocolHandler(engines: EngineSet(sets[0]), audit: .none)
        let answer = try Self.answer(try Self.request(Self.before), handler: handler)
        #expect(answer["error"]?["path"] == .string("$.order.placed_at"))
    }

    @Test func aSetWithoutAnExistingDefaultIsAnError() throws {
        let set = try TemporaryPack(copying: "Rules")
        defer { set.remove() }
        try set.edit("set.yaml", replacing: "default: cn", with: "default: cm")
        let unknown = set.check()
        #expect(unknown.status == .failure)
        #expect(unknown.text.contains("Rules/set.yaml:3:10: error: default pack 'cm' is not in the set (did you mean 'cn'?)"), "\(unknown.text)")
        try set.edit("set.yaml", replacing: "default: cm", with: "defualt: cn")
        let missing = set.check()
        #expect(missing.status == .failure)
        // One error for the typo: the key it meant is not also reported missing.
        #expect(missing.text.contains("Rules/set.yaml:3:1: error: unknown key 'defualt' in set.yaml (did you mean 'default'?)"), "\(missing.text)")
        #expect(!missing.text.contains("missing required key"), "\(missing.text)")
        try set.edit("set.yaml", replacing: "defualt: cn", with: "description: no default")
        #expect(set.check().text.contains("missing required key 'default'"))
        let run = try ArbiterRun.run(["serve", "--rules", set.path], stdin: Array("{\"op\":\"ping\"}\n".utf8))
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
    }

    @Test func duplicateNameAndVersionIsAnErrorNamingBothFiles() throws {
        let set = try TemporaryPack(copying: "Rules")
        defer { set.remove() }
        try set.edit("cn-2026.01/policy.yaml", replacing: "version: \"2026.01\"", with: "version: \"2026.11\"")
        let output = set.check()
        #expect(output.status == .failure)
        let line = try #require(output.text.split(separator: "\n").first { $0.contains("version 2026.11 is also declared") })
        #expect(line.hasPrefix("Rules/cn"), "\(line)")
        #expect(line.contains("Rules/cn-2026.01/policy.yaml") && line.contains("Rules/cn/policy.yaml"), "\(line)")
    }

    @Test func versionsOfAPackMustShareSelectedBy() throws {
        let set = try TemporaryPack(copying: "Rules")
        defer { set.remove() }
        try set.edit("cn-2026.01/policy.yaml", replacing: "selected_by: placed_at", with: "selected_by: requested_at")
        let output = set.check()
        #expect(output.status == .failure)
        let line = try #require(output.text.split(separator: "\n").first { $0.contains("same selected_by") })
        #expect(line.hasPrefix("Rules/cn/policy.yaml:") && line.contains("Rules/cn-2026.01/policy.yaml:"), "\(line)")
    }

    @Test func aVersionInASetNeedsEffectiveFrom() throws {
        let set = try TemporaryPack(copying: "Rules")
        defer { set.remove() }
        try set.edit("cn/policy.yaml", replacing: "  effective_from: \"2026-06-01T00:00:00+08:00\"\n", with: "")
        let output = set.check()
        #expect(output.status == .failure)
        #expect(output.text.contains("Rules/cn/policy.yaml:6:1: error: pack cn 2026.11 is part of a set"), "\(output.text)")
    }

    /// A pack's files and digest never include a nested pack folder (SPEC section 9).
    @Test func aNestedPackIsNotPartOfItsParentsFiles() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try FileManager.default.copyItem(atPath: Repository.path("Rules/cn-2026.01"), toPath: pack.file("old"))
        let snapshot = try PolicySnapshot.read(directory: pack.path)
        #expect(!snapshot.files.contains { $0.relativePath.hasPrefix("old/") })
        #expect(snapshot.digest == Repository.cnPolicy.digest)
    }

    // MARK: - Selection

    @Test func theVersionInForceAtPlacedAtDecides() throws {
        let before = try Self.answer(try Self.request(Self.before))
        #expect(Self.at(before["compensation"], 0)?["amount"] == .string("50.00"))
        #expect(before["audit"]?["policy"]?["version"] == .string("2026.01"))
        let digest01 = Repository.rulesSet.packs[0].versions[0].digest
        #expect(before["audit"]?["policy"]?["digest"] == .string(digest01))
        let at = try Self.answer(try Self.request(Self.at))
        #expect(Self.at(at["compensation"], 0)?["amount"] == .string("100.00"))
        #expect(at["audit"]?["policy"]?["version"] == .string("2026.11"))
        // Naming the pack explicitly selects the same versions.
        let named = try Self.answer(try Self.request(Self.before) { top, _ in top["policy"] = .string("cn") })
        #expect(named["audit"]?["policy"]?["version"] == .string("2026.01"))
        let null = try Self.answer(try Self.request(Self.at) { top, _ in top["policy"] = .null })
        #expect(null["audit"]?["policy"]?["version"] == .string("2026.11"))
    }

    @Test func anUnknownPolicyIsInvalidAtDollarPolicy() throws {
        let answer = try Self.answer(try Self.request(Self.at) { top, _ in top["policy"] = .string("de") })
        #expect(answer["error"]?["code"] == .string("invalid_request"))
        #expect(answer["error"]?["path"] == .string("$.policy"))
        #expect(answer["error"]?["message"] == .string("unknown policy 'de'; this arbiter decides with 'cn', 'eu'"))
        // A malformed field is reported first (SPEC section 8's order).
        let malformed = try Self.answer(try Self.request(Self.at) { top, order in
            top["policy"] = .string("de")
            order["shipping_fee"] = .string("1.2.3")
        })
        #expect(malformed["error"]?["path"] == .string("$.order.shipping_fee"))
    }

    @Test func noVersionInForceIsInvalidAtTheSelectingTimestamp() throws {
        let answer = try Self.answer(try Self.request(Self.at) { _, order in order["placed_at"] = .string("2025-12-31T23:59:59+08:00") })
        #expect(answer["error"]?["code"] == .string("invalid_request"))
        #expect(answer["error"]?["path"] == .string("$.order.placed_at"))
        let message = try #require(Self.text(answer["error"]?["message"]))
        #expect(message.contains("pack 'cn'") && message.contains("2025-12-31T23:59:59+08:00"), "\(message)")
        // The first instant of the earliest version is in force.
        let first = try Self.answer(try Self.request(Self.at) { _, order in order["placed_at"] = .string("2026-01-01T00:00:00+08:00") })
        #expect(first["audit"]?["policy"]?["version"] == .string("2026.01"), "\(first)")
        // A consistency error comes before the selection error.
        let inconsistent = try Self.answer(try Self.request(Self.at) { _, order in
            order["placed_at"] = .string("2025-12-31T23:59:59+08:00")
            order["shipping_clawed_back"] = .string("5.00")
        })
        #expect(inconsistent["error"]?["path"] == .string("$.order.shipping_clawed_back"))
        // A missing placed_at is still reported as missing.
        let missing = try Self.answer(try Self.request(Self.at) { _, order in order["placed_at"] = nil })
        #expect(missing["error"]?["path"] == .string("$.order.placed_at"))
        #expect(Self.text(missing["error"]?["message"])?.contains("missing required field") == true)
    }

    @Test func aCurrencyThePackDoesNotDecideNamesThePackTheVersionAndTheInstant() throws {
        let answer = try Self.answer(try Self.request(Self.at) { _, order in order["currency"] = .string("EUR") })
        #expect(answer["error"]?["path"] == .string("$.order.currency"))
        #expect(answer["error"]?["message"] == .string("currency mismatch: the order is in EUR but pack 'cn' 2026.11, in force at 2026-06-01T00:00:00+08:00 (placed_at), decides CNY; the arbiter never converts"))
    }

    @Test func pingListsEveryVersion() throws {
        var writer = JSONWriter(pretty: false)
        Self.handler.writePong(into: &writer)
        let pong = try JSONReader.parse(writer.bytes)
        let set = Repository.rulesSet
        #expect(pong["policy"]?["version"] == .string("2026.11"))
        #expect(Self.at(pong["policies"], 0) == .object([
            JSONMember(key: "name", value: .string("cn")), JSONMember(key: "version", value: .string("2026.01")),
            JSONMember(key: "digest", value: .string(set.packs[0].versions[0].digest)),
            JSONMember(key: "effective_from", value: .string("2026-01-01T00:00:00+08:00")),
            JSONMember(key: "effective_until", value: .string("2026-06-01T00:00:00+08:00"))]))
        #expect(Self.at(pong["policies"], 1)?["version"] == .string("2026.11"))
        #expect(Self.at(pong["policies"], 1)?["effective_until"] == .null)
        #expect(Self.at(pong["policies"], 2)?["name"] == .string("eu"))
        #expect(Self.at(pong["policies"], 2)?["effective_from"] == .string("2026-01-01T00:00:00+01:00"))
        #expect(Self.at(pong["policies"], 3) == nil)
    }

    /// `serve` copies a pong made once at start-up: its bytes are those `writePong` writes, with
    /// or without an `id`, however many pings come, and a pretty writer still gets it indented.
    @Test func theServedPongIsTheWrittenPong() throws {
        var written = JSONWriter(pretty: false)
        Self.handler.writePong(into: &written)
        for line in ["{\"op\":\"ping\"}", "{\"id\":\"p-1\",\"op\":\"ping\"}", "{\"op\":\"ping\"}"] {
            var served = JSONWriter(pretty: false)
            Array(line.utf8).withUnsafeBytes { Self.handler.respond(to: $0, lineNumber: 1, into: &served, scratch: RequestScratch()) }
            #expect(served.bytes == written.bytes)
        }
        var pretty = JSONWriter(pretty: true)
        Array("{\"op\":\"ping\"}".utf8).withUnsafeBytes { Self.handler.respond(to: $0, lineNumber: 1, into: &pretty, scratch: RequestScratch()) }
        #expect(pretty.bytes.contains(UInt8(ascii: "\n")))
        #expect(try JSONReader.parse(pretty.bytes) == JSONReader.parse(written.bytes))
    }

    /// Without `--rules`, `serve` runs the repository's set `Rules`.
    @Test func serveDefaultsToTheRepositorysSet() throws {
        let run = try ArbiterRun.run(["serve"], stdin: Array("{\"op\":\"ping\"}\n".utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let pong = try JSONReader.parse(run.stdout.filter { $0 != 0x0a })
        #expect(Self.at(pong["policies"], 0)?["version"] == .string("2026.01"))
        #expect(Self.at(pong["policies"], 1)?["version"] == .string("2026.11"))
    }

    // MARK: - Replay

    /// A log recorded with cn 2026.01 alone, replayed with the set: the orders placed after
    /// 2026-06-01 are now decided by 2026.11, whose digest differs (a difference, exit 1);
    /// a record without an audit block is unchecked.
    @Test func replayReportsARecordedDigestThatIsNotTheSelectedVersions() throws {
        let old = try #require(try? PolicyLocator.loadUsablePolicy(at: Repository.path("Rules/cn-2026.01")).get())
        let recorder = ProtocolHandler(engine: Engine(policy: old), audit: .summary)
        let silent = ProtocolHandler(engine: Engine(policy: old), audit: .none)
        var log = ""
        for (fixture, handler) in [(Self.before, recorder), (Self.before, silent), (Self.at, recorder)] {
            let request = try Self.request(fixture)
            var writer = JSONWriter(pretty: false)
            handler.respond(to: request, lineNumber: 1, into: &writer)
            log += "{\"request\":\(request.serialized(pretty: false)),\"decision\":\(String(decoding: writer.bytes, as: UTF8.self))}\n"
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-sets-\(UUID().uuidString).jsonl").path
        try log.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = ReplayRunner(set: Repository.rulesSet).run(paths: [path])
        #expect(output.status == .failure)
        #expect(output.text.contains("DIFF \(path): 3 decisions, 1 different, 1 under another policy digest, 1 unchecked"), "\(output.text)")
        #expect(output.text.contains("recorded under policy cn 2026.01 \(old.digest), now selected: cn 2026.11 \(Repository.cnPolicy.digest)"), "\(output.text)")
        #expect(output.text.contains("$.compensation[0].amount: recorded \"50.00\", now \"100.00\""), "\(output.text)")
    }

    /// A fixture's `policy:` must not contradict its request's.
    @Test func aFixtureMayNotContradictItsRequestsPolicy() throws {
        let text = try String(contentsOfFile: Self.at, encoding: .utf8)
            .replacingOccurrences(of: "request:\n  id:", with: "request:\n  policy: eu\n  id:")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-fixture-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = ReplayRunner(set: Repository.rulesSet).run(paths: [path])
        #expect(output.status == .failure)
        #expect(output.text.contains("fixture is for policy 'cn' but its request names policy 'eu'"), "\(output.text)")
    }
}
