/// A stretch of a source file: from `start` up to `end`, exclusive (the position just after
/// the last character, as LSP and SARIF count). An empty span (`end == start`) marks a point
/// whose length is unknown, such as where libyaml stopped.
public struct SourceSpan: Hashable, Sendable {
    public var start: SourceLocation
    public var end: SourceLocation

    /// A span from `start` to `end`; an `end` before `start` (or in another file) is taken as `start`.
    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        let ordered = end.file == start.file && (end.line, end.column) >= (start.line, start.column)
        self.end = ordered ? end : start
    }

    /// A point: a span of unknown length at `location`.
    public init(at location: SourceLocation) {
        self.init(start: location, end: location)
    }

    /// `length` characters on the line of `start`.
    public init(start: SourceLocation, length: Int) {
        self.init(start: start, end: start.advanced(byColumns: max(0, length)))
    }

    public var isEmpty: Bool { start == end }
}
