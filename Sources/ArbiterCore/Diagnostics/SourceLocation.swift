/// A position in a source file: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A whole file (or folder): no line or column, as when it cannot be read at all.
    public init(file: String) {
        self.init(file: file, line: 0, column: 0)
    }

    /// `file:line:col`, the compiler convention; just `file` for a whole file.
    public var description: String { line == 0 ? file : "\(file):\(line):\(column)" }

    /// The same location moved `columns` to the right on the same line.
    public func advanced(byColumns columns: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column + columns)
    }
}
