import PropertyBased
import Testing
@testable import ArbiterCore

/// The outline picks the members that choose a request's pack and version and bound its size;
/// it tells plain keys by their length and bytes, any other key as text. A wrong pick would
/// decide a request with the wrong version or let one past the limits.
@Suite struct RequestOutlineTests {
    /// The outline of `text`, with each found member's value as compact JSON text.
    static func outline(_ text: String) throws -> [String: String] {
        let tape = JSONTape()
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { raw in
            let view = try tape.parse(raw)
            let outline = RequestOutline(view)
            let found: [(String, Int?)] = [
                ("op", outline.op), ("policy", outline.policy), ("requested_at", outline.requestedAt),
                ("lines", outline.lines), ("placed_at", outline.placedAt), ("currency", outline.currency),
                ("items", outline.items), ("discounts", outline.discounts), ("payments", outline.payments),
            ]
            var result: [String: String] = [:]
            for (name, token) in found {
                guard let token else { continue }
                result[name] = String(decoding: JSONTestSupport.compactBytes(JSONTapeTestSupport.tree(view, token)), as: UTF8.self)
            }
            return result
        }
    }

    @Test func findsEachMemberAmongKeysOfTheSameLength() throws {
        // "other" and "order", "lines" and "liner", "payments" and "currency" and "paymentz"
        // share lengths; only the exact names count.
        let found = try Self.outline(#"""
            {"other":1,"order":{"itemz":0,"items":[1],"placed_at":"P","discount":0,"discounts":[2],
             "currency":"CNY","paymentz":0,"payments":[3]},"liner":0,"lines":[4],"op":"decide",
             "oq":0,"policy":"cn","polics":0,"requested_at":"R","requested_as":0}
            """#)
        #expect(found == [
            "op": #""decide""#, "policy": #""cn""#, "requested_at": #""R""#, "lines": "[4]", "placed_at": #""P""#,
            "currency": #""CNY""#, "items": "[1]", "discounts": "[2]", "payments": "[3]",
        ])
    }

    @Test func keysWrittenWithEscapesAreTheSameKeys() throws {
        // `\u0070` is "p", `\u00e9` a non-ASCII letter no name has; the escaped forms are the
        // names themselves and must be found as such.
        let found = try Self.outline(#"{"\u0070olicy":"eu","order":{"curr\u0065ncy":"EUR","it\u00e9ms":[1]},"requested\u005fat":"R"}"#)
        #expect(found == ["policy": #""eu""#, "currency": #""EUR""#, "requested_at": #""R""#])
    }

    @Test func theLastOccurrenceOfAKeyCounts() throws {
        let found = try Self.outline(#"{"policy":"cn","order":{"currency":"CNY","currency":"EUR"},"policy":"eu"}"#)
        #expect(found == ["policy": #""eu""#, "currency": #""EUR""#])
    }

    @Test func anOrderThatIsNotAnObjectHasNoMembersFound() throws {
        #expect(try Self.outline(#"{"order":[{"items":[]}],"lines":[]}"#) == ["lines": "[]"])
        #expect(try Self.outline("[1]").isEmpty)
    }

    /// `string(_:equals:)` against `String` equality for keys of every length up to 20 that
    /// differ from a name in one byte, or not at all.
    @Test func plainStringsCompareAsTheirText() async {
        let names: [StaticString] = ["a", "op", "abc", "lines", "policy", "currency", "placed_at", "requested_at", "free_shipping_threshold"]
        let tape = JSONTape()
        await propertyCheck(count: 2000, input: Gen.int(in: 0..<names.count), Gen.int(in: -1..<24), Gen.uint8(in: 0x20...0x7E)) { which, position, replacement in
            let name = names[which]
            var key = Array(name.description.utf8)
            if position >= 0, position < key.count, replacement != UInt8(ascii: "\""), replacement != UInt8(ascii: "\\") {
                key[position] = replacement
            } else if position >= key.count {
                key.append(UInt8(ascii: "x"))
            }
            let document = Array("{\"".utf8) + key + Array("\":0}".utf8)
            document.withUnsafeBytes { raw in
                guard let view = try? tape.parse(raw) else {
                    Issue.record("unreadable \(document)")
                    return
                }
                let keyToken = view.root + 1
                #expect(view.string(keyToken, equals: name) == (String(decoding: key, as: UTF8.self) == name.description), "\(key) vs \(name)")
            }
        }
    }
}
