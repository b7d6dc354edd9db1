/// Pieces of compact JSON encoded once (a rule's texts for the audit trail, a computation's
/// keys) and kept in one allocation for as long as their owner lives.
///
/// A writer is handed a piece as an `EncodedJSON` made from the owner's `let` of this object
/// and an index, which Swift passes on without retaining anything, where an array per piece
/// was retained and released at every use: a `full` answer copies several hundred pieces.
///
/// `@unchecked Sendable`: the bytes are written in `init`, never changed, and freed with the
/// object.
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

    /// `"<name>":` for each name, as compact JSON writes a member's key.
    convenience init(keys names: [String]) {
        self.init(names.map { name in
            var writer = JSONWriter(pretty: false, reservingCapacity: name.utf8.count + 8)
            writer.beginObject()
            writer.key(name)
            return Array(writer.bytes.dropFirst())
        })
    }

    deinit { storage.deallocate() }
}

/// A piece of compact JSON the engine encoded once — a rule's `"expr":"…"`, a computation's
/// `"formula":` — as a `JSONOutput` is handed it while an answer is written. It keeps its
/// storage alive: `bytes` is always safe to read, whenever it is read.
public struct EncodedJSON {
    let fragments: EncodedFragments
    let index: Int

    init(_ fragments: EncodedFragments, _ index: Int) {
        self.fragments = fragments
        self.index = index
    }

    /// The encoded bytes, valid while `fragments` is alive (as long as this value).
    var view: UnsafeRawBufferPointer { fragments.views[index] }

    /// A copy of the encoded bytes.
    public var bytes: [UInt8] { Array(view) }
}
