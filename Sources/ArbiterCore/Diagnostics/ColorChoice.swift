/// `--color auto|always|never`: whether diagnostics are coloured.
public enum ColorChoice: String, Sendable, CaseIterable {
    /// Colour when the stream is a terminal, unless `NO_COLOR` is set (and not empty) or `TERM` is `dumb`.
    case auto
    case always
    case never

    /// Whether to colour output written to a stream that is (or is not) a terminal, given the
    /// process environment. An explicit `always` wins over `NO_COLOR` (https://no-color.org:
    /// a command-line flag overrides it).
    public func enabled(isTerminal: Bool, environment: [String: String]) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            if environment["TERM"] == "dumb" { return false }
            return isTerminal
        }
    }
}
