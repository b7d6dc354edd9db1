/// A stretch of a scalar's value that was written contiguously on one source line.
///
/// The value bytes from `utf8Offset` up to the next run's offset sit one scalar per column
/// from `line`:`column` (1-based). Only scalars whose value is not a plain copy of one source
/// line (folded, multi-line, escaped) carry runs; the others are mapped by `contentStart`.
struct YAMLContentRun: Sendable, Hashable {
    var utf8Offset: Int
    var line: Int
    var column: Int
}

extension YAMLScalar {
    /// The source position of the character at byte `offset` of `value` (clamped to the value;
    /// `value.utf8.count` means just after the last character).
    ///
    /// Exact for plain and quoted scalars on one line and for literal block scalars: the
    /// position is `contentStart` moved right by the Unicode scalars before `offset`, and in a
    /// literal block each `\n` before it moves one line down, back to the block's indentation.
    /// Folded blocks, scalars continued over several lines and quoted scalars with escapes
    /// (`\t`, `''`) were aligned with the source text when loaded: every character that is not
    /// whitespace maps exactly; a space produced by folding a line break maps to that line
    /// end, and leading spaces of more-indented folded lines may be placed a few columns left.
    /// Scalars built by hand (not by `YAMLLoader`) use the single-line/literal rule.
    public func location(ofUTF8Offset offset: Int) -> SourceLocation {
        let utf8 = value.utf8
        let target = min(max(0, offset), utf8.count)
        if let run = contentRuns.last(where: { $0.utf8Offset <= target }) {
            let start = utf8.index(utf8.startIndex, offsetBy: min(run.utf8Offset, target))
            let end = utf8.index(utf8.startIndex, offsetBy: target)
            let scalars = utf8[start..<end].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            return SourceLocation(file: location.file, line: run.line, column: run.column + scalars)
        }
        var newlines = 0
        var scalarsOnLine = 0
        for byte in utf8.prefix(target) {
            if byte == UInt8(ascii: "\n") {
                newlines += 1
                scalarsOnLine = 0
            } else if byte & 0xC0 != 0x80 {
                scalarsOnLine += 1
            }
        }
        return SourceLocation(
            file: contentStart.file,
            line: contentStart.line + newlines,
            column: contentStart.column + scalarsOnLine
        )
    }
}
