/// One finding about a policy, printed like a compiler: `path:line:col: error: message`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var severity: Severity
    public var location: SourceLocation
    /// Stable snake_case identifier of the kind of problem (`unknown_field`, `duplicate_key`).
    public var code: String
    /// One line, lowercase start, user input quoted.
    public var message: String

    public init(_ severity: Severity, at location: SourceLocation, code: String, _ message: String) {
        self.severity = severity
        self.location = location
        self.code = code
        self.message = message
    }

    public static func error(at location: SourceLocation, code: String, _ message: String) -> Diagnostic {
        Diagnostic(.error, at: location, code: code, message)
    }

    public static func warning(at location: SourceLocation, code: String, _ message: String) -> Diagnostic {
        Diagnostic(.warning, at: location, code: code, message)
    }

    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
