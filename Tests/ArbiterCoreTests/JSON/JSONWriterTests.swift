import Testing
@testable import ArbiterCore

/// Layout and escaping of `JSONWriter`, and `JSONValue.serialized(pretty:)`.
@Suite struct JSONWriterTests {
    /// A document with every kind of value and nested empty containers.
    static func writeSample(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id"); writer.string("req-1")
        writer.key("lines"); writer.beginArray()
        writer.beginObject()
        writer.key("line"); writer.string("L1")
        writer.key("quantity"); writer.int(1)
        writer.key("reasons"); writer.beginArray(); writer.string("SEVEN_DAY_NO_REASON"); writer.endArray()
        writer.endObject()
        writer.endArray()
        writer.key("adjustments"); writer.beginArray(); writer.endArray()
        writer.key("facts"); writer.beginObject(); writer.endObject()
        writer.key("nested"); writer.beginArray()
        writer.beginArray(); writer.endArray()
        writer.beginObject(); writer.endObject()
        writer.beginArray(); writer.beginArray(); writer.int64(-3); writer.endArray(); writer.endArray()
        writer.endArray()
        writer.key("ratio"); writer.number(literal: "1.50e-3")
        writer.key("ok"); writer.bool(true)
        writer.key("no"); writer.bool(false)
        writer.key("none"); writer.null()
        writer.endObject()
    }

    static let compactSample =
        #"{"id":"req-1","lines":[{"line":"L1","quantity":1,"reasons":["SEVEN_DAY_NO_REASON"]}],"adjustments":[],"facts":{},"nested":[[],{},[[-3]]],"ratio":1.50e-3,"ok":true,"no":false,"none":null}"#

    static let prettySample = """
        {
          "id": "req-1",
          "lines": [
            {
              "line": "L1",
              "quantity": 1,
              "reasons": [
                "SEVEN_DAY_NO_REASON"
              ]
            }
          ],
          "adjustments": [],
          "facts": {},
          "nested": [
            [],
            {},
            [
              [
                -3
              ]
            ]
          ],
          "ratio": 1.50e-3,
          "ok": true,
          "no": false,
          "none": null
        }
        """

    static func text(_ writer: borrowing JSONWriter) -> String { String(decoding: writer.bytes, as: UTF8.self) }

    @Test func compactLayout() {
        var writer = JSONWriter(pretty: false)
        Self.writeSample(into: &writer)
        #expect(Self.text(writer) == Self.compactSample)
    }

    @Test func prettyLayout() {
        var writer = JSONWriter(pretty: true)
        Self.writeSample(into: &writer)
        #expect(Self.text(writer) == Self.prettySample)
    }

    /// `arbiter decide` re-indents the compact answer: same text as writing pretty directly.
    @Test func serializedMatchesTheWriter() throws {
        let value = try JSONReader.parse(Self.compactSample)
        #expect(value.serialized(pretty: false) == Self.compactSample)
        #expect(value.serialized(pretty: true) == Self.prettySample)
    }

    @Test func topLevelValues() {
        for pretty in [false, true] {
            var writer = JSONWriter(pretty: pretty)
            writer.beginArray(); writer.endArray()
            #expect(Self.text(writer) == "[]")
            writer.reset()
            writer.beginObject(); writer.endObject()
            #expect(Self.text(writer) == "{}")
            writer.reset()
            writer.string("x")
            #expect(Self.text(writer) == #""x""#)
            writer.reset()
            writer.null()
            #expect(Self.text(writer) == "null")
        }
    }

    @Test func escaping() {
        var writer = JSONWriter(pretty: false)
        writer.string("quote \" backslash \\ slash / nl \n cr \r tab \t bs \u{8} ff \u{C} nul \u{0} us \u{1F} esc \u{1B} del \u{7F}")
        #expect(Self.text(writer) == #""quote \" backslash \\ slash / nl \n cr \r tab \t bs \b ff \f nul \u0000 us \u001f esc \u001b del "# + "\u{7F}\"")
    }

    /// Non-ASCII text, emoji and U+2028/U+2029 are written as raw UTF-8.
    @Test func nonASCIIIsRaw() {
        var writer = JSONWriter(pretty: false)
        let text = "七天无理由退货 é 😀 👨‍👩‍👧 \u{2028}\u{2029} \u{FEFF}"
        writer.string(text)
        #expect(writer.bytes == [0x22] + Array(text.utf8) + [0x22])
    }

