import Foundation
import Testing
@testable import ArbiterCore

/// The JSONTestSuite parsing corpus (nst/JSONTestSuite, copied to
/// `Golden/JSONTestSuite/test_parsing`): every `y_` file parses, every `n_` file is rejected,
/// every `i_` file either parses or is rejected with an error inside the input — never a
/// crash or a hang.
@Suite struct JSONConformanceTests {
    @Test func corpusIsPresent() {
        let cases = JSONTestSupport.conformanceCases()
        #expect(cases.count >= 300, "missing corpus at \(JSONTestSupport.conformanceFolder.path)")
        #expect(cases.contains { $0.hasPrefix("y_") })
        #expect(cases.contains { $0.hasPrefix("n_") })
        #expect(cases.contains { $0.hasPrefix("i_") })
    }

    @Test(arguments: JSONTestSupport.conformanceCases())
    func corpusFile(name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: JSONTestSupport.conformanceFolder.appendingPathComponent(name)))
        let result = JSONTestSupport.parse(bytes)
        switch (name.prefix(2), result) {
        case ("y_", .success(let value)):
            // What was accepted survives a round trip through the writer.
            let again = JSONTestSupport.parse(JSONTestSupport.compactBytes(value))
            #expect((try? again.get()) == value, "\(name) does not round-trip")
        case ("y_", .failure(let error)):
            Issue.record("\(name) must parse, got: \(error)")
        case ("n_", .success(let value)):
            Issue.record("\(name) must be rejected, parsed as \(value.serialized(pretty: false))")
        case (_, .failure(let error)):
            #expect(error.offset >= 0 && error.offset <= bytes.count, "\(name): offset \(error.offset) outside the input")
            #expect(!error.message.isEmpty && !error.message.contains("\n"))
        default:
            break  // i_ accepted
        }
    }

    /// 100000 `[`: rejected at the depth limit, without recursion.
    @Test func deepNestingIsRejectedAtTheLimit() throws {
        let bytes = try [UInt8](Data(contentsOf: JSONTestSupport.conformanceFolder.appendingPathComponent("n_structure_100000_opening_arrays.json")))
        let error = JSONTestSupport.error(bytes)
        #expect(error == JSONParseError("nesting deeper than 256", offset: 256))
    }

    /// The decisions this reader takes where RFC 8259 leaves a choice (the `i_` files).
    @Test(arguments: [
        // Lone or mismatched surrogate escapes are errors.
        ("i_string_1st_surrogate_but_2nd_missing.json", false),
        ("i_string_invalid_lonely_surrogate.json", false),
        ("i_string_inverted_surrogates_U+1D11E.json", false),
        ("i_object_key_lone_2nd_surrogate.json", false),
        // Invalid UTF-8 anywhere is an error.
        ("i_string_iso_latin_1.json", false),
        ("i_string_overlong_sequence_2_bytes.json", false),
        ("i_string_UTF8_surrogate_U+D800.json", false),
        ("i_string_not_in_unicode_range.json", false),
        ("i_string_truncated-utf-8.json", false),
        // No byte order mark, no UTF-16.
        ("i_structure_UTF-8_BOM_empty_object.json", false),
        ("i_string_utf16LE_no_BOM.json", false),
        // 500 levels is past the depth limit of 256.
        ("i_structure_500_nested_arrays.json", false),
        // Numbers are kept as text, so any size is fine.
        ("i_number_huge_exp.json", true),
        ("i_number_too_big_neg_int.json", true),
        ("i_number_real_underflow.json", true),
    ])
    func implementationDefinedChoice(name: String, accepted: Bool) throws {
        let bytes = try [UInt8](Data(contentsOf: JSONTestSupport.conformanceFolder.appendingPathComponent(name)))
        let parsed = (try? JSONTestSupport.parse(bytes).get()) != nil
        #expect(parsed == accepted, "\(name)")
    }
}
