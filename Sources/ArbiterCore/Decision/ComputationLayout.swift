/// The step name and field names of one kind of computation, with what the writers need
/// encoded once: each name's JSON key, and the order of the members in canonical JSON.
///
/// `@unchecked Sendable`: the encoded keys live in memory the layout allocates once, fills in
/// `init` and never changes; it is freed with the layout.
final class ComputationLayout: @unchecked Sendable {
    let step: String
    let names: [String]
    /// `"<name>":` for each name, as compact JSON writes it: views of `encodedKeyStorage`, so
    /// that a writer copies a key without retaining an array per key (a `full` answer writes
    /// a few hundred of them).
    let encodedKeys: [UnsafeRawBufferPointer]
    private let encodedKeyStorage: UnsafeMutableRawBufferPointer
    /// The members in canonical (UTF-8 byte) order: positions in `names`, -1 for `step`; nil
    /// when a name repeats (or is `step`), which canonical JSON cannot keep.
    let canonicalOrder: [Int]?

    init(_ step: String, _ names: [String]) {
        self.step = step
        self.names = names
        let keys = names.map { name in
            var writer = JSONWriter(pretty: false, reservingCapacity: name.utf8.count + 8)
            writer.beginObject()
            writer.key(name)
            return Array(writer.bytes.dropFirst())
        }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, keys.reduce(0) { $0 + $1.count }), alignment: 1)
        var views: [UnsafeRawBufferPointer] = []
        var offset = 0
        for key in keys {
            let view = UnsafeMutableRawBufferPointer(rebasing: storage[offset..<(offset + key.count)])
            view.copyBytes(from: key)
            views.append(UnsafeRawBufferPointer(view))
            offset += key.count
        }
        encodedKeyStorage = storage
        encodedKeys = views
        let sorted = ([(name: "step", position: -1)] + names.enumerated().map { (name: $0.element, position: $0.offset) })
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let distinct = zip(sorted, sorted.dropFirst()).allSatisfy { !$0.name.utf8.elementsEqual($1.name.utf8) }
        canonicalOrder = distinct ? sorted.map(\.position) : nil
    }

    deinit { encodedKeyStorage.deallocate() }
}
