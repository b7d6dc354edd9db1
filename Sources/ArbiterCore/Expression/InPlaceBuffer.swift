/// A growable run of values that are built where they are stored: the audit trail's hot
/// appends (a condition step per sub-condition, a trace entry per rule considered, about a
/// hundred per `full` decision).
///
/// `Array.append` of a struct with reference-counted fields (a `ConditionStep`'s values, a
/// `TraceEntry`'s rule, line and effects) compiles to a copy of the new element into the
/// array and a destroy of the original — every string and list in it retained and released
/// once more — some 27,000 instructions per `full` decision (callgrind). So does
/// `pointer.initialize(to: Element(…))`: the element's type writes it field by field into
/// `nextSlot()` (`ConditionStep.initialize`, `TraceEntry.initialize`), and `moveToArray` hands
/// the whole run to one array without copying.
///
/// One owner on one thread (a decision's `RuleRun`, an expression's `StepTrace`): the
/// exclusivity checks a class's stored properties would get at run time are off.
final class InPlaceBuffer<Element> {
    @exclusivity(unchecked) private var base: UnsafeMutablePointer<Element>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// The memory of a new last element, which the caller must initialize at once.
    @inline(__always)
    func nextSlot() -> UnsafeMutablePointer<Element> {
        if count == capacity { grow() }
        count += 1
        return base + (count - 1)
    }

    /// Changes element `index` (< `count`) in place.
    @inline(__always)
    func modify<Result>(_ index: Int, _ body: (inout Element) throws -> Result) rethrows -> Result {
        precondition(index >= 0 && index < count, "InPlaceBuffer index out of range")
        return try body(&base[index])
    }

    /// Calls `body` with elements `range` (within `0..<count`) read in place, not copied.
    @inline(__always)
    func withElements<Result>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<Element>) -> Result) -> Result {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "InPlaceBuffer range out of bounds")
        return body(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    /// Every element, moved into a new array in order; the buffer is left empty, its memory kept.
    func moveToArray() -> [Element] {
        let moved = count
        count = 0
        return [Element](unsafeUninitializedCapacity: moved) { buffer, initialized in
            if let destination = buffer.baseAddress, moved > 0 { destination.moveInitialize(from: base, count: moved) }
            initialized = moved
        }
    }

    /// Hands every element, in order, to `body` as its own (moved out, not copied); the buffer
    /// is left empty, its memory kept.
    @inline(__always)
    func moveOut(_ body: (_ index: Int, _ element: consuming Element) -> Void) {
        let moved = count
        count = 0
        for index in 0..<moved { body(index, (base + index).move()) }
    }

    /// Destroys every element; the buffer keeps its memory.
    func removeAll() {
        base.deinitialize(count: count)
        count = 0
    }

    @inline(never)
    private func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }
}
