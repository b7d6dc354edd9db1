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

    /// Takes the arrays of `request`, which is left with empty ones.
    mutating func reclaim(from request: inout AfterSaleRequest) {
        var oldItems: [OrderItem] = []
        swap(&oldItems, &request.order.items)
        while let item = oldItems.popLast() { attributes.append(item.attributes) }
        Self.keep(&oldItems, in: &items)
        var oldDiscounts: [Discount] = []
        swap(&oldDiscounts, &request.order.discounts)
        oldDiscounts.removeAllKeepingMemory()
        Self.keep(&oldDiscounts, in: &discounts)
        var oldLines: [RequestedLine] = []
        swap(&oldLines, &request.lines)
        oldLines.removeAllKeepingMemory()
        Self.keep(&oldLines, in: &lines)
        var oldGross: [Int64] = []
        swap(&oldGross, &request.proration.itemGross)
        oldGross.removeAllKeepingMemory()
        Self.keep(&oldGross, in: &itemGross)
        var oldPaid: [Int64] = []
        swap(&oldPaid, &request.proration.itemPaid)
        oldPaid.removeAllKeepingMemory()
        Self.keep(&oldPaid, in: &itemPaid)
        var oldAllocations: [[Int64]] = []
        swap(&oldAllocations, &request.proration.allocations)
        while let row = oldAllocations.popLast() { allocationRows.append(row) }
        Self.keep(&oldAllocations, in: &allocations)
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
            for index in values.indices { values[index] = defaults[index] }
        } else {
            values.removeAllKeepingMemory()
            for value in defaults { values.append(value) }
        }
        return values
    }

    /// An empty allocation row (a kept one when there is one).
    mutating func allocationRow() -> [Int64] {
        guard var row = allocationRows.popLast() else { return [] }
        row.removeAllKeepingMemory()
        return row
    }
}
