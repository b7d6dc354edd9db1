/// The item indices a list has named so far, to refuse one named twice (a line requested twice,
/// a discount's `applies_to` naming a line twice): one bit per index in a word for orders of up
/// to 64 items, so the check allocates nothing, and an array of flags for larger orders.
struct SeenIndices {
    private var bits: UInt64 = 0
    private var flags: [Bool]

    /// Room for the indices `0..<count`.
    init(count: Int) {
        flags = count > 64 ? Array(repeating: false, count: count) : []
    }

    /// Marks `index` as named; false when it was named already.
    mutating func insert(_ index: Int) -> Bool {
        if flags.isEmpty {
            let mask: UInt64 = 1 << UInt64(index)
            guard bits & mask == 0 else { return false }
            bits |= mask
            return true
        }
        guard !flags[index] else { return false }
        flags[index] = true
        return true
    }
}
