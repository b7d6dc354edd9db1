import Foundation
import Testing
@testable import ArbiterCore

/// `arbiter diff` (SPEC section 11) against an independent computation, the merge property,
/// the JSON keys and the HTML file.
@Suite(.serialized) struct DiffRunnerTests {
    /// `Rules/cn` and a copy whose no-reason window is 10 days instead of 7.
    static func widerWindow() throws -> TemporaryPack {
        let pack = try TemporaryPack()
        try pack.edit("parameters.yaml", replacing: "no_reason_window_days:\n    type: int\n    value: 7", with: "no_reason_window_days:\n    type: int\n    value: 10")
        return pack
    }

    static func handlers(base: String, candidate: String, threads: Int = 2) throws -> [(base: ProtocolHandler, candidate: ProtocolHandler)] {
        guard case .success(let baseSets) = PolicyLocator.loadUsableSets(at: base, count: threads),
              case .success(let candidateSets) = PolicyLocator.loadUsableSets(at: candidate, count: threads) else {
            Issue.record("policies do not load")
            return []
        }
        return zip(baseSets, candidateSets).map {
            (ProtocolHandler(engines: EngineSet($0), audit: .summary), ProtocolHandler(engines: EngineSet($1), audit: .summary))
        }
    }

    static func write(_ lines: [String], name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Removes the folder `write` made for `path`, and whatever else the test put in it.
    static func removeWritten(_ path: String) {
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    static func report(_ runner: DiffRunner, _ paths: [String]) throws -> DiffReport {
        switch runner.run(paths: paths) {
        case .success(let report): return report
        case .failure(let error): throw error
        }
    }

    // MARK: - The independent computation

    /// What the test works out by hand from `ProtocolHandler`'s answers, read with Foundation's
    /// JSON parser and summed with `Decimal`.
    struct ByHand {
        var read = 0, decidedByBoth = 0, differing = 0
        var invalidBase: [String: Int] = [:], invalidCandidate: [String: Int] = [:]
        var outcomes: [String: Int] = [:]  // "base>candidate"
        var refundBase = Decimal(0), refundCandidate = Decimal(0), refundRose = 0, refundFell = 0
        var compensationBase = Decimal(0), compensationCandidate = Decimal(0)
        var adjustments: [String: (base: Decimal, candidate: Decimal)] = [:]
        var rulesBase: [String: Int] = [:], rulesCandidate: [String: Int] = [:]
    }

    static func answer(_ handler: ProtocolHandler, _ line: String) -> [String: Any] {
        var writer = JSONWriter(pretty: false)
        Array(line.utf8).withUnsafeBytes { handler.respond(to: $0, lineNumber: 1, into: &writer) }
        return (try? JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any]) ?? [:]
    }

    static func decimal(_ value: Any?) -> Decimal { (value as? String).flatMap { Decimal(string: $0) } ?? 0 }

    static func byHand(_ lines: [String], base: ProtocolHandler, candidate: ProtocolHandler) -> ByHand {
        var found = ByHand()
        for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let b = answer(base, line), c = answer(candidate, line)
            found.read += 1
            let be = (b["error"] as? [String: Any]), ce = (c["error"] as? [String: Any])
            if let be { found.invalidBase[be["code"] as? String ?? "?", default: 0] += 1 }
            if let ce { found.invalidCandidate[ce["code"] as? String ?? "?", default: 0] += 1 }
            let bo = be == nil ? b["outcome"] as? String ?? "?" : "invalid", co = ce == nil ? c["outcome"] as? String ?? "?" : "invalid"
            found.outcomes["\(bo)>\(co)", default: 0] += 1
            for (answer, isBase) in [(b, true), (c, false)] {
                for id in ((answer["audit"] as? [String: Any])?["rules_fired"] as? [String]) ?? [] {
                    if isBase { found.rulesBase[id, default: 0] += 1 } else { found.rulesCandidate[id, default: 0] += 1 }
                }
            }
            switch (be, ce) {
            case (let x?, let y?):
                if (x["code"] as? String) != (y["code"] as? String) || (x["path"] as? String) != (y["path"] as? String) { found.differing += 1 }
            case (nil, nil):
                found.decidedByBoth += 1
                var bb = b, cc = c
                bb["audit"] = nil
                cc["audit"] = nil
                if !NSDictionary(dictionary: bb).isEqual(to: cc) { found.differing += 1 }
                let br = decimal((b["refund"] as? [String: Any])?["total"]), cr = decimal((c["refund"] as? [String: Any])?["total"])
                found.refundBase += br
                found.refundCandidate += cr
                if cr > br { found.refundRose += 1 } else if cr < br { found.refundFell += 1 }
                found.compensationBase += ((b["compensation"] as? [[String: Any]]) ?? []).reduce(0) { $0 + decimal($1["amount"]) }
                found.compensationCandidate += ((c["compensation"] as? [[String: Any]]) ?? []).reduce(0) { $0 + decimal($1["amount"]) }
                for adjustment in ((b["refund"] as? [String: Any])?["adjustments"] as? [[String: Any]]) ?? [] {
                    found.adjustments[adjustment["code"] as? String ?? "?", default: (0, 0)].base += decimal(adjustment["amount"])
                }
                for adjustment in ((c["refund"] as? [String: Any])?["adjustments"] as? [[String: Any]]) ?? [] {
                    found.adjustments[adjustment["code"] as? String ?? "?", default: (0, 0)].candidate += decimal(adjustment["amount"])
                }
            default:
                found.differing += 1
            }
        }
        return found
    }

