import Testing
@testable import ArbiterCore

/// The scanner reads short plain strings and keys with one or two sixteen-byte tests and leaves
/// every other string to its general scan; the writer escapes sixteen bytes at a time with an
/// overlapping last block. These tests put each kind of special byte at every position of
/// strings of 0–40 bytes, with 0–40 bytes of input after them (so that the sixteen-byte tests
/// apply, fall back near the end, and straddle the closing quote), and check what is read and
/// written against expectations computed here, independently of both.
@Suite struct JSONStringFastPathTests {
    /// Special characters a string may hold, and what the reader makes of them.
    static let specials: [String] = ["\"", "\\", "/", "é", "中", "😀", "\n", "\u{1F}", "\u{7F}"]

    /// Every string of length 0...40 of plain letters, then the same with one special
    /// character at each position.
    static var strings: [String] {
        var result: [String] = []
        for length in 0...40 {
            let plain = String((0..<length).map { Character(UnicodeScalar(UInt8(ascii: "a") + UInt8($0 % 26))) })
            result.append(plain)
            for special in specials {
                for position in stride(from: 0, through: length, by: length > 20 ? 3 : 1) {
                    var text = plain
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: position))
                    result.append(text)
                }
            }
        }
        return result
    }

    /// The JSON spelling of `text` with the minimal escapes, written here by hand.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\u{1F}": out += "\\u001f"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    @Test func keysAndValuesReadAsWritten() throws {
        let tape = JSONTape()
        for text in Self.strings {
            let quoted = Self.quoted(text)
            for padding in [0, 1, 2, 15, 16, 17, 31, 32, 40] {
                let filler = String(repeating: "x", count: padding)
                for spacing in ["", " "] {
                    let document = "{\(quoted)\(spacing):\(spacing)\(quoted),\"p\":\"\(filler)\"}"
                    let bytes = Array(document.utf8)
                    try bytes.withUnsafeBytes { raw in
                        let view = try tape.parse(raw)
                        let members = Array(view.members(of: view.root))
                        #expect(members.count == 2, "\(document)")
                        #expect(view.string(members[0].key) == text, "key of \(document)")
                        #expect(view.string(members[0].value) == text, "value of \(document)")
                        #expect(view.string(members[1].value) == filler, "\(document)")
                        let plainASCII = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
                        #expect(view.isPlainASCII(members[0].key) == plainASCII, "key flags of \(document)")
                        #expect(view.isPlainASCII(members[0].value) == plainASCII, "value flags of \(document)")
                    }
                }
            }
        }
    }

    /// A raw control character or an invalid UTF-8 byte anywhere in a short string is an error
    /// at that byte, whichever path read the bytes before it.
    @Test func badBytesAreFoundWhereTheyAre() {
        let tape = JSONTape()
        for length in 1...40 {
            for position in 0..<length {
                for bad: UInt8 in [0x01, 0x1F, 0x80, 0xFF] {
                    for asKey in [true, false] {
                        var string = Array(repeating: UInt8(ascii: "k"), count: length)
                        string[position] = bad
                        let prefix = Array((asKey ? "{\"" : "{\"a\":\"").utf8)
                        let bytes = prefix + string + Array((asKey ? "\":1,\"pad\":\"\(String(repeating: "x", count: 20))\"}" : "\"}").utf8)
                        let result = bytes.withUnsafeBytes { raw in Result { () throws(JSONParseError) in try tape.parse(raw) } }
                        guard case .failure(let error) = result else {
                            Issue.record("accepted byte \(bad) at \(position) of a \(length)-byte string")
                            continue
                        }
                        #expect(error.offset == prefix.count + position, "byte \(bad) at \(position) of \(length): \(error)")
                        let expected = bad < 0x20 ? "unescaped control character in string" : "invalid UTF-8"
                        #expect(error.message.hasPrefix(expected), "byte \(bad) at \(position) of \(length): \(error)")
                    }
                }
            }
        }
    }

    /// Keys and strings at the very end of the input, where the sixteen-byte tests cannot
    /// apply and the general scan must say what ended where.
    @Test func stringsAtTheEndOfTheInput() {
        let tape = JSONTape()
        func read(_ text: String) -> Result<String, JSONParseError> {
            Array(text.utf8).withUnsafeBytes { raw in
                Result { () throws(JSONParseError) -> String in
                    let view = try tape.parse(raw)
                    return view.kind(view.root) == .string ? view.string(view.root) : view.string(view.root + 1)
                }
            }
        }
        for length in 0...40 {
            let text = String(repeating: "k", count: length)
            #expect(read("\"\(text)\"") == .success(text), "top-level string of \(length)")
            #expect(read("{\"\(text)\":1}") == .success(text), "key of \(length)")
            #expect(read("[\"\(text)\"]") == .success(text), "element of \(length)")
            #expect(read("{\"\(text)") == .failure(JSONParseError("input ends inside the string opened", offset: 1)))
            #expect(read("{\"\(text)\"") == .failure(JSONParseError("input ends inside the object opened", offset: 0)))
            #expect(read("{\"\(text)\":") == .failure(JSONParseError("input ends inside the object opened", offset: 0)))
            #expect(read("[\"\(text)\"") == .failure(JSONParseError("input ends inside the array opened", offset: 0)))
        }
    }

    @Test func writerEscapesEveryPosition() {
        for text in Self.strings {
            var writer = JSONWriter(pretty: false)
            writer.string(text)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == Self.quoted(text), "\(text.debugDescription)")
        }
    }
}
