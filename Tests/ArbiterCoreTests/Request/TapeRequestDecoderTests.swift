import Foundation
import Testing
@testable import ArbiterCore

/// Decoding from the tape against decoding from the tree, differentially, on the shared
/// workload with malformed lines, on every fixture's request, on hand-written corner cases
/// and on mutated requests: the same request (compared field by field, timestamp offsets and
/// zones included) or the same error, the same request id for error answers, the same input
/// digest, and byte-identical protocol answers.
@Suite struct TapeRequestDecoderTests {
    static let engine = Engine(policy: Repository.cnPolicy)

    /// What decoding gave: a request (as a full dump of its fields) or an error.
    enum Decoded: Equatable, CustomStringConvertible {
        case request(String)
        case error(RequestError)
        case notJSON

        init(_ decode: () throws(RequestError) -> AfterSaleRequest) {
            do {
                var text = ""
                dump(try decode(), to: &text)
                self = .request(text)
            } catch {
                self = .error(error)
            }
        }

        var description: String {
            switch self {
            case .request(let text): return "request\n\(text)"
            case .error(let error): return "error \(error.path): \(error.message)"
            case .notJSON: return "not JSON"
            }
        }
    }

    /// Checks one line: decoding, request id and digest both ways; returns what it decoded to.
    @discardableResult
    static func checkSame(_ bytes: [UInt8], scratch: RequestScratch, _ comment: @autoclosure () -> String = "") -> Decoded {
        let tree = try? JSONReader.parse(bytes)
        return bytes.withUnsafeBytes { raw in
            // The tape's view reads `raw`: everything is checked inside this closure.
            let tape = try? scratch.tape.parse(raw)
            #expect((tape != nil) == (tree != nil), "\(comment())")
            guard let tree, let tape else { return .notJSON }
            let expected = Decoded { () throws(RequestError) in try engine.decoder.referenceDecode(tree) }
            let actual = Decoded { () throws(RequestError) in try engine.decoder.decode(tape) }
            #expect(actual == expected, "\(comment()): \(String(decoding: bytes.prefix(300), as: UTF8.self))")
            #expect(RequestDecoder.requestID(in: tape) == RequestDecoder.referenceRequestID(in: tree), "\(comment())")
            #expect(Engine.inputDigest(of: tape, using: scratch.canonical) == Engine.inputDigest(of: tree), "\(comment())")
            return expected
        }
    }

    /// Checks that the protocol answer from the bytes equals the answer from the tree.
    static func checkAnswers(_ bytes: [UInt8], audit: AuditLevel, scratch: RequestScratch, lineNumber: Int = 1, _ comment: @autoclosure () -> String = "") {
        let handler = ProtocolHandler(engine: engine, audit: audit)
        var fromBytes = JSONWriter(pretty: false)
        bytes.withUnsafeBytes { handler.respond(to: $0, lineNumber: lineNumber, into: &fromBytes, scratch: scratch) }
        var fromTree = JSONWriter(pretty: false)
        switch JSONTestSupport.parse(bytes) {
        case .success(let json):
            handler.referenceRespond(to: json, lineNumber: lineNumber, into: &fromTree)
        case .failure(let error):
            handler.writeError(.invalidJSON, "\(error.message) at byte \(error.offset + 1)", path: nil, id: nil, lineNumber: lineNumber, into: &fromTree)
        }
        #expect(String(decoding: fromBytes.bytes, as: UTF8.self) == String(decoding: fromTree.bytes, as: UTF8.self), "\(comment())")
    }

    // MARK: - The shared workload

