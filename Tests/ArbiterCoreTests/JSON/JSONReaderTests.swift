import Testing
@testable import ArbiterCore

/// What `JSONReader` builds from valid input, and the message and offset of what it rejects.
@Suite struct JSONReaderTests {
    typealias Support = JSONTestSupport

    // MARK: - Values

    @Test func scalars() throws {
        #expect(try JSONReader.parse("null") == .null)
        #expect(try JSONReader.parse(" true ") == .bool(true))
        #expect(try JSONReader.parse("\t\r\nfalse\n") == .bool(false))
        #expect(try JSONReader.parse(#""text""#) == .string("text"))
        #expect(try JSONReader.parse("[]") == .array([]))
        #expect(try JSONReader.parse("{}") == .object([]))
        #expect(try JSONReader.parse("[ ]") == .array([]))
        #expect(try JSONReader.parse("{ \n}") == .object([]))
    }

    @Test(arguments: ["0", "-0", "7", "-12", "1.50", "0.0", "1e2", "1E+2", "-1.25e-10", "2E-0", "123456789012345678901234567890", "1.000000000000000000000001"])
    func numbersKeepTheirLiteralText(literal: String) throws {
        #expect(try JSONReader.parse(literal) == .number(literal))
        #expect(try JSONReader.parse("[\(literal)]") == .array([.number(literal)]))
        #expect(try JSONReader.parse("{\"n\":\(literal)}") == .object([JSONMember(key: "n", value: .number(literal))]))
    }

    @Test func escapesAreDecoded() throws {
        #expect(try JSONReader.parse(#""\" \\ \/ \b \f \n \r \t""#) == .string("\" \\ / \u{8} \u{C} \n \r \t"))
        #expect(try JSONReader.parse(#""\u0041\u00e9\u4E2D\u0000x""#) == .string("Aé中\u{0}x"))
        // A surrogate pair is one scalar.
        #expect(try JSONReader.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONReader.parse(#""a\uD834\uDD1Eb""#) == .string("a𝄞b"))
        // Escapes next to long plain runs (the eight-byte scanner) and raw UTF-8.
        #expect(try JSONReader.parse(#""abcdefghijklmnop\nqrstuvwxyz0123456789\"退款""#) == .string("abcdefghijklmnop\nqrstuvwxyz0123456789\"退款"))
    }

    @Test func rawUTF8IsKept() throws {
        let text = "七天无理由退货 😀 é \u{2028} \u{7F} 𝄞"
        #expect(try JSONReader.parse("\"\(text)\"") == .string(text))
        #expect(try JSONReader.parse("{\"键\":\"\(text)\"}")["键"] == .string(text))
    }

