import Foundation
import PropertyBased
import Testing
@testable import ArbiterCore

/// The tape against `JSONReader`, differentially: the same inputs are accepted and rejected,
/// rejected ones with the same message and byte offset, and accepted ones describe the same
/// value (compared as bytes, so string normalisation counts) with the same canonical form.
///
/// `JSONReader.parse` now parses into a tape itself, so the accept/reject and error halves of
/// these checks hold by construction (they stay as a guard against the two drifting apart
/// again); the value half compares this file's tree walk with the reader's materialisation,
/// and the canonical half compares `CanonicalJSONWriter` with `JSONValue.canonicalBytes()`.
@Suite struct JSONTapeTests {
    typealias Support = JSONTapeTestSupport

    /// Checks `bytes` both ways with `tape` (reused across calls, as `serve` reuses it).
    static func checkSame(_ bytes: [UInt8], tape: JSONTape, _ comment: @autoclosure () -> String = "") {
        let expected = JSONTestSupport.parse(bytes)
        bytes.withUnsafeBytes { raw in
            let actual = Result { () throws(JSONParseError) in try tape.parse(raw) }
            switch (expected, actual) {
            case (.success(let tree), .success(let document)):
                #expect(Support.bytes(Support.tree(document, document.root)) == Support.bytes(tree), "\(comment()) \(bytes)")
                let canonical = CanonicalJSONWriter()
                #expect(Array(canonical.write(document)) == tree.canonicalBytes(), "\(comment()) canonical form of \(bytes)")
            case (.failure(let treeError), .failure(let tapeError)):
                #expect(tapeError == treeError, "\(comment()) \(bytes)")
            default:
                Issue.record("\(comment()): reader \(expected), tape \(actual) for \(bytes)")
            }
        }
    }

