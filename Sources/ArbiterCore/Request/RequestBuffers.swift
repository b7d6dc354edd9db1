/// The arrays of the request a thread decided last, emptied and kept for the next request:
/// decoding, checking and prorating a request then fill arrays that already have the memory,
/// instead of allocating a dozen new ones and freeing the last request's.
///
/// Each is empty with its capacity kept (`removeAllKeepingMemory`); a buffer the decoder did
/// not get back (a request refused halfway) is simply allocated again next time. Nothing here
/// is ever read as data: a request decoded with buffers is the request decoded without them.
struct RequestBuffers {
    var items: [OrderItem] = []
    /// Items' attribute arrays, each to be reset to the policy's defaults before use.
    var attributes: [[Value]] = []
    var discountDrafts: [DiscountDraft] = []
    var lineDrafts: [LineDraft] = []
    var discounts: [Discount] = []
    var lines: [RequestedLine] = []
    var itemGross: [Int64] = []
    var itemPaid: [Int64] = []
    var allocations: [[Int64]] = []
    /// Rows of `allocations` (one per discount).
    var allocationRows: [[Int64]] = []
    /// Discounts' scopes (`Discount.appliesTo`, item indices), emptied.
    var scopes: [[Int]] = []
    /// The line ids a discount's `applies_to` names, as decoded (`DiscountDraft.appliesTo`), emptied.
    var lineLists: [[String]] = []
    /// A scoped discount's weights and shares while it is prorated (`OrderProration`).
    var scopeWeights: [Int64] = []
    var scopeShares: [Int64] = []
    /// The items' `gift_for` lines as decoded (`OrderDraft.giftLines`), and by item while
    /// they are checked (`RequestDecoder.resolve`).
    var giftLines: [(item: Int, line: String)] = []
    var giftLineOf: [String?] = []
    /// Where the decoder found each key last time (`KeyHints`); nil when there are none to keep
    /// (a one-off decode).
    var keyHints: KeyHints?

    /// Takes the arrays of `request`, which is left with empty ones.
    mutating func reclaim(from request: inout AfterSaleRequest) {
        // Items and allocation rows hand on the arrays they hold before their own are kept.
        var oldItems = Self.take(&request.order.items)
        while let item = oldItems.popLast() { attributes.append(item.attributes) }
        Self.keep(&oldItems, in: &items)
        var oldAllocations = Self.take(&request.proration.allocations)
        while let row = oldAllocations.popLast() { allocationRows.append(row) }
        Self.keep(&oldAllocations, in: &allocations)
        for index in request.order.discounts.indices {
            guard var scope = request.order.discounts[index].appliesTo.take() else { continue }
            scope.removeAllKeepingMemory()
            if scopes.count < Self.keptLists { scopes.append(scope) }
        }
        Self.reclaim(&request.order.discounts, into: &discounts)
        Self.reclaim(&request.lines, into: &lines)
        Self.reclaim(&request.proration.itemGross, into: &itemGross)
        Self.reclaim(&request.proration.itemPaid, into: &itemPaid)
    }

    /// Takes `array` (left empty), empties it and keeps it as `buffer`'s memory.
    private static func reclaim<Element>(_ array: inout [Element], into buffer: inout [Element]) {
        var old = take(&array)
        old.removeAllKeepingMemory()
        keep(&old, in: &buffer)
    }

    /// Keeps the emptied `array` as the buffer unless the buffer already has more room.
    private static func keep<Element>(_ array: inout [Element], in buffer: inout [Element]) {
        if array.capacity > buffer.capacity { swap(&array, &buffer) }
    }

    /// An empty array with this buffer's memory (the buffer is left without it).
    @inline(__always)
    static func take<Element>(_ buffer: inout [Element]) -> [Element] {
        var taken: [Element] = []
        swap(&taken, &buffer)
        return taken
    }

    /// An attributes array set to `defaults`: a kept one when there is one, else `defaults`
    /// itself (shared until an attribute is written).
    mutating func attributeValues(_ defaults: [Value]) -> [Value] {
        guard var values = attributes.popLast() else { return defaults }
        if values.count == defaults.count {
            // Through the buffers: `values[index] = …` checked the array's uniqueness per element.
            values.withUnsafeMutableBufferPointer { target in
                defaults.withUnsafeBufferPointer { source in
                    for index in source.indices { target[index] = source[index] }
                }
            }
        } else {
            values.removeAllKeepingMemory()
            for value in defaults { values.append(value) }
        }
        return values
    }

    /// At most this many scopes and line lists are kept (a request has few discounts).
    static let keptLists = 16

    /// An emptied list of line ids for a discount's `applies_to` of `count` lines (a kept
    /// one when there is one).
    mutating func lineList(holding count: Int) -> [String] {
        Self.take(from: &lineLists, holding: count)
    }

    /// Keeps a discount's `applies_to` lines, done with, for the next one.
    mutating func keep(lineList: inout [String]) {
        lineList.removeAllKeepingMemory()
        if lineLists.count < Self.keptLists { lineLists.append(lineList) }
    }

    /// An emptied scope for a discount of `count` items (a kept one when there is one).
    mutating func scope(holding count: Int) -> [Int] {
        Self.take(from: &scopes, holding: count)
    }

    /// Of the kept arrays, the smallest that holds `count` elements (else the largest), so
    /// that discounts of different sizes each find one with room.
    private static func take<Element>(from kept: inout [[Element]], holding count: Int) -> [Element] {
        guard !kept.isEmpty else { return [] }
        var best = kept.count - 1
        for index in kept.indices {
            let capacity = kept[index].capacity, bestCapacity = kept[best].capacity
            let better = bestCapacity < count
                ? capacity > bestCapacity  // none fits yet: a larger one
                : capacity >= count && capacity < bestCapacity  // a tighter fit
            if better { best = index }
        }
        kept.swapAt(best, kept.count - 1)
        return kept.removeLast()
    }

    /// An empty allocation row (a kept one when there is one).
    mutating func allocationRow() -> [Int64] {
        guard var row = allocationRows.popLast() else { return [] }
        row.removeAllKeepingMemory()
        return row
    }
}