    @Test(arguments: [1, 2, 3])
    func workloadWithMalformedLines(seed: Int) throws {
        let lines = try ServeEndToEndTests.workload(count: 3000, bad: 0.3, seed: seed)
        #expect(lines.count == 3000)
        let scratch = RequestScratch()
        var errors = 0
        for (index, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            if case .error = Self.checkSame(bytes, scratch: scratch, "seed \(seed) line \(index + 1)") { errors += 1 }
            Self.checkAnswers(bytes, audit: index % 3 == 0 ? .full : .summary, scratch: scratch, lineNumber: index + 1, "seed \(seed) line \(index + 1)")
        }
        #expect(errors > 300, "the workload mixes in invalid requests")
    }

    // MARK: - Fixtures

    @Test func everyFixtureRequest() throws {
        let files = FixtureLoader.files(at: Repository.path("Fixtures/cn")).filter(FixtureLoader.isFixtureFile)
        #expect(files.count >= 100)
        let scratch = RequestScratch()
        var random = SplitMix64(seed: 5)
        for path in files {
            let fixture = try FixtureLoader.load(path: path)
            let compact = Array(fixture.request.serialized(pretty: false).utf8)
            Self.checkSame(compact, scratch: scratch, path)
            Self.checkAnswers(compact, audit: .full, scratch: scratch, path)
            // The same request spelled with whitespace and escapes decodes and digests the same.
            var scrambled = ScrambledJSONWriter(random: random, escapePercent: 15)
            scrambled.write(fixture.request)
            random = scrambled.random
            Self.checkSame(scrambled.bytes, scratch: scratch, "\(path), scrambled")
            Self.checkAnswers(scrambled.bytes, audit: .summary, scratch: scratch, "\(path), scrambled")
        }
    }

    // MARK: - Mutated requests

    @Test(arguments: [1, 2])
    func mutatedRequests(seed: UInt64) throws {
        let bases = try ServeEndToEndTests.workload(count: 200, bad: 0, seed: Int(seed) + 10).map { try JSONReader.parse($0) }
        let scratch = RequestScratch()
        var mutator = RequestMutator(random: SplitMix64(seed: seed))
        var outcomes: [String: Int] = [:]
        for round in 0..<4000 {
            let mutated = mutator.mutate(bases[round % bases.count])
            var bytes = Array(mutated.serialized(pretty: false).utf8)
            if round % 4 == 3 {
                var scrambled = ScrambledJSONWriter(random: mutator.random, escapePercent: 10)
                scrambled.write(mutated)
                mutator.random = scrambled.random
                bytes = scrambled.bytes
            }
            let decoded = Self.checkSame(bytes, scratch: scratch, "seed \(seed) round \(round)")
            if round % 10 == 0 { Self.checkAnswers(bytes, audit: .summary, scratch: scratch, "seed \(seed) round \(round)") }
            if case .error(let error) = decoded { outcomes[error.path, default: 0] += 1 } else { outcomes["ok", default: 0] += 1 }
        }
        // The mutations reach many different checks, and leave many requests valid.
        #expect(outcomes.count > 40, "\(outcomes)")
        #expect(outcomes["ok", default: 0] > 400, "\(outcomes)")
    }

    // MARK: - Hand-written corners