    static func minor(_ amount: Int128) -> Decimal { Decimal(string: String(amount))! / 100 }

    @Test func agreesWithDecidingByHandUnderBothPolicies() throws {
        let pack = try Self.widerWindow()
        defer { pack.remove() }
        let lines = try ServeEndToEndTests.workload(count: 3000, bad: 0.1)
        let path = try Self.write(lines, name: "requests.jsonl")
        defer { Self.removeWritten(path) }
        let pairs = try Self.handlers(base: Repository.path("Rules/cn"), candidate: pack.path)
        let report = try Self.report(DiffRunner(handlers: pairs), [path])
        let hand = Self.byHand(lines, base: pairs[0].base, candidate: pairs[0].candidate)

        #expect(report.read == 3000)
        #expect(report.read == hand.read)
        #expect(report.decidedByBoth == hand.decidedByBoth)
        #expect(report.invalidUnderBase == hand.invalidBase)
        #expect(report.invalidUnderCandidate == hand.invalidCandidate)
        #expect(report.differing == hand.differing)
        #expect(report.differing > 0)
        var outcomes: [String: Int] = [:]
        for (transition, count) in report.outcomes { outcomes["\(transition.base)>\(transition.candidate)"] = count }
        #expect(outcomes == hand.outcomes)
        // A wider window turns rejections into approvals, never the other way round.
        #expect(report.outcomes.keys.filter(\.isChange).allSatisfy { $0.base == "reject" })

        let cny = try #require(report.money["CNY"])
        #expect(report.money.count == 1)
        #expect(Self.minor(cny.refund.base) == hand.refundBase)
        #expect(Self.minor(cny.refund.candidate) == hand.refundCandidate)
        #expect(Self.minor(cny.refund.difference) == hand.refundCandidate - hand.refundBase)
        #expect(cny.refund.rose == hand.refundRose)
        #expect(cny.refund.fell == hand.refundFell)
        #expect(cny.refund.rose > 0)
        #expect(Self.minor(cny.compensation.base) == hand.compensationBase)
        #expect(Self.minor(cny.compensation.candidate) == hand.compensationCandidate)
        #expect(Set(cny.adjustments.keys) == Set(hand.adjustments.keys))
        for (code, sums) in hand.adjustments {
            #expect(Self.minor(cny.adjustments[code]?.base ?? 0) == sums.base, "\(code)")
            #expect(Self.minor(cny.adjustments[code]?.candidate ?? 0) == sums.candidate, "\(code)")
        }
        #expect(cny.refundHistogram.reduce(0, +) == hand.decidedByBoth)
        #expect(cny.refundHistogram[DiffReport.RefundBin.zero.rawValue] == hand.decidedByBoth - hand.refundRose - hand.refundFell)
        for (id, count) in report.rules {
            #expect(count.base == hand.rulesBase[id, default: 0], "\(id)")
            #expect(count.candidate == hand.rulesCandidate[id, default: 0], "\(id)")
        }
        #expect(Set(hand.rulesBase.keys).isSubset(of: Set(report.rules.keys)))
        // Sorted by change, ties by id.
        let sorted = report.rulesByChange
        #expect(sorted.first?.id == "cn.no-reason.window")
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            #expect(abs(a.count.change) > abs(b.count.change) || (abs(a.count.change) == abs(b.count.change) && a.id < b.id))
        }
        // Examples: at most 5 per transition, differing, in input order.
        for (_, found) in report.examples {
            #expect(found.count <= 5 && !found.isEmpty)
            let numbers = found.map { Int($0.source.split(separator: ":").last ?? "") ?? 0 }
            #expect(numbers == numbers.sorted())
            #expect(found.allSatisfy { !$0.changes.isEmpty })
        }
    }

    @Test func identicalPoliciesDifferNowhere() throws {
        let lines = try ServeEndToEndTests.workload(count: 500, bad: 0.1)
        let path = try Self.write(lines, name: "requests.jsonl")
        defer { Self.removeWritten(path) }
        let output = DiffCommandRunner.run(base: Repository.path("Rules/cn"), candidate: Repository.path("Rules/cn"), inputs: [path], format: .json, examples: 5, threads: 2)
        #expect(output.status == .success)
        let pairs = try Self.handlers(base: Repository.path("Rules/cn"), candidate: Repository.path("Rules/cn"))
        let report = try Self.report(DiffRunner(handlers: pairs), [path])
        #expect(report.differing == 0)
        #expect(report.read == 500)
        #expect(report.outcomes.keys.allSatisfy { !$0.isChange })
        #expect(report.verdicts.keys.allSatisfy { !$0.isChange })
        #expect(report.examples.isEmpty)
        #expect(report.rules.values.allSatisfy { $0.change == 0 })
        #expect(report.money.values.allSatisfy { $0.refund.difference == 0 && $0.refund.rose == 0 && $0.refund.fell == 0 })
    }

    /// Examples name where they were read; the merge property holds for everything else and
    /// for examples up to that name (the same requests, in the same order).
    static func withoutSources(_ report: DiffReport) -> DiffReport {
        var copy = report
        copy.examples = copy.examples.mapValues { $0.map { var example = $0; example.source = ""; return example } }
        return copy
    }

    @Test func reportsOfSplitInputMergeIntoTheReportOfTheWhole() throws {
        let pack = try Self.widerWindow()
        defer { pack.remove() }
        let lines = try ServeEndToEndTests.workload(count: 1500, bad: 0.1, seed: 11)
        let whole = try Self.write(lines, name: "all.jsonl")
        defer { Self.removeWritten(whole) }
        let first = try Self.write(Array(lines[..<617]), name: "a.jsonl")
        defer { Self.removeWritten(first) }
        let second = try Self.write(Array(lines[617...]), name: "b.jsonl")
        defer { Self.removeWritten(second) }
        let pairs = try Self.handlers(base: Repository.path("Rules/cn"), candidate: pack.path)
        // Small batches, so the whole is itself merged from many partial reports.
        let runner = DiffRunner(handlers: pairs, examplesLimit: 3, batchBytes: 64 * 1024)
        let all = try Self.report(runner, [whole])
        let a = try Self.report(runner, [first]), b = try Self.report(runner, [second])
        #expect(Self.withoutSources(all) == Self.withoutSources(a.merging(b)))
        // Two inputs in one run are the same as one after the other.
        #expect(try Self.report(runner, [first, second]) == a.merging(b))
        // One thread and one batch: the same report as many threads and batches.
        let single = DiffRunner(handlers: Array(pairs.prefix(1)), examplesLimit: 3)
        #expect(try Self.report(single, [whole]) == all)
        #expect(all.differing > 0 && !all.examples.isEmpty)
        // Merging with an empty report changes nothing.
        #expect(all.merging(DiffReport(examplesLimit: 3)) == all)
    }

    // MARK: - Inputs

    @Test func decisionLogsAndServeLogsAreReadByContent() throws {
        let pack = try Self.widerWindow()
        defer { pack.remove() }
        let lines = try ServeEndToEndTests.workload(count: 200, bad: 0, seed: 3)
        let pairs = try Self.handlers(base: Repository.path("Rules/cn"), candidate: pack.path)
        var decisionLog: [String] = []
        var serveLog = [#"{"log":"arbiter-decisions","format":1,"created_at":"2026-11-05T10:00:00+08:00","engine":"arbiter 0.1.0","policies":[],"prev_file":null,"hash":"sha256:00"}"#]
        for (index, line) in lines.enumerated() {
            var writer = JSONWriter(pretty: false)
            Array(line.utf8).withUnsafeBytes { pairs[0].base.respond(to: $0, lineNumber: index + 1, into: &writer) }
            let decision = String(decoding: writer.bytes, as: UTF8.self)
            decisionLog.append(#"{"request":\#(line),"decision":\#(decision)}"#)
            serveLog.append(#"{"seq":\#(index + 1),"at":"2026-11-05T10:00:00+08:00","input_line":\#(index + 1),"request":\#(line),"raw":null,"decision":\#(decision),"prev":"sha256:00","hash":"sha256:00"}"#)
        }
        // Lines that are not requests: a ping, an unsupported op, a line that was not JSON.
        serveLog.append(#"{"seq":201,"at":"2026-11-05T10:00:00+08:00","input_line":201,"request":{"op":"ping"},"raw":null,"decision":{"op":"pong"},"prev":"sha256:00","hash":"sha256:00"}"#)
        serveLog.append(#"{"seq":202,"at":"2026-11-05T10:00:00+08:00","input_line":202,"request":{"op":"stats"},"raw":null,"decision":{},"prev":"sha256:00","hash":"sha256:00"}"#)
        serveLog.append(#"{"seq":203,"at":"2026-11-05T10:00:00+08:00","input_line":203,"request":null,"raw":"{oops","decision":{},"prev":"sha256:00","hash":"sha256:00"}"#)
        let runner = DiffRunner(handlers: pairs)
        let requestsFile = try Self.write(lines, name: "requests.jsonl")
        let decisionsFile = try Self.write(decisionLog, name: "decisions.txt")
        let serveFile = try Self.write(serveLog, name: "serve.log")
        defer { [requestsFile, decisionsFile, serveFile].forEach(Self.removeWritten) }
        let fromRequests = try Self.report(runner, [requestsFile])
        let fromDecisions = try Self.report(runner, [decisionsFile])
        let fromServe = try Self.report(runner, [serveFile])
        #expect(fromDecisions.read == 200)
        #expect(fromServe.read == 200)
        #expect(fromServe.skipped == 3)
        #expect(Self.withoutSources(fromDecisions) == Self.withoutSources(fromRequests))
        var served = Self.withoutSources(fromServe)
        served.skipped = 0
        #expect(served == Self.withoutSources(fromRequests))
    }

    @Test func unreadableInputIsUnusable() {
        let output = DiffCommandRunner.run(base: Repository.path("Rules/cn"), candidate: Repository.path("Rules/cn"), inputs: ["/nonexistent/requests.jsonl"], format: .text, examples: 5, threads: 1)
        #expect(output.status == .unusable)
        #expect(output.error.contains("cannot read '/nonexistent/requests.jsonl'"))
        let badPolicy = DiffCommandRunner.run(base: Repository.path("Rules/cn"), candidate: "/nonexistent/policy", inputs: ["-"], format: .text, examples: 5, threads: 1)
        #expect(badPolicy.status == .unusable)
    }

    @Test func refundBinsAreFixed() {
        typealias Bin = DiffReport.RefundBin
        #expect(Bin.of(0, minorPerMajor: 100) == .zero)
        #expect(Bin.of(1, minorPerMajor: 100) == .roseTo1)
        #expect(Bin.of(100, minorPerMajor: 100) == .roseTo1)
        #expect(Bin.of(101, minorPerMajor: 100) == .rose1To10)
        #expect(Bin.of(100_000, minorPerMajor: 100) == .rose100To1000)
        #expect(Bin.of(100_001, minorPerMajor: 100) == .roseOver1000)
        #expect(Bin.of(-1, minorPerMajor: 100) == .fellTo1)
        #expect(Bin.of(-1001, minorPerMajor: 100) == .fell10To100)
        #expect(Bin.of(-100_001, minorPerMajor: 100) == .fellOver1000)
        #expect(Bin.of(1001, minorPerMajor: 1) == .roseOver1000)
    }

    // MARK: - Formats

    @Test func jsonKeysAreStable() throws {
        let pack = try Self.widerWindow()
        defer { pack.remove() }
        let path = try Self.write(try ServeEndToEndTests.workload(count: 300, bad: 0.1), name: "requests.jsonl")
        defer { Self.removeWritten(path) }
        let output = DiffCommandRunner.run(base: Repository.path("Rules/cn"), candidate: pack.path, inputs: [path], format: .json, examples: 2, threads: 2)
        #expect(output.status == .failure)
        guard case .object(let members) = try JSONReader.parse(output.text) else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == DiffReport.jsonKeys)
        let object = try JSONReader.parse(output.text)
        func keys(_ value: JSONValue?) -> [String] {
            if case .object(let members)? = value { return members.map(\.key) }
            if case .array(let items)? = value, let first = items.first { return keys(first) }
            return []
        }
        #expect(keys(object["base"]) == ["path", "versions"])
        #expect(keys(object["requests"]) == ["read", "decided_by_both", "invalid_under_either", "differing", "not_requests", "unreadable", "invalid_under_base", "invalid_under_candidate"])
        #expect(keys(object["outcomes"]) == ["base", "candidate", "count", "differing"])
        #expect(keys(object["line_verdicts"]) == ["base", "candidate", "count"])
        #expect(keys(object["money"]) == ["currency", "refund", "compensation", "adjustments", "refund_histogram", "currency_changed"])
        #expect(keys(object["money"]?.arrayFirst?["refund"]) == ["base", "candidate", "difference", "rose", "fell"])
        #expect(keys(object["money"]?.arrayFirst?["adjustments"]) == ["code", "change"])
        #expect(keys(object["money"]?.arrayFirst?["refund_histogram"]) == ["bin", "count"])
        #expect(keys(object["rules"]) == ["id", "base", "candidate", "change", "in_base", "in_candidate"])
        #expect(keys(object["examples"]) == ["base", "candidate", "differing", "requests"])
        #expect(keys(object["examples"]?.arrayFirst?["requests"]) == ["id", "source", "changes", "more_changes"])
        #expect(keys(object["examples"]?.arrayFirst?["requests"]?.arrayFirst?["changes"]) == ["path", "base", "candidate"])
        if case .array(let bins)? = object["money"]?.arrayFirst?["refund_histogram"] { #expect(bins.count == 11) }
    }

    @Test func htmlIsOneWellFormedFileWithChartsAndNoNetwork() throws {
        let pack = try Self.widerWindow()
        defer { pack.remove() }
        let path = try Self.write(try ServeEndToEndTests.workload(count: 300, bad: 0.1), name: "requests.jsonl")
        defer { Self.removeWritten(path) }
        let output = DiffCommandRunner.run(base: Repository.path("Rules/cn"), candidate: pack.path, inputs: [path], format: .html, examples: 2, threads: 2)
        let html = output.text
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg"))
        #expect(!html.lowercased().contains("http"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("@font-face") && !html.contains("url("))
        // Well-formed XML: Python's XML parser reads the whole file.
        #expect(try Self.parsesAsXML(html, "r = E.parse(sys.argv[1]).getroot(); assert r.tag == 'html'; assert len(list(r.iter('svg'))) >= 2"))
    }

    /// Whether Python's XML parser reads `text` whole, and `check` (Python, with the file's path
    /// in `sys.argv[1]` and `xml.etree.ElementTree` as `E`) holds.
    static func parsesAsXML(_ text: String, _ check: String = "E.parse(sys.argv[1])") throws -> Bool {
        let file = try Self.write([text], name: "report.html")
        defer { Self.removeWritten(file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys, xml.etree.ElementTree as E; " + check, file]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// A request id is the caller's string: with an ESC in it (valid JSON), the HTML report stays
    /// well-formed XML and the text report writes it as `\u001b`, not as a terminal escape.
    @Test func controlCharactersInIdsBreakNeitherTheHTMLNorATerminal() throws {
        let pack = try Self.widerWindow()
        defer { pack.remove() }
        let lines = try ServeEndToEndTests.workload(count: 200, bad: 0).map {
            $0.replacingOccurrences(of: "\"id\":\"req-", with: "\"id\":\"\\u001b[31m\\u0085req-")
        }
        let path = try Self.write(lines, name: "requests.jsonl")
        defer { Self.removeWritten(path) }
        let html = DiffCommandRunner.run(base: Repository.path("Rules/cn"), candidate: pack.path, inputs: [path], format: .html, examples: 5, threads: 2).text
        #expect(html.contains("\\u001b[31m"), "the examples show the ids")
        #expect(!html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        #expect(try Self.parsesAsXML(html))
        let text = DiffCommandRunner.run(base: Repository.path("Rules/cn"), candidate: pack.path, inputs: [path], format: .text, examples: 5, threads: 2).text
        #expect(text.contains("\\u001b[31m\\u0085req-"), "\(text.prefix(2000))")
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x85 })
    }

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Chromium renders the report (skipped when chromium is not installed; `.ci/run` installs
    /// it): the screenshot is a PNG of the window's size with more than a blank page's bytes,
    /// and the document chromium built holds both charts — the outcome and verdict heat maps
    /// (a cell per pair of outcomes, five by five, and per pair of verdicts, three by three) and
    /// the refund-difference histogram (eleven bins).
    @Test(.enabled(if: chromium != nil, "chromium is not installed")) func chromiumRendersTheReport() throws {
        let pack = try Self.widerWindow()
        defer { pack.remove() }
        let path = try Self.write(try ServeEndToEndTests.workload(count: 300, bad: 0.1), name: "requests.jsonl")
        defer { Self.removeWritten(path) }
        let output = DiffCommandRunner.run(base: Repository.path("Rules/cn"), candidate: pack.path, inputs: [path], format: .html, examples: 2, threads: 2)
        let file = try Self.write([output.text], name: "report.html")
        defer { Self.removeWritten(file) }
        let screenshot = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("report.png").path
        _ = try Self.chromium(["--screenshot=\(screenshot)", "--window-size=1200,1600", "file://\(file)"])
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.count > 10_000)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG file")
        func bigEndian(_ offset: Int) -> Int { png.dropFirst(offset).prefix(4).reduce(0) { $0 << 8 | Int($1) } }
        #expect(png.count > 24 && bigEndian(16) == 1200 && bigEndian(20) == 1600, "the window's size")

        let dom = try Self.chromium(["--dump-dom", "file://\(file)"])
        #expect(dom.contains("<title>"))
        #expect(dom.components(separatedBy: "<svg").count - 1 == 3, "two heat maps and the histogram")
        #expect(dom.components(separatedBy: "<rect").count - 1 >= 25 + 9 + 11, "their cells and bins")
    }

    /// Runs headless chromium with `arguments`; its standard output.
    static func chromium(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.chromium))
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension JSONValue {
    /// The first element of an array.
    var arrayFirst: JSONValue? {
        if case .array(let items) = self { return items.first }
        return nil
    }
}
