extension YAMLSourceText {
    /// Aligns `value` with the source text it was decoded from, giving the runs
    /// `YAMLScalar.location(ofUTF8Offset:)` needs for folded, multi-line and escaped scalars.
    ///
    /// Walks value and source together: equal characters map to each other; whitespace and
    /// line breaks the value dropped (indentation, folded breaks) are skipped; a `\n` or space
    /// the value got from a line break maps to that break; a double-quoted escape or a `''`
    /// maps to its first character. Stops (keeping the runs so far) at anything else, so a
    /// surprise in the text costs precision, never correctness of what was already mapped.
    /// `startLine`/`startColumn` and `endLine`/`endColumn` are 0-based, where the content
    /// starts and where libyaml's end mark is.
    mutating func contentRuns(
        of value: String, style: YAMLScalar.Style,
        startLine: Int, startColumn: Int, endLine: Int, endColumn: Int
    ) -> [YAMLContentRun] {
        let text = Array(value.utf8)
        var offset = byteOffset(line: startLine, column: startColumn)
        let end = min(bytes.count, byteOffset(line: endLine, column: endColumn))
        var line = startLine
        var column = startColumn
        var runs: [YAMLContentRun] = []
        // The source position at which the current run would continue.
        var continuation: (line: Int, column: Int)?
        var index = 0

        func startRun(_ index: Int, _ line: Int, _ column: Int) {
            runs.append(YAMLContentRun(utf8Offset: index, line: line + 1, column: column + 1))
        }

        characters: while index < text.count {
            let length = Self.scalarLength(leadByte: text[index])
            while true {
                guard offset < end else { break characters }
                let byte = bytes[offset]
                if style == .doubleQuoted, byte == UInt8(ascii: "\\") {
                    let escaped = offset + 1
                    let escapedBreak = breakLength(at: escaped)
                    if escaped < end, escapedBreak > 0 {
                        // An escaped line break joins the lines and produces nothing.
                        offset = escaped + escapedBreak
                        line += 1
                        column = 0
                        continue
                    }
                    var width = 2
                    if escaped < end {
                        switch bytes[escaped] {
                        case UInt8(ascii: "x"): width = 4
                        case UInt8(ascii: "u"): width = 6
                        case UInt8(ascii: "U"): width = 10
                        default: break
                        }
                    }
                    startRun(index, line, column)
                    continuation = nil
                    offset = min(offset + width, end)
                    column += width
                    break
                }
                if style == .singleQuoted, byte == UInt8(ascii: "'"), offset + 1 < end, bytes[offset + 1] == UInt8(ascii: "'") {
                    startRun(index, line, column)
                    continuation = nil
                    offset += 2
                    column += 2
                    break
                }
                let lineBreak = breakLength(at: offset)
                if lineBreak > 0 {
                    offset += lineBreak
                    let here = (line, column)
                    line += 1
                    column = 0
                    if text[index] == UInt8(ascii: "\n") || text[index] == UInt8(ascii: " ") {
                        startRun(index, here.0, here.1)
                        continuation = nil
                        break
                    }
                    continue
                }
                let sourceEnd = scalarEnd(after: offset)
                if sourceEnd - offset == length, sameBytes(text, index, offset, length) {
                    if let next = continuation, next.line == line, next.column == column {
                        // Still on the current run.
                    } else {
                        startRun(index, line, column)
                    }
                    continuation = (line, column + 1)
                    offset = sourceEnd
                    column += 1
                    break
                }
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    offset += 1
                    column += 1
                    continue
                }
                break characters
            }
            index += length
        }
        return runs
    }

    private func sameBytes(_ text: [UInt8], _ index: Int, _ offset: Int, _ length: Int) -> Bool {
        guard index + length <= text.count, offset + length <= bytes.count else { return false }
        for step in 0..<length where text[index + step] != bytes[offset + step] { return false }
        return true
    }

    static func scalarLength(leadByte: UInt8) -> Int {
        switch leadByte {
        case 0..<0xC0: return 1
        case 0xC0..<0xE0: return 2
        case 0xE0..<0xF0: return 3
        default: return 4
        }
    }
}
