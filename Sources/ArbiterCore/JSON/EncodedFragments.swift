/// Pieces of compact JSON encoded once (a rule's texts for the audit trail, a computation's
/// keys) and kept in one allocation for as long as their owner lives, handed out as views.
///
/// A writer copies a view without retaining anything, where an array per piece was retained and
/// released at every use: a `full` answer copies several hundred pieces.
///
/// `@unchecked Sendable`: the bytes are written in `init`, never changed, and freed with the
/// object; a view is valid while the object is alive (its owner keeps it for good).
final class EncodedFragments: @unchecked Sendable {
    /// One view per piece given to `init`, in order (an empty piece gives an empty view).
    let views: [UnsafeRawBufferPointer]
    private let storage: UnsafeMutableRawBufferPointer

    init(_ pieces: [[UInt8]]) {
        storage = .allocate(byteCount: max(1, pieces.reduce(0) { $0 + $1.count }), alignment: 1)
        var views: [UnsafeRawBufferPointer] = []
        views.reserveCapacity(pieces.count)
        var offset = 0
        for piece in pieces {
            let view = UnsafeMutableRawBufferPointer(rebasing: storage[offset..<(offset + piece.count)])
            view.copyBytes(from: piece)
            views.append(UnsafeRawBufferPointer(view))
            offset += piece.count
        }
        self.views = views
    }

    deinit { storage.deallocate() }
}
