import Foundation

/// `arbiter replay --merge REPORT…`: the JSON reports of the pieces of one or more decision logs
/// (each piece replayed with `--format json --stdin-name LOG --stdin-first-line N -`, as the
/// Spark job does per partition), merged in the order given into the report of the whole — the
/// report one `arbiter replay --format json LOG` would write. Results are concatenated (a
/// report may leave its `results` out: the totals merge alone); the totals of consecutive
/// pieces of the same log are added, and whether a log is empty or passed is decided over the
/// whole, not per piece. Reports of fixtures do not merge (rule coverage needs the policy).
public enum ReplayMerge {
    public struct Failure: Error, Sendable {
        public var message: String
    }

    /// One piece's report read back.
    struct Piece {
        var results: [ReplayResult]
        var logs: [ReplayLogSummary]
    }

    /// Merges the reports in `inputs` (files, `-` for stdin; each holds one report, or JSON Lines
    /// of reports) and writes the merged report in `format` through `emit`.
    public static func run(inputs: [String], format: ReplayFormat, emit: @escaping (String) -> Void) -> Result<ExitStatus, Failure> {
        var pieces: [Piece] = []
        for input in inputs {
            let data: Data?
            if input == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                data = FileManager.default.contents(atPath: input)
            }
            guard let data else { return .failure(Failure(message: "cannot read '\(input)'")) }
            do {
                pieces += try reports(in: [UInt8](data), named: input)
            } catch {
                return .failure(error)
            }
        }
        // Consecutive pieces of the same log add up; results go with their log.
        var logs: [ReplayLogSummary] = []
        var results: [[ReplayResult]] = []
        for piece in pieces {
            for log in piece.logs {
                if let last = logs.last, last.path == log.path {
                    logs[logs.count - 1].merge(log)
                } else {
                    logs.append(log)
                    results.append([])
                }
            }
            for result in piece.results {
                guard let index = logs.lastIndex(where: { $0.path == result.source }) else {
                    return .failure(Failure(message: "a result of '\(result.source)' belongs to no log of its report"))
                }
                results[index].append(result)
            }
        }
        let reporter = format.reporter(emit: emit)
        var summary = ReplaySummary()
        for (log, found) in zip(logs, results) {
            for result in found { reporter.result(result) }
            reporter.logFinished(log)
            summary.logs.append(log)
        }
        reporter.finished(summary)
        return .success(summary.passed ? .success : .failure)
    }

    /// The reports in one input: the whole text as one JSON object, else one per non-blank line.
    static func reports(in bytes: [UInt8], named input: String) throws(Failure) -> [Piece] {
        if let whole = try? JSONReader.parse(bytes) { return [try piece(whole, at: input)] }
        var found: [Piece] = []
        var number = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let value: JSONValue
            do {
                value = try JSONReader.parse(Array(line))
            } catch {
                throw Failure(message: "\(input):\(number): not a replay report: invalid JSON: \(error.message)")
            }
            found.append(try piece(value, at: "\(input):\(number)"))
        }
        return found
    }

    static func piece(_ report: JSONValue, at place: String) throws(Failure) -> Piece {
        guard case .string(ReplayJSONReporter.format)? = report["format"] else {
            throw Failure(message: "\(place): not a replay report (\"format\" is not \"\(ReplayJSONReporter.format)\")")
        }
        if case .number(let total)? = report["summary"]?["fixtures"]?["total"], total != "0" {
            throw Failure(message: "\(place): the report has fixtures; only reports of decision logs merge")
        }
        var piece = Piece(results: [], logs: [])
        if case .array(let results)? = report["results"] {
            for (index, value) in results.enumerated() { piece.results.append(try result(value, at: "\(place): results[\(index)]")) }
        }
        guard case .array(let logs)? = report["logs"] else { throw Failure(message: "\(place): no \"logs\"") }
        for (index, value) in logs.enumerated() { piece.logs.append(try log(value, at: "\(place): logs[\(index)]")) }
        return piece
    }

    static func result(_ value: JSONValue, at place: String) throws(Failure) -> ReplayResult {
        guard let kind = string(value["kind"]).flatMap(ReplayResult.Kind.init(rawValue:)),
              let status = string(value["status"]).flatMap(ReplayResult.Status.init(rawValue:)),
              let name = string(value["name"]), let source = string(value["source"]) else {
            throw Failure(message: "\(place): not a result (kind, name, source, status)")
        }
        var result = ReplayResult(kind: kind, name: name, id: string(value["id"]), source: source, line: int(value["line"]), status: status)
        if case .array(let differences)? = value["differences"] {
            for difference in differences {
                guard let path = string(difference["path"]), let recorded = string(difference["recorded"]), let now = string(difference["now"]) else {
                    throw Failure(message: "\(place): a difference without path, recorded and now")
                }
                result.differences.append(.init(path: path, expected: recorded, actual: now))
            }
        }
        if let error = value["error"], let message = string(error["message"]) {
            result.problem = .init(message: message, code: string(error["code"]), path: string(error["path"]))
        }
        return result
    }

    static func log(_ value: JSONValue, at place: String) throws(Failure) -> ReplayLogSummary {
        guard let path = string(value["path"]) else { throw Failure(message: "\(place): a log without a path") }
        var log = ReplayLogSummary(path: path)
        func count(_ key: String) throws(Failure) -> Int {
            guard let number = int(value[key]) else { throw Failure(message: "\(place): no count \"\(key)\"") }
            return number
        }
        log.decisions = try count("decisions")
        log.same = try count("same")
        log.different = try count("different")
        log.otherDigest = try count("other_digest")
        log.unchecked = try count("unchecked")
        log.unreadable = try count("unreadable")
        log.skipped = try count("not_requests")
        log.openFailure = string(value["open_failure"])
        log.readFailure = string(value["read_failure"])
        if case .array(let fields)? = value["fields"] {
            for field in fields {
                guard let name = string(field["field"]), let number = int(field["count"]) else { throw Failure(message: "\(place): a field without its count") }
                log.fields[name, default: 0] += number
            }
        }
        if case .array(let changes)? = value["digest_changes"] {
            for change in changes {
                guard let recorded = string(change["recorded"]), let now = string(change["now"]), let number = int(change["count"]),
                      let first = int(change["first_line"]) else { throw Failure(message: "\(place): a digest change without recorded, now, count and first_line") }
                log.addDigestChange(.init(recorded: recorded, now: now, count: number, firstLine: first))
            }
        }
        return log
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    static func int(_ value: JSONValue?) -> Int? {
        if case .number(let text)? = value { return Int(text) }
        return nil
    }
}