    @Test func keysAreEscapedToo() {
        var writer = JSONWriter(pretty: false)
        writer.beginObject()
        writer.key("a\"b\n键")
        writer.int(1)
        writer.endObject()
        #expect(Self.text(writer) == #"{"a\"b\n键":1}"#)
    }

    /// Two characters that need escaping at every pair of positions of strings up to 24 bytes
    /// (the scanner tests whole words, then the last word overlapping, or a short string as one
    /// padded word), among ASCII and non-ASCII text: the same bytes as escaping one by one.
    @Test func twoEscapesAtEveryPairOfOffsets() throws {
        func expected(_ text: String) -> [UInt8] {
            var out: [UInt8] = [0x22]
            for byte in text.utf8 {
                if JSONStringEscaping.mustEscape(byte) { JSONStringEscaping.escape(byte) { out.append($0) } } else { out.append(byte) }
            }
            return out + [0x22]
        }
        // Fillers next to the escaped bytes' values ('#' after '"', ']' after '\\', '!' after
        // the controls) are those a borrow out of an escaped byte could falsely flag.
        for filler in ["b", "é", "#", "]", "!"] {
            for (earlier, later) in [(Character("\u{1}"), Character("\"")), ("\\", "\u{1F}")] {
            for length in 0..<24 {
                for first in 0...length {
                    for second in first...length {
                        var characters = Array(repeating: Character(filler), count: length)
                        characters.insert(later, at: second)
                        characters.insert(earlier, at: first)
                        let text = String(characters)
                        var writer = JSONWriter(pretty: false)
                        writer.string(text)
                        #expect(writer.bytes == expected(text), "\(text.debugDescription)")
                    }
                }
                var writer = JSONWriter(pretty: false)
                let plain = String(repeating: filler, count: length)
                writer.string(plain)
                #expect(writer.bytes == expected(plain))
            }
            }
        }
    }

    /// The short-string test (`needsNoEscape`, up to 64 bytes, overlapping loads) against the
    /// byte-by-byte definition: every byte value at every position of every length, among
    /// fillers next to the escaped bytes' values (a borrow could falsely flag them) and non-ASCII
    /// bytes; and a string longer than 64 bytes always goes the general way.
    @Test func shortStringTestAgreesWithEveryByte() {
        for filler: UInt8 in [UInt8(ascii: "a"), UInt8(ascii: "#"), UInt8(ascii: "]"), UInt8(ascii: "!"), 0x80, 0xFF] {
            for length in 0...65 {
                var bytes = [UInt8](repeating: filler, count: length)
                bytes.withUnsafeBufferPointer { buffer in
                    #expect(JSONWriter.needsNoEscape(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: length) == (length <= 64))
                }
                for position in 0..<length {
                    for value in UInt8.min...UInt8.max {
                        bytes[position] = value
                        let needsNone = length <= 64 && !JSONStringEscaping.mustEscape(value)
                        bytes.withUnsafeBufferPointer { buffer in
                            let answer = JSONWriter.needsNoEscape(buffer.baseAddress!, count: length)
                            if answer != needsNone { Issue.record("length \(length), byte \(value) at \(position), filler \(filler): \(answer)") }
                        }
                    }
                    bytes[position] = filler
                }
            }
        }
    }

    /// Escapes at every position relative to the eight-byte scanner and to the short-string
    /// test's loads (to 64 bytes).
    @Test func escapesAtEveryOffset() throws {
        for length in 0..<70 {
            for position in 0...length {
                var characters = Array(repeating: Character("a"), count: length)
                characters.insert("\n", at: position)
                let text = String(characters)
                var writer = JSONWriter(pretty: false)
                writer.string(text)
                let expected = "\"" + String(repeating: "a", count: position) + "\\n" + String(repeating: "a", count: length - position) + "\""
                #expect(Self.text(writer) == expected)
                #expect(try JSONReader.parse(writer.bytes) == .string(text))
            }
        }
    }

    @Test(arguments: [
        (0, "0"), (7, "7"), (-1, "-1"), (10, "10"), (-10, "-10"), (99, "99"), (100, "100"),
        (1_234_567_890, "1234567890"), (Int.max, "9223372036854775807"), (Int.min, "-9223372036854775808"),
    ])
    func integers(value: Int, text: String) {
        var writer = JSONWriter(pretty: false)
        writer.int(value)
        #expect(Self.text(writer) == text)
        writer.reset()
        writer.int64(Int64(value))
        #expect(Self.text(writer) == text)
    }

