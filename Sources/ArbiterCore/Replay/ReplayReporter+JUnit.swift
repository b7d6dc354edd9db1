#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `replay --format junit`: JUnit XML as Jenkins, GitLab and GitHub read it (the Ant/Jenkins
/// shape; `Tests/ArbiterCoreTests/Golden/junit.xsd` is the schema the tests validate it
/// against). One `<testsuite>` for the fixtures and one per decision log; one `<testcase>` per
/// fixture and per logged decision (`file` and `line` say where), a `<failure>` carrying the
/// field differences, an `<error>` when nothing could be compared; a log that cannot be read,
/// is empty, or was recorded under another policy digest adds a failing testcase of its own.
///
/// A suite's counts come before its testcases, so a log's testcases are spooled to a temporary
/// file and copied out when the replay ends: memory stays constant whatever the log's size.
public final class ReplayJUnitReporter: ReplayReporter {
    let emit: (String) -> Void

    struct Suite {
        var name: String
        var tests = 0, failures = 0, errors = 0
        /// The testcases' XML: kept for the fixtures; spooled (offsets into the spool) for logs.
        var body = ""
        var spoolStart = 0, spoolEnd = 0
    }

    private var fixtures = Suite(name: "fixtures")
    private var logs: [Suite] = []
    private var current: Suite?
    private var spool: UnsafeMutablePointer<FILE>?
    private var spooled = 0

    public init(emit: @escaping (String) -> Void) { self.emit = emit }

    deinit { if let spool { fclose(spool) } }

    public func result(_ result: ReplayResult) {
        let testcase = Self.testcase(result)
        if result.kind == .fixture {
            fixtures.add(result.status, testcase)
            return
        }
        startSuite(result.source)
        current?.count(result.status)
        write(testcase)
    }

    public func logFinished(_ log: ReplayLogSummary) {
        startSuite(log.path)
        for problem in Self.logProblems(log) {
            current?.count(problem.status)
            write(Self.testcase(problem))
        }
        guard var suite = current else { return }
        suite.spoolEnd = spooled
        logs.append(suite)
        current = nil
    }

    private func startSuite(_ name: String) {
        guard current == nil else { return }
        var suite = Suite(name: name)
        suite.spoolStart = spooled
        current = suite
    }

    public func finished(_ summary: ReplaySummary) {
        let suites = (fixtures.tests > 0 || logs.isEmpty ? [fixtures] : []) + logs
        let tests = suites.reduce(0) { $0 + $1.tests }, failures = suites.reduce(0) { $0 + $1.failures }, errors = suites.reduce(0) { $0 + $1.errors }
        emit("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"arbiter replay\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\">\n")
        if let spool { fflush(spool) }
        for suite in suites {
            emit("  <testsuite name=\"\(Self.escape(suite.name))\" tests=\"\(suite.tests)\" failures=\"\(suite.failures)\" errors=\"\(suite.errors)\" skipped=\"0\">\n")
            emit(suite.body)
            copySpool(from: suite.spoolStart, to: suite.spoolEnd)
            emit("  </testsuite>\n")
        }
        emit("</testsuites>\n")
    }

    // MARK: - Spool

    private func write(_ text: String) {
        if spool == nil { spool = tmpfile() }
        guard let spool else {
            current?.body += text  // no temporary file: kept in memory (the report is still whole)
            return
        }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, spool) }
        spooled += bytes.count
    }

    private func copySpool(from start: Int, to end: Int) {
        guard let spool, end > start else { return }
        fseek(spool, start, SEEK_SET)
        var left = end - start
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while left > 0 {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, min(left, $0.count), spool) }
            if count <= 0 { break }
            emit(String(decoding: buffer[0..<count], as: UTF8.self))
            left -= count
        }
        fseek(spool, 0, SEEK_END)
    }

    // MARK: - XML

    static func testcase(_ result: ReplayResult) -> String {
        var attributes = "name=\"\(escape(testName(result)))\" classname=\"\(escape(className(result.source)))\" file=\"\(escape(result.source))\""
        if let line = result.line { attributes += " line=\"\(line)\"" }
        switch result.status {
        case .same:
            return "    <testcase \(attributes)/>\n"
        case .different:
            let count = result.differences.count
            let message = "\(count) field\(count == 1 ? "" : "s") differ\(count == 1 ? "s" : "")"
            let word = result.kind == .fixture ? ("expected", "actual") : ("recorded", "now")
            let body = result.differences.map { "\($0.path): \(word.0) \($0.expected), \(word.1) \($0.actual)" }.joined(separator: "\n")
            return "    <testcase \(attributes)>\n      <failure message=\"\(escape(message))\" type=\"different\">\(escape(body))</failure>\n    </testcase>\n"
        case .error:
            let problem = result.problem ?? ReplayResult.Problem(message: "nothing could be compared")
            var message = problem.message
            if let code = problem.code { message = "\(code)\(problem.path.map { " at \($0)" } ?? ""): \(problem.message)" }
            return "    <testcase \(attributes)>\n      <error message=\"\(escape(message))\" type=\"\(escape(problem.code ?? "error"))\">\(escape(message))</error>\n    </testcase>\n"
        }
    }

    /// The fixture's name; a logged decision's request id and line (ids need not be unique).
    static func testName(_ result: ReplayResult) -> String {
        switch result.kind {
        case .fixture, .log: return result.name
        case .decision: return "\(result.name) (line \(result.line ?? 0))"
        }
    }

    /// `Fixtures/cn/day-7.yaml` → `Fixtures.cn.day-7`: CI systems group testcases by class.
    static func className(_ path: String) -> String {
        var name = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        for suffix in [".yaml", ".yml", ".json", ".jsonl"] where name.hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
        }
        return name.split(separator: "/", omittingEmptySubsequences: true).joined(separator: ".")
    }

    /// What is wrong with a log as a whole, as testcases of its suite.
    static func logProblems(_ log: ReplayLogSummary) -> [ReplayResult] {
        var found: [ReplayResult] = []
        if let failure = log.openFailure {
            found.append(ReplayResult(kind: .log, name: "\(log.path) (the log)", source: log.path, line: nil, status: .error,
                                      problem: .init(message: "cannot read the file: \(failure)")))
        }
        if let failure = log.readFailure {
            found.append(ReplayResult(kind: .log, name: "\(log.path) (the log)", source: log.path, line: nil, status: .error,
                                      problem: .init(message: failure)))
        }
        if log.isEmpty {
            found.append(ReplayResult(kind: .log, name: "\(log.path) (the log)", source: log.path, line: nil, status: .error,
                                      problem: .init(message: "no decisions: an empty log proves nothing")))
        }
        for change in log.digestChanges {
            found.append(ReplayResult(kind: .log, name: "\(log.path) (policy digest)", source: log.path, line: change.firstLine, status: .different,
                                      differences: [.init(path: "$.audit.policy", expected: change.recorded, actual: "\(change.now) (\(change.count) decision\(change.count == 1 ? "" : "s"))")]))
        }
        return found
    }

    /// Text and attribute values (`ShownText.markup`).
    static func escape(_ text: String) -> String { ShownText.markup(text) }
}

extension ReplayJUnitReporter.Suite {
    mutating func count(_ status: ReplayResult.Status) {
        tests += 1
        switch status {
        case .same: break
        case .different: failures += 1
        case .error: errors += 1
        }
    }

    mutating func add(_ status: ReplayResult.Status, _ testcase: String) {
        count(status)
        body += testcase
    }
}
