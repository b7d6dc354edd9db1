import Testing
@testable import ArbiterCore

/// The canonical form `input_digest` hashes (docs/interpretations.md item 13).
@Suite struct JSONCanonicalTests {
    static func canonical(_ text: String) throws -> String {
        String(decoding: try JSONReader.parse(text).canonicalBytes(), as: UTF8.self)
    }

    @Test func keysSortedNoWhitespace() throws {
        #expect(try Self.canonical(#" { "b" : 1 , "a" : [ 2 , { "d" : null , "c" : true } ] } "#)
            == #"{"a":[2,{"c":true,"d":null}],"b":1}"#)
    }

    /// Keys order by their UTF-8 bytes: uppercase before lowercase, a prefix before its
    /// extensions, non-ASCII after ASCII, and code point order where UTF-16 order differs
    /// (U+FF61 sorts before U+1F600 although its UTF-16 unit is larger).
    @Test func keyOrderIsByUTF8Bytes() throws {
        let input = #"{"é":1,"z":2,"Z":3,"ab":4,"a":5,"中":6,"😀":7,"｡":8,"":9,"a\u0000":10,"_":11,"10":12,"9":13}"#
        #expect(try Self.canonical(input) == #"{"":9,"10":12,"9":13,"Z":3,"_":11,"a":5,"a\u0000":10,"ab":4,"z":2,"é":1,"中":6,"｡":8,"😀":7}"#)
    }

    /// Long keys that share their first eight bytes still sort by all their bytes.
    @Test func longSharedPrefixes() throws {
        let input = #"{"promised_ship_by":1,"promised_delivery_by":2,"promised_ship":3,"promised_ship_byz":4}"#
        #expect(try Self.canonical(input) == #"{"promised_delivery_by":2,"promised_ship":3,"promised_ship_by":1,"promised_ship_byz":4}"#)
    }

    @Test func duplicateKeysKeepTheLastValue() throws {
        #expect(try Self.canonical(#"{"a":1,"b":2,"a":3}"#) == #"{"a":3,"b":2}"#)
        #expect(try Self.canonical(#"{"a":{"x":1},"a":[1],"a":"last"}"#) == #"{"a":"last"}"#)
        #expect(try Self.canonical(#"[{"k":1,"k":2},{"k":3}]"#) == #"[{"k":2},{"k":3}]"#)
    }

    /// Keys are compared as bytes, not as `String`s: NFC and NFD spellings of "é" are two keys.
    @Test func canonicallyEquivalentKeysStayDistinct() throws {
        let composed = "\u{E9}"
        let decomposed = "e\u{301}"
        let value = JSONValue.object([
            JSONMember(key: decomposed, value: .number("1")),
            JSONMember(key: composed, value: .number("2")),
        ])
        #expect(String(decoding: value.canonicalBytes(), as: UTF8.self) == "{\"\(decomposed)\":1,\"\(composed)\":2}")
    }

    @Test func numbersExactlyAsWritten() throws {
        #expect(try Self.canonical("[1.0,1e2,1E+2,-0,0.10,100000000000000000000000001]") == "[1.0,1e2,1E+2,-0,0.10,100000000000000000000000001]")
    }

    @Test func minimalStringEscapes() throws {
        let input = #"["\/ \u0041 \u00e9 \u2028 \"\\ \b\f\n\r\t \u0001\u001F \u007f"]"#
        #expect(try Self.canonical(input) == "[\"/ A é \u{2028} \\\"\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f \u{7F}\"]")
    }

    @Test func arraysKeepTheirOrder() throws {
        #expect(try Self.canonical(#"[3,1,2,{"b":[],"a":{}}]"#) == #"[3,1,2,{"a":{},"b":[]}]"#)
    }

    /// Whitespace, key order and escapes that do not change the value do not change the bytes.
    @Test func sameValueSameBytes() throws {
        let spellings = [
            #"{"id":"r-1","order":{"items":[{"line":"L1","quantity":2}],"currency":"CNY"},"kind":"return"}"#,
            """
            {
              "kind": "return",
              "order": {"currency": "\\u0043NY", "items": [ {"quantity": 2, "line": "L\\u0031"} ]},
              "id": "r-1"
            }
            """,
            #"{"kind":"cancel","id":"r-1","order":{"currency":"CNY","items":[{"line":"L1","quantity":2}]},"kind":"return"}"#,
        ]
        let bytes = try spellings.map { try JSONReader.parse($0).canonicalBytes() }
        #expect(bytes[0] == bytes[1])
        #expect(bytes[0] == bytes[2])
        #expect(String(decoding: bytes[0], as: UTF8.self) == #"{"id":"r-1","kind":"return","order":{"currency":"CNY","items":[{"line":"L1","quantity":2}]}}"#)
    }

    /// Cross-check with an independent implementation: the expected text is what Python's
    /// `json.dumps(json.loads(input), sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
    /// gives (it sorts by code point and escapes the same characters the same way).
    @Test func matchesAnIndependentImplementation() throws {
        let input = #"{"order":{"items":[{"title":"T恤 \"M\"\n","unit_price":"199.00","quantity":2,"attributes":{"sealed":false,"perishable":true}}],"currency":"CNY","Zone":null},"id":"req-1","é":"\u0001\u001f\u007f\u2028/","facts":{"b":[],"a":{}},"id":"req-2","😀":-12,"｡":true}"#
        let expected = #"{"facts":{"a":{},"b":[]},"id":"req-2","order":{"Zone":null,"currency":"CNY","items":[{"attributes":{"perishable":true,"sealed":false},"quantity":2,"title":"T恤 \"M\"\n","unit_price":"199.00"}]},"é":"\u0001\u001f"#
            + "\u{7F}\u{2028}/\",\"｡\":true,\"😀\":-12}"
        #expect(try Self.canonical(input) == expected)
    }

    @Test func canonicalFormIsAFixedPoint() throws {
        let input = #"{"z":[{"b":1,"a":"\u0007"}],"a":{"y":null,"x":false,"y":true}}"#
        let once = try JSONReader.parse(input).canonicalBytes()
        let twice = try JSONReader.parse(once).canonicalBytes()
        #expect(once == twice)
    }
}