    /// Every file of the JSONTestSuite parsing corpus (`y_`, `n_` and `i_`).
    @Test func conformanceCorpus() throws {
        let tape = JSONTape()
        let names = JSONTestSupport.conformanceCases()
        #expect(names.count >= 300)
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: JSONTestSupport.conformanceFolder.appendingPathComponent(name)))
            Self.checkSame(bytes, tape: tape, name)
        }
    }

    /// Generated values (awkward strings, every number shape, repeated keys), written compactly
    /// and with random whitespace and escapes.
    @Test func generatedValues() async {
        let tape = JSONTape()
        await propertyCheck(count: 1000, input: JSONValueGenerator.value, Gen.uint64()) { value, seed in
            Self.checkSame(JSONTestSupport.compactBytes(value), tape: tape)
            var scrambled = ScrambledJSONWriter(random: SplitMix64(seed: seed), escapePercent: Int(seed % 60))
            scrambled.write(value)
            Self.checkSame(scrambled.bytes, tape: tape)
        }
    }

    /// Random bytes drawn mostly from JSON's own alphabet: near every error the reader has.
    @Test func randomBytes() async {
        let tape = JSONTape()
        let alphabet: [UInt8] = Array(#"{}[],:"\ \#n\#t0123456789-+.eEtruefalsnlu/bfrA"#.utf8)
            + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xA9, 0xE4, 0xB8, 0xAD, 0xED, 0xA0, 0xF0, 0x9F, 0xF4, 0x90, 0xFF]
        let byte = Gen<UInt8?>.element(of: alphabet).map { $0 ?? 0x20 }
        await propertyCheck(count: 5000, input: byte.array(of: 0...60)) { bytes in
            Self.checkSame(bytes, tape: tape)
        }
    }

    /// Small edits (replace, delete, insert a byte) to valid documents, scrambled or not.
    @Test func mutatedDocuments() async {
        let tape = JSONTape()
        await propertyCheck(count: 3000, input: JSONValueGenerator.value, Gen.int(in: 0...10_000).array(of: 1...4), Gen.uint8().array(of: 4), Gen.uint64()) { value, positions, replacements, seed in
            var bytes: [UInt8]
            if seed % 2 == 0 {
                bytes = JSONTestSupport.compactBytes(value)
            } else {
                var scrambled = ScrambledJSONWriter(random: SplitMix64(seed: seed))
                scrambled.write(value)
                bytes = scrambled.bytes
            }
            for (index, position) in positions.enumerated() where !bytes.isEmpty {
                let at = position % bytes.count
                switch replacements[index] % 3 {
                case 0: bytes[at] = replacements[index]
                case 1: bytes.remove(at: at)
                default: bytes.insert(replacements[index], at: at)
                }
            }
            Self.checkSame(bytes, tape: tape)
        }
    }

    /// Truncations of a request line at every byte: each unclosed string, array and object.
    @Test func everyPrefixOfARequest() throws {
        let tape = JSONTape()
        let line = Array(#"{"id":"r\u00e9q-1","order":{"items":[{"line":"L1","unit_price":"1.00","quantity":-12.5e+3}],"x":[true,false,null]}}"#.utf8)
        for end in 0...line.count {
            Self.checkSame(Array(line[..<end]), tape: tape, "prefix of \(end) bytes")
        }
    }

    @Test(arguments: [
        "", " ", "\n\t\r ", "nul", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "[1 2]", "01", "-", "1.", "1e", "1e+",
        "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\ud800\\u0041\"", "\"\\udc00\\ud800\"", "\u{FEFF}{}", "{} x", "[]]",
        "True", "NaN", "\"\u{1}\"", "\"\\u0000\"", "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"", "[[[[]]]]", "{\"\":{\"\":{}}}",
    ])
    func handPickedInputs(text: String) {
        Self.checkSame(Array(text.utf8), tape: JSONTape(), text)
    }

    /// The canonical form's corner cases (see `JSONCanonicalTests`): key order by bytes,
    /// shared prefixes, duplicates, escapes written minimally, NFC and NFD keys kept apart.
    @Test(arguments: [
        #"{"é":1,"z":2,"Z":3,"ab":4,"a":5,"中":6,"😀":7,"｡":8,"":9,"a\u0000":10,"_":11,"10":12,"9":13}"#,
        #"{"promised_ship_by":1,"promised_delivery_by":2,"promised_ship":3,"promised_ship_byz":4,"promised_ship_by":5}"#,
        #"{"a":{"x":1},"a":[1],"a":"last","\u0061":"escaped last"}"#,
        #"[{"k":1,"k":2},{"k":3},{"k\u0000":0,"k":1}]"#,
        #"["\/ \u0041 \u00e9 \u2028 \"\\ \b\f\n\r\t \u0001\u001F \u007f \ud834\udd1e"]"#,
        "{\"e\u{301}\":1,\"\u{E9}\":2,\"e\\u0301\":3}",
        #"{"b":{"d":[],"c":{}},"a":[3,1,{"z":null,"y":true}],"longer_key_one":1,"longer_key_onf":2,"longer_key_on":0}"#,
    ])
    func canonicalCorners(text: String) {
        Self.checkSame(Array(text.utf8), tape: JSONTape(), text)
    }

    /// Objects past the insertion-sort size are sorted the other way, with the same result.
    @Test func largeObjectsSortTheSame() {
        var random = SplitMix64(seed: 11)
        let keys = (0..<200).map { _ in "k\(Int.random(in: 0..<60, using: &random))" }
        let text = "{" + keys.enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",") + "}"
        Self.checkSame(Array(text.utf8), tape: JSONTape(), "200 members")
    }

    /// One canonical writer over many documents, as `serve` uses it: objects of one shape (count
    /// and first two keys) with other members, other orders, keys equal in their first eight
    /// bytes and repeated keys. The order remembered for a shape is only a guess: every document
    /// is written as the reference canonicalisation writes it.
    @Test func rememberedMemberOrdersNeverChangeTheOutput() {
        var random = SplitMix64(seed: 29)
        let tape = JSONTape()
        let canonical = CanonicalJSONWriter()
        let vocabulary = ["id", "kind", "line", "sku", "quantity", "refunded_quantity", "refunded_amount", "refunded_at",
                          "shipping_fee", "shipping_waived", "shipping_clawed_back", "a", "b", "é", "\\u00e9", "aaaaaaaa", "aaaaaaaab"]
        for round in 0..<4000 {
            // A few fixed leading keys make shapes repeat; the rest vary in number and order.
            let lead = round % 3 == 0 ? ["id", "kind"] : ["line", "sku"]
            let rest = (0..<Int.random(in: 0..<9, using: &random)).map { _ in vocabulary[Int.random(in: 0..<vocabulary.count, using: &random)] }
            let keys = lead + rest
            let member = { (key: String, value: Int) in "\"\(key)\":\(value)" }
            let inner = "{" + keys.enumerated().map { member($1, $0) }.joined(separator: ",") + "}"
            let text = "[" + inner + "," + inner.replacingOccurrences(of: ":1", with: ":7") + "]"
            let bytes = Array(text.utf8)
            guard case .success(let tree) = JSONTestSupport.parse(bytes) else { Issue.record("not JSON: \(text)"); return }
            bytes.withUnsafeBytes { raw in
                guard let document = try? tape.parse(raw) else { Issue.record("tape refused \(text)"); return }
                #expect(Array(canonical.write(document)) == tree.canonicalBytes(), "\(text)")
            }
        }
    }

    /// 256 levels are fine, 257 are one too many, at the same offset as the reader says.
    @Test func depthLimit() {
        let tape = JSONTape()
        for depth in [255, 256, 257, 300] {
            Self.checkSame(Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8), tape: tape, "depth \(depth)")
            Self.checkSame(Array((String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)).utf8), tape: tape, "depth \(depth)")
        }
    }

    /// One tape reads a large document, then small ones: nothing of the earlier one shows.
    @Test func reuseAcrossDocuments() throws {
        let tape = JSONTape()
        let large = "[" + (0..<5000).map { "{\"k\\u00e9\($0)\":\"v\\n\($0)\"}" }.joined(separator: ",") + "]"
        Self.checkSame(Array(large.utf8), tape: tape, "large")
        #expect(tape.view.count == 15_001)
        Self.checkSame(Array("{\"a\\u0041\":[\"\\t\"]}".utf8), tape: tape, "small after large")
        #expect(tape.view.count == 4)
        Self.checkSame(Array("[1,".utf8), tape: tape, "an error after a document")
        Self.checkSame(Array("7".utf8), tape: tape, "a scalar after an error")
        #expect(tape.view.count == 1)
    }

    /// A huge document grows the buffers; the next document lets them go again.
    @Test func hugeDocumentsAreNotKept() {
        let tape = JSONTape()
        let huge = "[" + Array(repeating: "{\"k\\n\":\"\(String(repeating: "x", count: 10))\"}", count: 80_000).joined(separator: ",") + "]"
        Self.checkSame(Array(huge.utf8), tape: tape, "huge")
        #expect(tape.storage.tokenCapacity > JSONTape.Storage.retainedTokens)
        Self.checkSame(Array("[1,{\"\\u0062\":2}]".utf8), tape: tape, "small after huge")
        #expect(tape.storage.tokenCapacity == 256)
        #expect(tape.storage.arenaCapacity <= JSONTape.Storage.retainedArenaBytes)
    }

    /// String reading: plain ASCII is flagged for byte comparison; escapes and non-ASCII
    /// text are not, and compare as `String`s.
    @Test func stringAccessors() throws {
        let owner = JSONTape()
        let input = Array(#"["ping","p\u0069ng","pïng","",  "\u212Aelvin"]"#.utf8)
        try input.withUnsafeBytes { raw in
            // The view reads `owner`'s tokens and `input`'s bytes: both live through this closure.
            let tape = try owner.parse(raw)
            let elements = Array(tape.elements(of: tape.root))
            #expect(tape.isPlainASCII(elements[0]))
            #expect(!tape.isPlainASCII(elements[1]))
            #expect(!tape.isPlainASCII(elements[2]))
            #expect(tape.string(elements[0], equals: "ping"))
            #expect(tape.string(elements[1], equals: "ping"))
            #expect(!tape.string(elements[2], equals: "ping"))
            #expect(tape.string(elements[3], equals: ""))
            // U+212A KELVIN SIGN is canonically equivalent to "K": `String` equality says equal.
            #expect(tape.string(elements[4], equals: "Kelvin"))
            #expect(tape.string(elements[1]) == "ping")
        }
    }
}
