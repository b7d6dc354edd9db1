/// Resetting the arrays an `EvaluationState` reuses from one decision to the next.
///
/// `removeAll(keepingCapacity: true)` and `append(contentsOf: repeatElement(…))` both go through
/// the standard library's generic `replaceSubrange`, some hundreds of instructions a call, for
/// arrays that hold a handful of elements (one per item or define of a request): these do the
/// same element by element, keeping the array's memory.
extension Array {
    /// Makes the array `count` copies of `value`.
    @inline(__always)
    mutating func reset(repeating value: Element, count: Int) {
        while self.count > count { removeLast() }
        // Through one buffer: each `self[index] = value` checked the array's uniqueness again.
        withUnsafeMutableBufferPointer { elements in
            for index in elements.indices { elements[index] = value }
        }
        while self.count < count { append(value) }
    }

    /// Empties the array, keeping its memory.
    @inline(__always)
    mutating func removeAllKeepingMemory() {
        while !isEmpty { removeLast() }
    }
}
