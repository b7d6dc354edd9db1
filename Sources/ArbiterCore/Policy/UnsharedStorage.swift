/// Copies in storage of their own, for what each thread's copy of a policy holds.
///
/// A copied `String` or `Array` shares its buffer with the original, and every retain and release
/// of either writes that buffer's reference count: held by two threads' copies of a policy and
/// read on every decision, one buffer bounces between the cores (`bench/shared_objects.sh`).
extension String {
    /// The same text in a buffer of its own (a short string, stored inline, has none to share).
    func unsharedCopy() -> String { String(decoding: Array(utf8), as: UTF8.self) }
}

extension Array {
    /// The same elements in a buffer of their own.
    func unsharedCopy() -> [Element] { withUnsafeBufferPointer { Array($0) } }
}