    /// Every length of number (1 to 20 digits, at each power of ten and either side of it) and
    /// every currency's fraction digits: the writer's in-place digits against `String` and
    /// `Money.format`, which answers and messages must agree with.
    @Test func numbersAndAmountsAtEveryLength() {
        var values: [Int64] = [0, 1, 9, Int64.max, Int64.min, Int64.min + 1, -Int64.max]
        var power: Int64 = 10
        while true {
            values += [power - 1, power, power + 1, -(power - 1), -power, -(power + 1), power / 2 + 7]
            let (next, overflow) = power.multipliedReportingOverflow(by: 10)
            if overflow { break }
            power = next
        }
        var writer = JSONWriter(pretty: false)
        for value in values {
            writer.reset()
            writer.int64(value)
            #expect(Self.text(writer) == String(value), "int64 \(value)")
            for digits in [0, 2, 3] {
                writer.reset()
                writer.money(value, fractionDigits: digits)
                #expect(Self.text(writer) == "\"" + Money.format(minorUnits: value, fractionDigits: digits) + "\"", "money \(value), \(digits) digits")
            }
        }
    }

    /// Non-negative amounts with two decimals (most of an answer's) are written by a shorter
    /// path: every amount up to 120.00, every amount around each change of its digit count, and
    /// a stride over the rest agree with `Money.format`.
    @Test func twoDecimalAmountsOnTheShortPath() {
        var values = Array(Int64(0)...12_000)
        for edge: Int64 in [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 1_000_000_000_000] { values += Array(edge - 3...edge + 3) }
        values += [Int64.max - 1, Int64.max]
        values += Array(stride(from: Int64(12_000), to: 10_010_000, by: 997))
        var writer = JSONWriter(pretty: false)
        for value in values {
            writer.reset()
            writer.money(value, fractionDigits: 2)
            #expect(Self.text(writer) == "\"" + Money.format(minorUnits: value, fractionDigits: 2) + "\"", "money \(value)")
        }
    }

    @Test func resetKeepsCapacityAndStartsAfresh() {
        var writer = JSONWriter(pretty: false, reservingCapacity: 64)
        Self.writeSample(into: &writer)
        let capacity = writer.capacity
        #expect(capacity > 64)  // the sample outgrew the reservation
        writer.reset()
        #expect(writer.bytes.isEmpty)
        #expect(writer.capacity == capacity)
        // Even in the middle of a document.
        writer.beginObject(); writer.key("a"); writer.beginArray(); writer.int(1)
        writer.reset()
        writer.beginObject(); writer.key("b"); writer.int(2); writer.endObject()
        #expect(Self.text(writer) == #"{"b":2}"#)
    }

    /// Commas stay right below, at and beyond 64 levels of nesting (where the writer keeps
    /// its open containers differently), compact and pretty, and round-trip through the reader.
    @Test(arguments: [1, 63, 64, 65, 200])  // the reader allows 256 levels
    func deepNesting(levels: Int) throws {
        var expected: JSONValue = .array([.number("0"), .string("x")])
        for _ in 1..<levels {
            expected = .array([.number("1"), expected, .object([JSONMember(key: "k", value: .bool(true))])])
        }
        for pretty in [false, true] {
            var writer = JSONWriter(pretty: pretty, reservingCapacity: 1)
            writer.value(expected)
            #expect(try JSONReader.parse(writer.bytes) == expected, "levels \(levels), pretty \(pretty)")
        }
    }

    /// A writer made with no capacity allocates on its first write and grows from there.
    @Test func startsWithoutStorage() {
        var writer = JSONWriter(pretty: false, reservingCapacity: 0)
        #expect(writer.capacity == 0 && writer.bytes.isEmpty)
        Self.writeSample(into: &writer)
        #expect(writer.capacity >= writer.count)
        #expect(Self.text(writer) == Self.compactSample)
        var untouched = JSONWriter(pretty: true, reservingCapacity: 0)
        untouched.reset()
        #expect(untouched.bytes.isEmpty)
    }

    @Test func manyDocumentsInARow() {
        var writer = JSONWriter(pretty: false)
        for index in 0..<3 {
            writer.reset()
            writer.beginObject(); writer.key("n"); writer.int(index); writer.endObject()
            #expect(Self.text(writer) == "{\"n\":\(index)}")
        }
    }

    @Test func writesValuesAsTheyAre() throws {
        let text = #"{"b":1,"a":[true,null,"x",-0.0,1E+2],"b":{"c":{}}}"#
        let value = try JSONReader.parse(text)
        // Order, duplicates and number spelling kept.
        #expect(value.serialized(pretty: false) == text)
    }
}
