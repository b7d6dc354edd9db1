/// The text of the files diagnostics point into, by the path diagnostics show, so that the
/// renderer can print the line a diagnostic is about. Built from the bytes a policy was
/// compiled from (`PolicySnapshot`), never read again from disk: the line shown is the line
/// that was checked.
public struct SourceFiles: Sendable {
    private var texts: [String: [UInt8]] = [:]

    public init() {}

    public init(_ files: [PolicySourceFile]) {
        for file in files { add(path: file.displayPath, bytes: file.bytes) }
    }

    public mutating func add(path: String, bytes: [UInt8]) {
        texts[path] = bytes
    }

    public mutating func add(_ other: SourceFiles) {
        texts.merge(other.texts) { _, new in new }
    }

    /// The 1-based `line` of the file at `path`, without its line break; nil when the file is
    /// not known, not UTF-8, or shorter. Lines end where libyaml ends them (LF, CR LF, CR, NEL,
    /// LS, PS), so line numbers agree with the diagnostics'; a leading byte order mark is dropped.
    public func line(_ line: Int, of path: String) -> String? {
        guard line >= 1, let bytes = texts[path], let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var number = 1
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                if number == line { return Self.withoutMark(String(current), line: line) }
                number += 1
                current = String.UnicodeScalarView()
                continue
            }
            if number == line { current.append(scalar) }
        }
        return number == line ? Self.withoutMark(String(current), line: line) : nil
    }

    private static func withoutMark(_ text: String, line: Int) -> String {
        line == 1 && text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
    }
}
