/// The UTF-8 bytes libyaml is reading, with a line table measured the way libyaml measures.
///
/// libyaml reports 0-based lines and columns that count characters (Unicode scalars) and
/// treats CR LF, CR, LF, NEL, LS and PS as line breaks; everything here follows those rules so
/// that positions computed from the text agree with libyaml's marks. The line table is built
/// on first use: many documents never need it.
struct YAMLSourceText {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    private var lineStartTable: [Int]?

    init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// The 1-based location of a 0-based libyaml line and column.
    func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line + 1, column: column + 1)
    }

    /// Byte offsets where each line starts.
    mutating func lineStarts() -> [Int] {
        if let table = lineStartTable { return table }
        var table = [0]
        var offset = 0
        while offset < bytes.count {
            let length = breakLength(at: offset)
            if length > 0 {
                offset += length
                table.append(offset)
            } else {
                offset += 1
            }
        }
        lineStartTable = table
        return table
    }

    /// Length in bytes of the line break starting at `offset`, 0 when there is none.
    func breakLength(at offset: Int) -> Int {
        guard offset >= 0, offset < bytes.count else { return 0 }
        switch bytes[offset] {
        case 0x0A:
            return 1
        case 0x0D:
            return offset + 1 < bytes.count && bytes[offset + 1] == 0x0A ? 2 : 1
        case 0xC2:
            return offset + 1 < bytes.count && bytes[offset + 1] == 0x85 ? 2 : 0
        case 0xE2:
            guard offset + 2 < bytes.count, bytes[offset + 1] == 0x80 else { return 0 }
            return bytes[offset + 2] == 0xA8 || bytes[offset + 2] == 0xA9 ? 3 : 0
        default:
            return 0
        }
    }

    /// Byte offset of the 0-based `line` and `column`, clamped to the end of that line.
    mutating func byteOffset(line: Int, column: Int) -> Int {
        let starts = lineStarts()
        guard line >= 0 else { return 0 }
        guard line < starts.count else { return bytes.count }
        var offset = starts[line]
        var remaining = column
        while remaining > 0, offset < bytes.count, breakLength(at: offset) == 0 {
            offset = scalarEnd(after: offset)
            remaining -= 1
        }
        return offset
    }

    /// 0-based line and column of a byte offset.
    mutating func position(ofByteOffset offset: Int) -> (line: Int, column: Int) {
        let starts = lineStarts()
        let target = min(max(0, offset), bytes.count)
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= target { low = middle } else { high = middle - 1 }
        }
        var column = 0
        var index = starts[low]
        while index < target {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return (low, column)
    }

    /// The offset just after the scalar that starts at `offset` (continuation bytes skipped).
    func scalarEnd(after offset: Int) -> Int {
        var next = offset + 1
        while next < bytes.count, bytes[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }

    /// Where a node's own text starts once its anchor and tag are skipped (`&base !t value`),
    /// and where its first tag was written; `line`/`column` are libyaml's 0-based start mark.
    mutating func skipProperties(line: Int, column: Int) -> (content: SourceLocation, tag: SourceLocation?) {
        var offset = byteOffset(line: line, column: column)
        var line = line
        var column = column
        var tag: SourceLocation?
        while offset < bytes.count {
            let byte = bytes[offset]
            let lineBreak = breakLength(at: offset)
            if lineBreak > 0 {
                offset += lineBreak
                line += 1
                column = 0
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                offset += 1
                column += 1
            } else if byte == UInt8(ascii: "#") {
                while offset < bytes.count, breakLength(at: offset) == 0 {
                    offset = scalarEnd(after: offset)
                }
            } else if byte == UInt8(ascii: "&") || byte == UInt8(ascii: "!") {
                if byte == UInt8(ascii: "!"), tag == nil { tag = location(line: line, column: column) }
                repeat {
                    offset = scalarEnd(after: offset)
                    column += 1
                } while offset < bytes.count && !endsProperty(at: offset, anchor: byte == UInt8(ascii: "&"))
            } else {
                break
            }
        }
        return (location(line: line, column: column), tag)
    }

    private func endsProperty(at offset: Int, anchor: Bool) -> Bool {
        let byte = bytes[offset]
        if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || breakLength(at: offset) > 0 { return true }
        // An anchor name stops at flow indicators; a tag may legitimately contain them.
        return anchor && (byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
            || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}"))
    }

    /// The text of the 0-based `line` without its line break ("" past the end; used for hints).
    mutating func text(ofLine line: Int) -> String {
        let starts = lineStarts()
        guard line >= 0, line < starts.count else { return "" }
        var end = starts[line]
        while end < bytes.count, breakLength(at: end) == 0 { end += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[starts[line]..<end]), as: UTF8.self)
    }

    /// The byte at 0-based `line`, `column`, if the text reaches that far (used for hints).
    mutating func character(line: Int, column: Int) -> UInt8? {
        let offset = byteOffset(line: line, column: column)
        return offset < bytes.count ? bytes[offset] : nil
    }

    /// Where the content of a literal or folded block scalar starts: the line after the
    /// indicator, at the block's indentation.
    ///
    /// The indentation is the leading spaces of the first source line with content, less the
    /// leading spaces its text keeps in `value` (non-zero only with an explicit indentation
    /// indicator such as `|2`). `endLine`/`endColumn` are libyaml's 0-based end mark.
    mutating func blockContentStart(indicatorLine: Int, endLine: Int, endColumn: Int, value: String) -> SourceLocation {
        let firstLine = indicatorLine + 1
        let lastLine = endColumn == 0 ? endLine - 1 : endLine
        let starts = lineStarts()
        var keptSpaces = 0
        var sawContent = false
        var lineSpaces = 0
        var atLineStart = true
        for byte in value.utf8 {
            if byte == UInt8(ascii: "\n") {
                lineSpaces = 0
                atLineStart = true
            } else if atLineStart, byte == UInt8(ascii: " ") {
                lineSpaces += 1
            } else {
                keptSpaces = lineSpaces
                sawContent = true
                break
            }
        }
        var indentation = 0
        if firstLine <= lastLine, firstLine < starts.count {
            for line in firstLine...min(lastLine, starts.count - 1) {
                var offset = starts[line]
                var spaces = 0
                while offset < bytes.count, bytes[offset] == UInt8(ascii: " ") {
                    offset += 1
                    spaces += 1
                }
                let blank = offset >= bytes.count || breakLength(at: offset) > 0
                if !blank || !sawContent {
                    indentation = spaces
                    break
                }
            }
        }
        return location(line: firstLine, column: max(0, indentation - (sawContent ? keptSpaces : 0)))
    }
}