    /// A request with every field, which the cases below change.
    static let base = #"""
        {"id":"req-1","kind":"return","reason":"no_reason","requested_at":"2026-11-05T10:00:00+08:00",
         "order":{"id":"o-1","currency":"CNY","timezone":"Asia/Shanghai","placed_at":"2026-10-30T09:12:00+08:00",
          "paid_at":"2026-10-30T09:13:00+08:00","promised_ship_by":"2026-11-01T23:59:59+08:00",
          "promised_delivery_by":"2026-11-03T23:59:59+08:00","shipped_at":"2026-10-31T18:00:00+08:00",
          "delivered_at":"2026-11-01T15:00:00Z","shipping_fee":"10.00","free_shipping_threshold":"99",
          "shipping_waived":"5.5","shipping_clawed_back":"0","shipping_insurance":true,
          "items":[{"line":"L1","sku":"TSHIRT-M","title":"T恤 \ud83d\ude00","category":"apparel","unit_price":"199.00","quantity":2,
                    "refunded_quantity":0,"attributes":{"perishable":false,"custom_made":false,"sealed":true,"other":[1]},
                    "gift_for":null,"gift_value":null},
                   {"line":"L2","sku":"GIFT","category":"home","unit_price":"0.00","quantity":1,"gift_for":"L1","gift_value":"5.00"}],
          "discounts":[{"id":"C1","kind":"coupon","amount":"30.00","applies_to":null,"threshold":"200.00","clawed_back":"0.00"},
                       {"id":"C2","kind":"full_reduction","amount":"1.00","applies_to":["L2","L1"]}]},
         "lines":[{"line":"L1","quantity":1,"condition":"opened"}],
         "customer":{"id":"u-1","tier":"gold","refunds_90d":1,"orders_90d":9},
         "evidence":{"photos":1,"videos":0},"facts":{"fraud_verified":true},"locale":"en"}
        """#

    static let corners: [(String, String)] = [
        ("base", base),
        // Duplicate keys: every occurrence is checked, the last one counts.
        ("duplicate id", base.replacingOccurrences(of: #""id":"req-1","#, with: #""id":"a","id":"req-2","#)),
        ("duplicate id, bad first", base.replacingOccurrences(of: #""id":"req-1","#, with: #""id":5,"id":"req-2","#)),
        ("duplicate id, bad last", base.replacingOccurrences(of: #""id":"req-1","#, with: #""id":"req-2","id":null,"#)),
        ("duplicate kind", base.replacingOccurrences(of: #""kind":"return","#, with: #""kind":"cancel","kind":"return","#)),
        ("duplicate order, last not an object", base.replacingOccurrences(of: #""locale":"en"}"#, with: #""locale":"en","order":7}"#)),
        ("duplicate facts accumulate", base.replacingOccurrences(of: #""facts":{"fraud_verified":true}"#, with: #""facts":{"fraud_verified":true},"facts":{}"#)),
        ("duplicate customer replaces", base.replacingOccurrences(of: #""evidence":"#, with: #""customer":{"tier":"diamond"},"evidence":"#)),
        ("duplicate locale null keeps", base.replacingOccurrences(of: #""locale":"en"}"#, with: #""locale":"en","locale":null}"#)),
        ("duplicate timezone null keeps", base.replacingOccurrences(of: #""timezone":"Asia/Shanghai","#, with: #""timezone":"Europe/Berlin","timezone":null,"#)),
        ("duplicate money fields in order", base.replacingOccurrences(of: #""shipping_fee":"10.00","#, with: #""shipping_waived":"x","shipping_fee":"1.005","shipping_fee":"10.00","#)),
        ("duplicate attribute", base.replacingOccurrences(of: #""perishable":false,"#, with: #""perishable":true,"perishable":false,"#)),
        ("duplicate line in items", base.replacingOccurrences(of: #""line":"L2","sku""#, with: #""line":"L1","sku""#)),
        ("duplicate discount id", base.replacingOccurrences(of: #""id":"C2""#, with: #""id":"C1""#)),
        ("line requested twice", base.replacingOccurrences(of: #""lines":[{"line":"L1","quantity":1,"condition":"opened"}]"#, with: #""lines":[{"line":"L1","quantity":1},{"line":"L1","quantity":1}]"#)),
        // Nulls wherever a field is optional, and where it is not.
        ("nulls everywhere optional", #"""
            {"id":"r","kind":"return","reason":"no_reason","requested_at":"2026-11-05T10:00:00+08:00",
             "order":{"id":"o","currency":"CNY","timezone":null,"placed_at":null,"paid_at":null,"promised_ship_by":null,
              "promised_delivery_by":null,"shipped_at":null,"delivered_at":null,"shipping_fee":null,"free_shipping_threshold":null,
              "shipping_waived":null,"shipping_clawed_back":null,"shipping_insurance":null,
              "items":[{"line":"L1","sku":null,"title":null,"category":null,"unit_price":"1","quantity":1,"refunded_quantity":null,
                        "attributes":null,"gift_for":null,"gift_value":null}],"discounts":null},
             "lines":[{"line":"L1","quantity":1,"condition":null}],"customer":null,"evidence":null,"facts":null,"locale":null}
            """#),
        ("null attributes inside", base.replacingOccurrences(of: #""sealed":true"#, with: #""sealed":null"#)),
        ("null customer fields", base.replacingOccurrences(of: #""customer":{"id":"u-1","tier":"gold","#, with: #""customer":{"id":null,"tier":null,"#)),
        ("null required id", base.replacingOccurrences(of: #""id":"req-1""#, with: #""id":null"#)),
        ("null order", base.replacingOccurrences(of: #""order":{"id":"o-1""#, with: #""order":null,"x":{"id":"o-1""#)),
        ("null lines", base.replacingOccurrences(of: #""lines":[{"line":"L1","quantity":1,"condition":"opened"}]"#, with: #""lines":null"#)),
        ("null quantity", base.replacingOccurrences(of: #""quantity":1,"condition""#, with: #""quantity":null,"condition""#)),
        ("null unit price", base.replacingOccurrences(of: #""unit_price":"199.00""#, with: #""unit_price":null"#)),
        ("null discount amount", base.replacingOccurrences(of: #""amount":"30.00""#, with: #""amount":null"#)),
        // Unknown fields, with nested values, everywhere.
        ("unknown fields", base
            .replacingOccurrences(of: #"{"id":"req-1","#, with: #"{"x":{"a":[1,{"b":null,"c":"\u0000"}],"d":{}},"id":"req-1","#)
            .replacingOccurrences(of: #""currency":"CNY","#, with: #""currency":"CNY","notes":[[],[[{}]]],"#)
            .replacingOccurrences(of: #""line":"L1","sku""#, with: #""line":"L1","extra":{"line":"L9"},"sku""#)
            .replacingOccurrences(of: #""condition":"opened""#, with: #""condition":"opened","photos":[1,2]"#)),
        ("undeclared attributes and facts", base
            .replacingOccurrences(of: #""other":[1]"#, with: #""other":[1],"Perishable":"x","perishable ":5"#)
            .replacingOccurrences(of: #""fraud_verified":true"#, with: #""fraud_verified":true,"unknown_fact":{"a":1}"#)),
        // Escapes in keys and values.
        ("escaped keys", base
            .replacingOccurrences(of: #""id":"req-1""#, with: #""\u0069d":"req-1""#)
            .replacingOccurrences(of: #""requested_at""#, with: #""requested\u005fat""#)
            .replacingOccurrences(of: #""perishable""#, with: #""perishabl\u0065""#)
            .replacingOccurrences(of: #""unit_price":"199.00""#, with: #""unit\u005Fprice":"199.00""#)),
        ("escaped values", base
            .replacingOccurrences(of: #""kind":"return""#, with: #""kind":"r\u0065turn""#)
            .replacingOccurrences(of: #""2026-11-05T10:00:00+08:00""#, with: #""2026-11-05T10:00:00\u002B08:00""#)
            .replacingOccurrences(of: #""unit_price":"199.00""#, with: #""unit_price":"199\u002e00""#)
            .replacingOccurrences(of: #""line":"L1","quantity":1"#, with: #""line":"L\u0031","quantity":1"#)
            .replacingOccurrences(of: #""currency":"CNY""#, with: #""currency":"C\u004EY""#)
            .replacingOccurrences(of: #""timezone":"Asia/Shanghai""#, with: #""timezone":"Asia\/Shanghai""#)),
        ("escaped bad values quoted back", base
            .replacingOccurrences(of: #""reason":"no_reason""#, with: #""reason":"no\nreason\u00e9\"""#)),
        ("kelvin sign currency", base.replacingOccurrences(of: #""currency":"CNY""#, with: #""currency":"\u212ARW""#)),
        ("kelvin sign key", base.replacingOccurrences(of: #""kind":"return""#, with: #""\u212Aind":"return""#)),
        ("non-ASCII enum value", base.replacingOccurrences(of: #""condition":"opened""#, with: #""condition":"öpened""#)),
        ("decomposed line ids", base
            .replacingOccurrences(of: #""line":"L1","sku""#, with: #""line":"L\u00e9","sku""#)
            .replacingOccurrences(of: #""line":"L1","quantity":1"#, with: #""line":"Le\u0301","quantity":1"#)
            .replacingOccurrences(of: #""applies_to":["L2","L1"]"#, with: #""applies_to":["L2","Le\u0301"]"#)),
        ("equivalent duplicate line ids", base.replacingOccurrences(of: #""line":"L2","sku""#, with: #""line":"L1\u0301","sku""#)
            .replacingOccurrences(of: #""line":"L1","sku""#, with: #""line":"L\u00cc","sku""#)),
        // Numbers for integer fields.
        ("quantity 1.0", base.replacingOccurrences(of: #""quantity":1,"condition""#, with: #""quantity":1.0,"condition""#)),
        ("quantity 1e2", base.replacingOccurrences(of: #""quantity":1,"condition""#, with: #""quantity":1e2,"condition""#)),
        ("quantity -0", base.replacingOccurrences(of: #""quantity":1,"condition""#, with: #""quantity":-0,"condition""#)),
        ("quantity 0", base.replacingOccurrences(of: #""quantity":1,"condition""#, with: #""quantity":0,"condition""#)),
        ("quantity too big", base.replacingOccurrences(of: #""quantity":2,"#, with: #""quantity":1000001,"#)),
        ("quantity overflow", base.replacingOccurrences(of: #""quantity":2,"#, with: #""quantity":99999999999999999999,"#)),
        ("quantity Int.min", base.replacingOccurrences(of: #""quantity":2,"#, with: #""quantity":-9223372036854775808,"#)),
        ("quantity Int.max", base.replacingOccurrences(of: #""quantity":2,"#, with: #""quantity":9223372036854775807,"#)),
        ("quantity Int.max + 1", base.replacingOccurrences(of: #""quantity":2,"#, with: #""quantity":9223372036854775808,"#)),
        ("quantity as string", base.replacingOccurrences(of: #""quantity":2,"#, with: #""quantity":"2","#)),
        ("refunds 1E1", base.replacingOccurrences(of: #""refunds_90d":1"#, with: #""refunds_90d":1E1"#)),
        ("refunded more than bought", base.replacingOccurrences(of: #""refunded_quantity":0"#, with: #""refunded_quantity":3"#)),
        ("price times quantity too large", base.replacingOccurrences(of: #""unit_price":"199.00","quantity":2"#, with: #""unit_price":"9999999999999.00","quantity":1000000"#)),
        // Money.
        ("money as number", base.replacingOccurrences(of: #""unit_price":"199.00""#, with: #""unit_price":12.5"#)),
        ("money as bool", base.replacingOccurrences(of: #""unit_price":"199.00""#, with: #""unit_price":true"#)),
        ("money negative", base.replacingOccurrences(of: #""shipping_fee":"10.00""#, with: #""shipping_fee":"-3""#)),
        ("money too precise", base.replacingOccurrences(of: #""gift_value":"5.00""#, with: #""gift_value":"1.005""#)),
        ("money exponent", base.replacingOccurrences(of: #""threshold":"200.00""#, with: #""threshold":"1e3""#)),
        ("money too large", base.replacingOccurrences(of: #""amount":"30.00""#, with: #""amount":"99999999999999999999""#)),
        ("discount larger than gross", base.replacingOccurrences(of: #""amount":"1.00""#, with: #""amount":"1000.00""#)),
        // Timestamps and zones.
        ("timestamp without offset", base.replacingOccurrences(of: #""2026-11-05T10:00:00+08:00""#, with: #""2026-11-05T10:00:00""#)),
        ("timestamp date only", base.replacingOccurrences(of: #""2026-11-05T10:00:00+08:00""#, with: #""2026-11-05""#)),
        ("timestamp out of range", base.replacingOccurrences(of: #""shipped_at":"2026-10-31T18:00:00+08:00""#, with: #""shipped_at":"2026-13-40T99:00:00Z""#)),
        ("timestamp fraction", base.replacingOccurrences(of: #""shipped_at":"2026-10-31T18:00:00+08:00""#, with: #""shipped_at":"2026-10-31T18:00:00.123456789123-05:30""#)),
        ("timestamp leap second", base.replacingOccurrences(of: #""paid_at":"2026-10-30T09:13:00+08:00""#, with: #""paid_at":"2016-12-31T23:59:60Z""#)),
        ("unknown zone", base.replacingOccurrences(of: #""timezone":"Asia/Shanghai""#, with: #""timezone":"CST""#)),
        ("zone as number", base.replacingOccurrences(of: #""timezone":"Asia/Shanghai""#, with: #""timezone":8"#)),
        // Lines, items, discounts.
        ("compensation ignores broken lines", base.replacingOccurrences(of: #""kind":"return""#, with: #""kind":"compensation""#)
            .replacingOccurrences(of: #""lines":[{"line":"L1","quantity":1,"condition":"opened"}]"#, with: #""lines":5"#)),
        ("lines not an array", base.replacingOccurrences(of: #""lines":[{"line":"L1","quantity":1,"condition":"opened"}]"#, with: #""lines":{}"#)),
        ("lines empty", base.replacingOccurrences(of: #""lines":[{"line":"L1","quantity":1,"condition":"opened"}]"#, with: #""lines":[]"#)),
        ("lines missing", base.replacingOccurrences(of: #""lines":[{"line":"L1","quantity":1,"condition":"opened"}],"#, with: "")),
        ("line unknown", base.replacingOccurrences(of: #""line":"L1","quantity":1"#, with: #""line":"NOPE","quantity":1"#)),
        ("line element not an object", base.replacingOccurrences(of: #""lines":[{"line":"L1","quantity":1,"condition":"opened"}]"#, with: #""lines":["L1"]"#)),
        ("items empty", base.replacingOccurrences(of: #""discounts":[{"id":"C1""#, with: #""items":[],"discounts":[{"id":"C1""#)),
        ("items not an array", base.replacingOccurrences(of: #""discounts":[{"id":"C1""#, with: #""items":{},"discounts":[{"id":"C1""#)),
        ("item not an object", base.replacingOccurrences(of: #""items":[{"line":"L1""#, with: #""items":[5,{"line":"L1""#)),
        ("gift for itself", base.replacingOccurrences(of: #""gift_for":"L1""#, with: #""gift_for":"L2""#)),
        ("gift for unknown", base.replacingOccurrences(of: #""gift_for":"L1""#, with: #""gift_for":"L7""#)),
        ("gift without value", base.replacingOccurrences(of: #""gift_value":"5.00""#, with: #""gift_value":null"#)),
        ("applies_to empty", base.replacingOccurrences(of: #""applies_to":["L2","L1"]"#, with: #""applies_to":[]"#)),
        ("applies_to twice", base.replacingOccurrences(of: #""applies_to":["L2","L1"]"#, with: #""applies_to":["L1","L1"]"#)),
        ("applies_to unknown", base.replacingOccurrences(of: #""applies_to":["L2","L1"]"#, with: #""applies_to":["L2","L3"]"#)),
        ("applies_to number", base.replacingOccurrences(of: #""applies_to":["L2","L1"]"#, with: #""applies_to":[2]"#)),
        ("applies_to string", base.replacingOccurrences(of: #""applies_to":["L2","L1"]"#, with: #""applies_to":"L1""#)),
        ("discounts not an array", base.replacingOccurrences(of: #""discounts":[{"id":"C1""#, with: #""discounts":{},"x":[{"id":"C1""#)),
        ("discount kind misspelt", base.replacingOccurrences(of: #""kind":"coupon""#, with: #""kind":"cuopon""#)),
        ("currency mismatch", base.replacingOccurrences(of: #""currency":"CNY""#, with: #""currency":"USD""#)),
        ("currency unknown", base.replacingOccurrences(of: #""currency":"CNY""#, with: #""currency":"XXX""#)),
        ("attribute wrong type", base.replacingOccurrences(of: #""sealed":true"#, with: #""sealed":"yes""#)),
        ("escaped attribute wrong type", base.replacingOccurrences(of: #""sealed":true"#, with: #""s\u0065aled":1"#)),
        ("fact wrong type", base.replacingOccurrences(of: #""fraud_verified":true"#, with: #""fraud_verified":[true]"#)),
        ("facts not an object", base.replacingOccurrences(of: #""facts":{"fraud_verified":true}"#, with: #""facts":[]"#)),
        ("customer not an object", base.replacingOccurrences(of: #""customer":{"id":"u-1","#, with: #""customer":"gold","c":{"id":"u-1","#)),
        ("evidence negative", base.replacingOccurrences(of: #""photos":1"#, with: #""photos":-1"#)),
        ("locale unknown", base.replacingOccurrences(of: #""locale":"en""#, with: #""locale":"EN""#)),
        ("request not an object", "[1,2]"),
        ("missing everything", "{}"),
    ]

    @Test func handWrittenCorners() throws {
        let scratch = RequestScratch()
        var decodedBase = false
        for (name, text) in Self.corners {
            let bytes = Array(text.utf8)
            let decoded = Self.checkSame(bytes, scratch: scratch, name)
            if name == "base", case .request = decoded { decodedBase = true }
            #expect(decoded != .notJSON, "\(name) must be JSON")
            for audit in [AuditLevel.none, .summary, .full] {
                Self.checkAnswers(bytes, audit: audit, scratch: scratch, name)
            }
        }
        #expect(decodedBase, "the base request is valid")
    }

    /// Protocol-level lines: ops, ids of error answers, lines that are not objects.
    @Test(arguments: [
        #"{"op":"ping"}"#, #"{"op":"p\u0069ng"}"#, #"{"op":"ping","op":1}"#, #"{"op":1,"op":"ping"}"#, #"{"op":"reboot","id":"x-1"}"#,
        #"{"id":5,"id":"y","op":"x"}"#, #"{"id":"y","id":5,"op":"x"}"#, #"{"id":"\u00e9\n","op":null}"#, #"{"\u006fp":"ping"}"#,
        #"{"op":"ping ","id":"z"}"#, #"{"op":"PING"}"#, #"{"id":"q","kind":5}"#, "[1]", "\"x\"", "1", "null", "{", "{\"id\":\"a\"} x",
        "\u{FEFF}{}", #"{"id":"\ud800"}"#,
    ])
    func protocolLines(text: String) {
        let scratch = RequestScratch()
        for audit in [AuditLevel.none, .summary, .full] {
            Self.checkAnswers(Array(text.utf8), audit: audit, scratch: scratch, lineNumber: 42, text)
        }
    }

    /// Scalar integers: the tape reads the literal the way `Int(String)` does.
    @Test(arguments: ["0", "-0", "7", "-7", "1000000", "9223372036854775807", "-9223372036854775808",
                      "9223372036854775808", "-9223372036854775809", "1.0", "1e2", "-1E+2", "0.5", "123456789012345678901234567890"])
    func integerLiterals(literal: String) {
        let parsed = Array(literal.utf8).withUnsafeBytes { TapeRequestDecoder.integerLiteral($0) }
        #expect(parsed == Int(literal), "\(literal)")
    }
}