    @Test func objectsKeepOrderAndDuplicates() throws {
        let value = try JSONReader.parse(#"{"b":1,"a":2,"b":3}"#)
        #expect(value == .object([
            JSONMember(key: "b", value: .number("1")),
            JSONMember(key: "a", value: .number("2")),
            JSONMember(key: "b", value: .number("3")),
        ]))
        #expect(value["b"] == .number("3"))
        #expect(value["c"] == nil)
    }

    @Test func nestedStructure() throws {
        let value = try JSONReader.parse(#" { "a" : [ 1 , { "b" : [ [ ] , { } , null ] } , "x" ] , "c" : { "d" : true } } "#)
        #expect(value == .object([
            JSONMember(key: "a", value: .array([
                .number("1"),
                .object([JSONMember(key: "b", value: .array([.array([]), .object([]), .null]))]),
                .string("x"),
            ])),
            JSONMember(key: "c", value: .object([JSONMember(key: "d", value: .bool(true))])),
        ]))
    }

    @Test func allEntryPointsAgree() throws {
        let text = #"{"id":"req-1","n":[1,2.5]}"#
        let fromString = try JSONReader.parse(text)
        let fromArray = try JSONReader.parse(Array(text.utf8))
        let fromBuffer = Array(text.utf8).withUnsafeBytes { raw in try? JSONReader.parse(raw) }
        #expect(fromString == fromArray)
        #expect(fromBuffer == fromArray)
    }

    /// A line inside a larger buffer (as `serve` passes it): only the given bytes are read.
    @Test func parsesASliceOfALargerBuffer() {
        let buffer = Array(#"{"a":1}\#n{"b":"two"}\#n"#.utf8)
        let second = buffer.withUnsafeBytes { raw in
            try? JSONReader.parse(UnsafeRawBufferPointer(rebasing: raw[8..<19]))
        }
        #expect(second == .object([JSONMember(key: "b", value: .string("two"))]))
    }

    @Test func nestingUpToTheLimitIsFine() throws {
        let depth = JSONReader.maximumDepth
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect((try? JSONReader.parse(arrays)) != nil)
        let objects = String(repeating: #"{"k":"#, count: depth - 1) + "[]" + String(repeating: "}", count: depth - 1)
        #expect((try? JSONReader.parse(objects)) != nil)
    }

    /// A container with a million elements is built in linear time (a quadratic reader
    /// would take minutes here).
    @Test func largeContainers() throws {
        let count = 1_000_000
        var array: [UInt8] = [UInt8(ascii: "[")]
        array.reserveCapacity(2 * count + 2)
        for index in 0..<count {
            if index > 0 { array.append(UInt8(ascii: ",")) }
            array.append(UInt8(ascii: "0") + UInt8(index % 10))
        }
        array.append(UInt8(ascii: "]"))
        guard case .array(let elements) = try JSONReader.parse(array) else {
            Issue.record("not an array")
            return
        }
        #expect(elements.count == count)
        #expect(elements[count - 1] == .number("9"))

        var object = "{"
        for index in 0..<200_000 { object += index == 0 ? "\"k\(index)\":\(index)" : ",\"k\(index)\":\(index)" }
        object += "}"
        guard case .object(let members) = try JSONReader.parse(object) else {
            Issue.record("not an object")
            return
        }
        #expect(members.count == 200_000)
        #expect(members[199_999] == JSONMember(key: "k199999", value: .number("199999")))
    }

    // MARK: - Errors

    /// Message and 0-based offset for malformed input; the protocol prints `at byte offset+1`.
    @Test(arguments: [
        (#"{"id":"abc"#, "input ends inside the string opened", 6),
        (#"["a\"]"#, "input ends inside the string opened", 1),
        ("[1,2,]", "trailing comma", 4),
        (#"{"a":1,}"#, "trailing comma", 6),
        ("NaN", "invalid literal 'NaN'", 0),
        (#"{"total":NaN}"#, "invalid literal 'NaN'", 9),
        ("[-Infinity]", "expected a digit after '-'", 2),
        ("[True]", "invalid literal 'True'", 1),
        ("[nul]", "invalid literal 'nul'", 1),
        ("", "unexpected end of input", 0),
        ("   ", "unexpected end of input", 3),
        ("[1", "input ends inside the array opened", 0),
        (#"{"a":[1,{"b":2}"#, "input ends inside the array opened", 5),
        (#"{"a":[1,{"b":2}]"#, "input ends inside the object opened", 0),
        (#"{"a" 1}"#, "expected ':' after the key, found '1'", 5),
        ("{1:2}", "expected a string key, found '1'", 1),
        ("{'a':1}", "expected a string key, found '''", 1),
        ("[1 2]", "expected ',' or ']', found '2'", 3),
        (#"{"a":1 "b":2}"#, "expected ',' or '}', found '\"'", 7),
        ("[,1]", "expected a value, found ','", 1),
        ("{} x", "unexpected character 'x' after the JSON value", 3),
        ("[1]]", "unexpected character ']' after the JSON value", 3),
        ("[01]", "number with a leading zero", 1),
        ("[1.]", "expected a digit after '.'", 3),
        ("[1e]", "expected a digit in the exponent", 3),
        ("[.5]", "expected a value, found '.'", 1),
        ("[+1]", "expected a value, found '+'", 1),
        (#"["a\x"]"#, #"invalid escape '\x'"#, 3),
        (#"["\u12G4"]"#, #"invalid unicode escape (expected four hex digits after '\u')"#, 2),
        (#"["\ud800"]"#, #"unpaired surrogate '\ud800' (surrogate escapes must come in high-low pairs)"#, 2),
        (#"["\uDC00\uD800"]"#, #"unpaired surrogate '\uDC00' (surrogate escapes must come in high-low pairs)"#, 2),
        (#"["\ud800\u0041"]"#, #"unpaired surrogate '\ud800' (surrogate escapes must come in high-low pairs)"#, 2),
        ("[\"a\tb\"]", #"unescaped control character in string: tab; write it as '\t'"#, 3),
        ("[\"a\nb\"]", #"unescaped control character in string: line feed; write it as '\n'"#, 3),
        ("[\"a\u{1}\"]", "unescaped control character in string: U+0001", 3),
        ("\u{FEFF}{}", "expected a value, found a byte order mark (U+FEFF)", 0),
        ("[\u{C}]", "expected a value, found U+000C", 1),
        ("[é]", "expected a value, found 'é'", 1),
    ] as [(String, String, Int)])
    func malformedInput(text: String, message: String, offset: Int) {
        #expect(Support.error(text) == JSONParseError(message, offset: offset), "\(text.debugDescription)")
    }

    @Test func errorDescriptionIsOneBased() {
        #expect(JSONParseError("trailing comma", offset: 4).description == "trailing comma at byte 5")
    }

    /// `prefix`, then `raw` bytes, then `suffix`.
    static func bytes(_ prefix: String, _ raw: [UInt8], _ suffix: String = "") -> [UInt8] {
        Array(prefix.utf8) + raw + Array(suffix.utf8)
    }

    // (bytes, offset of the first byte of the ill-formed sequence)
    static let invalidUTF8Cases: [([UInt8], Int)] = [
        (bytes(#"{"name":"caf"#, [0xE9], #""}"#), 12),  // Latin-1 é
        (bytes("[", [0xFF], "]"), 1),  // never valid in UTF-8
        (bytes(#"[""#, [0xC0, 0xAF], #""]"#), 2),  // overlong '/'
        (bytes(#"[""#, [0xE0, 0x80, 0xAF], #""]"#), 2),  // overlong, 3 bytes
        (bytes(#"[""#, [0xED, 0xA0, 0x80], #""]"#), 2),  // U+D800 encoded
        (bytes(#"[""#, [0xF4, 0x90, 0x80, 0x80], #""]"#), 2),  // above U+10FFFF
        (bytes(#"[""#, [0xE4, 0xB8], #""]"#), 2),  // truncated 中
        (bytes(#"[""#, [0xE4, 0xB8]), 2),  // truncated at the end of input
        (bytes(#"["abc"#, [0x80], #""]"#), 5),  // lone continuation byte
        (bytes(#"{"k":1}"#, [0xC3]), 7),  // after the value
    ]

    @Test(arguments: invalidUTF8Cases)
    func invalidUTF8(bytes: [UInt8], offset: Int) {
        #expect(Support.error(bytes) == JSONParseError("invalid UTF-8", offset: offset))
    }

    @Test func nulBytesAreRejected() {
        #expect(Support.error(Array("[\"a\u{0}b\"]".utf8)) == JSONParseError("unescaped control character in string: U+0000", offset: 3))
        #expect(Support.error(Array("[1,\u{0}]".utf8)) == JSONParseError("expected a value, found U+0000", offset: 3))
        #expect(Support.error(Array("{}\u{0}".utf8)) == JSONParseError("unexpected character U+0000 after the JSON value", offset: 2))
    }

    @Test func nestingPastTheLimit() {
        let depth = JSONReader.maximumDepth + 1
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(Support.error(arrays) == JSONParseError("nesting deeper than 256", offset: 256))
        let objects = String(repeating: #"{"k":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        #expect(Support.error(objects) == JSONParseError("nesting deeper than 256", offset: 5 * 256))
        // An unclosed million-deep input stops at the limit too.
        #expect(Support.error(String(repeating: "[", count: 1_000_000))?.offset == 256)
    }
}
