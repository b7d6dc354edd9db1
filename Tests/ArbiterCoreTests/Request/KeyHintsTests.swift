import Testing
@testable import ArbiterCore

/// The decoder tries first the table entry a key had at the same member position in the last
/// object of its kind (`KeyHints`). A hint is a guess and must never change what a key matches:
/// any hint — empty, right, wrong, stale from another table, out of range, pointing at a name
/// repeated later in the table, or at a long name that shares the lookup's signature — gives
/// the lookup's own answer. (`ReusedBuffersTests` holds whole answers to the same: a decider
/// whose hints were learnt on other shapes of request answers as a fresh one.)
@Suite struct KeyHintsTests {
    /// Names chosen to stress the check: a repeated name (the first one wins), two long names
    /// with the same length, first and last eight bytes (the same signature), short names.
    static let table = KeyTable<Int>([
        ("id", 0), ("kind", 1), ("order", 2), ("kind", 3),
        ("promised_X_delivery_by", 4), ("promised_Y_delivery_by", 5), ("placed_at", 6), ("k", 7),
    ])

    static let document = #"""
    {"id":1,"kind":2,"order":3,"promised_X_delivery_by":4,"promised_Y_delivery_by":5,"placed_at":6,"k":7,
     "unknown":8,"promised_Z_delivery_by":9,"ki\u006ed":10,"":11,"kinds":12,"placed_a":13}
    """#

    @Test func everyHintGivesTheLookupsAnswer() throws {
        let tape = JSONTape()
        let bytes = Array(Self.document.utf8)
        try bytes.withUnsafeBytes { buffer in
            let view = try tape.parse(buffer)
            var checked = 0
            for (key, _) in view.members(of: view.root) {
                let expected = Self.table.match(view, key)
                for guess in [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 40, Int(Int16.max), Int(Int16.min)] {
                    var hint = Int16(truncatingIfNeeded: guess)
                    let actual = withUnsafeMutablePointer(to: &hint) { Self.table.match(view, key, hint: $0) }
                    #expect(actual == expected, "key \(view.string(key)) with hint \(guess): \(String(describing: actual)), lookup \(String(describing: expected))")
                    // A hint is only ever set to the entry the lookup found.
                    if let expected, hint != Int16(truncatingIfNeeded: guess) { #expect(Int(hint) == expected) }
                    checked += 1
                }
            }
            #expect(checked == 13 * 13)
        }
        // The repeated name answers with its first entry, whatever the hint says.
        #expect(Self.table.matchString("kind") == 1)
    }

    @Test func noHintsIsTheLookup() throws {
        let tape = JSONTape()
        try Array(Self.document.utf8).withUnsafeBytes { buffer in
            let view = try tape.parse(buffer)
            for (key, _) in view.members(of: view.root) {
                #expect(Self.table.match(view, key, hint: nil) == Self.table.match(view, key))
            }
        }
    }

    @Test func hintsArePerSiteAndPosition() {
        let hints = KeyHints()
        let first = KeyHints.hint(in: hints.slots, .item, position: 0)
        let other = KeyHints.hint(in: hints.slots, .line, position: 0)
        #expect(first != nil && other != nil && first != other)
        #expect(KeyHints.hint(in: hints.slots, .item, position: KeyHints.positions) == nil, "no hint past the last position")
        #expect(KeyHints.hint(in: nil, .item, position: 0) == nil, "no hints kept, none given")
        #expect(first?.pointee == -1, "hints start empty")
    }
}
