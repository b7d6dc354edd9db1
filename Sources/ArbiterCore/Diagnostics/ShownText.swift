/// Text that came from input (request ids, recorded values, file names) made safe for where a
/// report shows it: an id is the caller's string, and may hold any character JSON can.
enum ShownText {
    /// For HTML and XML, in text and attribute values: markup characters escaped, and the
    /// characters XML 1.0 cannot hold at all — control characters other than tab and line
    /// breaks, U+FFFE, U+FFFF — written as `\u00XX`, so the document stays well-formed.
    static func markup(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\r": out += "&#13;"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += escaped(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// For a terminal: every control character but line breaks and tabs (C0, DEL, C1) written
    /// as `\u00XX`, so text from input cannot move the cursor, change colours or clear the
    /// screen of whoever reads the report. Text without control characters is returned as is.
    static func terminal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isHidden) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if isHidden(scalar) { out += escaped(scalar) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: return false
        case 0x00..<0x20, 0x7F..<0xA0: return true
        default: return false
        }
    }

    /// `\u001b`: as JSON writes it, which an auditor can read and copy back into a request.
    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
