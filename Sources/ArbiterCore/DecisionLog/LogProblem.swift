/// The first thing wrong in one file of a log, as `FILE:LINE: what is wrong`.
public struct LogProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based line of the file.
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
