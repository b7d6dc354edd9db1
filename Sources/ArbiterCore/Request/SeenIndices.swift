/// The item indices a list has named so far, to refuse one named twice (a line requested twice,
/// a discount's `applies_to` naming a line twice): one bit per index in a word for orders of up
/// to 64 items, so the check allocates nothing, and an array of flags for larger orders.
struct SeenIndices {
    private var bits: UInt64 = 0
    /// The flags of a larger order, in a class: with an array held here, the optimizer made it
    /// unique before the caller's loop (hoisted out of the loop, whichever branch `insert` would
    /// take), which allocated a new empty array for every request with a usual order.
    private let flags: Flags?

    private final class Flags {
        var seen: [Bool]
        init(count: Int) { seen = Array(repeating: false, count: count) }
    }

    /// Room for the indices `0..<count`.
    init(count: Int) {
        flags = count > 64 ? Flags(count: count) : nil
    }

    /// Marks `index` as named; false when it was named already.
    mutating func insert(_ index: Int) -> Bool {
        guard let flags else {
            let mask: UInt64 = 1 << UInt64(index)
            guard bits & mask == 0 else { return false }
            bits |= mask
            return true
        }
        guard !flags.seen[index] else { return false }
        flags.seen[index] = true
        return true
    }
}
