/// One finding about a policy, printed like a compiler: `path:line:col: error: message`, the
/// source line with a caret under the span, then a `note:` line per note
/// (`DiagnosticRenderer`).
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var severity: Severity
    /// Where the problem is: its start is what `path:line:col` shows, its end how far the
    /// caret line underlines.
    public var span: SourceSpan
    /// Stable snake_case identifier of the kind of problem (`unknown_field`, `duplicate_key`).
    public var code: String
    /// One line, lowercase start, user input quoted.
    public var message: String
    /// Hints in the author's terms, one line each, printed as `note:` lines after the source.
    public var notes: [String]

    public init(_ severity: Severity, at span: SourceSpan, code: String, _ message: String, notes: [String] = []) {
        self.severity = severity
        self.span = span
        self.code = code
        self.message = message
        self.notes = notes
    }

    public init(_ severity: Severity, at location: SourceLocation, code: String, _ message: String, notes: [String] = []) {
        self.init(severity, at: SourceSpan(at: location), code: code, message, notes: notes)
    }

    /// Where the problem starts.
    public var location: SourceLocation {
        get { span.start }
        set { span = SourceSpan(at: newValue) }
    }

    public static func error(at location: SourceLocation, code: String, _ message: String, notes: [String] = []) -> Diagnostic {
        Diagnostic(.error, at: location, code: code, message, notes: notes)
    }

    public static func error(at span: SourceSpan, code: String, _ message: String, notes: [String] = []) -> Diagnostic {
        Diagnostic(.error, at: span, code: code, message, notes: notes)
    }

    public static func warning(at location: SourceLocation, code: String, _ message: String, notes: [String] = []) -> Diagnostic {
        Diagnostic(.warning, at: location, code: code, message, notes: notes)
    }

    public static func warning(at span: SourceSpan, code: String, _ message: String, notes: [String] = []) -> Diagnostic {
        Diagnostic(.warning, at: span, code: code, message, notes: notes)
    }

    /// The first line alone: `path:line:col: error: message`.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
