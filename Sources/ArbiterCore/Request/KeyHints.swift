/// Where each member's key was found in its `KeyTable` the last time an object of the same
/// kind was decoded on this thread, by member position: a caller writes its requests with the
/// same keys in the same order, so the table entry at that position is tried first and the
/// hash lookup is skipped (some 25 instructions per member, 60-odd members per request).
///
/// A hint is only ever a guess: `KeyTable.match(_:_:hint:)` takes it only when the entry's
/// signature equals the key's (the comparison the lookup itself ends with) and the entry is the
/// one the lookup would return, so a decision never depends on what was decoded before.
/// One set of hints serves one thread (it lives in that thread's `RequestScratch`).
final class KeyHints {
    /// The kinds of object a request has, each with its own row of hints.
    enum Site: Int, CaseIterable {
        case top, order, item, discount, payment, line, customer, evidence, attributes, facts
    }

    /// Objects with more members than this have no hints past it.
    static let positions = 32

    /// `positions` hints per site, site after site: -1 or an entry of the site's table.
    let slots: UnsafeMutablePointer<Int16>

    init() {
        let count = Site.allCases.count * Self.positions
        slots = .allocate(capacity: count)
        slots.initialize(repeating: -1, count: count)
    }

    deinit { slots.deallocate() }

    /// The hint for the member at `position` of an object of kind `site` among `slots` (taken
    /// out of the object once per request, so that no member retains it), or nil past `positions`.
    @inline(__always)
    static func hint(in slots: UnsafeMutablePointer<Int16>?, _ site: Site, position: Int) -> UnsafeMutablePointer<Int16>? {
        guard let slots, position < Self.positions else { return nil }
        return slots + site.rawValue * Self.positions + position
    }
}
