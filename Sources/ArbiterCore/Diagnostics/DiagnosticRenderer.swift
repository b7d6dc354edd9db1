/// Prints diagnostics as swiftc and clang do:
///
///     Rules/cn/rules/20-no-reason.yaml:11:15: error: unknown field 'order.deliverd_at' (did you mean 'order.delivered_at'?)
///           when: order.deliverd_at == null
///                 ^~~~~~~~~~~~~~~~~
///     note: …
///
/// The source line comes from `sources` (the bytes that were checked); a caret marks the first
/// character of the span and `~` the rest of it on that line. A diagnostic about a whole file
/// (line 0), or in a file whose text is not known, has no source line. With `color`, ANSI
/// escapes as clang uses them: bold location and message, red `error:`, magenta `warning:`,
/// green caret line, cyan `note:`.
public struct DiagnosticRenderer: Sendable {
    public var sources: SourceFiles
    public var color: Bool

    /// Columns a tab is shown as (as rustc does), so the caret line stays aligned.
    static let tabWidth = 4

    public init(sources: SourceFiles, color: Bool) {
        self.sources = sources
        self.color = color
    }

    /// Every diagnostic, each ending in a line break.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    /// One diagnostic: its first line, the source line and caret line when known, its notes.
    public func render(_ diagnostic: Diagnostic) -> String {
        var text = style(.bold, "\(diagnostic.location): ")
        text += diagnostic.severity == .error ? style(.red, "error: ") : style(.magenta, "warning: ")
        text += style(.bold, diagnostic.message) + "\n"
        let span = diagnostic.span
        if span.start.line > 0, let line = sources.line(span.start.line, of: span.start.file) {
            let (shown, caret) = Self.caretLines(line: line, span: span)
            text += shown + "\n" + style(.green, caret) + "\n"
        }
        for note in diagnostic.notes { text += style(.cyan, "note: ") + note + "\n" }
        return text
    }

    /// The source line as shown (tabs expanded, control characters replaced) and the line of
    /// `^~~~` under the span's part on it.
    static func caretLines(line: String, span: SourceSpan) -> (String, String) {
        var shown = ""
        var caret = ""
        let startColumn = max(1, span.start.column)
        let endColumn = span.end.line == span.start.line ? max(span.end.column, startColumn + 1) : Int.max
        var column = 1
        for scalar in line.unicodeScalars {
            let (text, width): (String, Int)
            if scalar == "\t" {
                (text, width) = (String(repeating: " ", count: tabWidth), tabWidth)
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                (text, width) = ("\u{FFFD}", 1)
            } else {
                (text, width) = (String(scalar), DisplayWidth.of(scalar))
            }
            shown += text
            if column < startColumn {
                caret += String(repeating: " ", count: width)
            } else if column == startColumn {
                caret += "^" + String(repeating: "~", count: max(0, width - 1))
            } else if column < endColumn {
                caret += String(repeating: "~", count: width)
            }
            column += 1
        }
        // A span starting past the end of the line (an unclosed quote at the end of a file).
        if column <= startColumn { caret += String(repeating: " ", count: startColumn - column) + "^" }
        return (shown, caret)
    }

    private enum Style: String {
        case bold = "1", red = "1;31", magenta = "1;35", green = "1;32", cyan = "1;36"
    }

    private func style(_ style: Style, _ text: String) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}
