#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the canonical JSON of a tape: byte for byte `JSONValue.canonicalBytes()` of the same
/// document (docs/interpretations.md item 13), without building the tree.
///
/// - Object members are ordered by their decoded key bytes (compared as unsigned bytes, first
///   eight at a time as one integer), and of a key written several times only the last member
///   is kept.
/// - Numbers and strings without escapes are copied from the input (a raw string span holds no
///   quote, backslash or control character, so it needs no escape); escaped strings are
///   written from their decoded bytes with the writer's minimal escapes. A member whose key
///   and scalar value are written that way with only the colon between them is copied whole.
/// - Canonical JSON is never longer than the input (whitespace and duplicates go, escapes only
///   get shorter), so the output buffer, sized to the input once, is reused without regrowth.
///
/// One writer serves one thread; its buffers are kept between documents.
final class CanonicalJSONWriter {
    /// The output and sorting buffers, kept between documents; `write` works on a copy.
    private var buffers = Emitter.Buffers()

    /// What the last `write` produced (valid until the next call), and how many writes there
    /// were: a caller can tell whether a document it handed on was written since.
    private(set) var lastOutput = UnsafeRawBufferPointer(start: nil, count: 0)
    private(set) var writes = 0

    init() {}

    deinit { buffers.deallocate() }

    /// The canonical JSON of the document `view` shows, valid until the next call.
    func write(_ view: JSONTape.View) -> UnsafeRawBufferPointer {
        buffers.trim()
        var emitter = Emitter(view: view, buffers: buffers)
        if view.count > 0 { emitter.writeValue(view.root) }
        buffers = emitter.buffers
        lastOutput = UnsafeRawBufferPointer(start: buffers.output, count: emitter.used)
        writes &+= 1
        return lastOutput
    }
}

/// The canonical writer's work for one document, in a value so that its loops touch no class
/// property.
private struct Emitter {
    /// Manually managed output and member buffers.
    struct Buffers {
        var output = UnsafeMutablePointer<UInt8>.allocate(capacity: 1024)
        var outputCapacity = 1024
        /// Members of the objects being written, innermost object's last; each object sorts
        /// its own stretch.
        var entries = UnsafeMutablePointer<Entry>.allocate(capacity: 64)
        var entryCapacity = 64
        /// The member order found last for each shape of object (`MemberOrders`).
        var orders = MemberOrders()

        func deallocate() {
            output.deallocate()
            entries.deallocate()
            orders.deallocate()
        }

        /// Lets go of buffers grown past a megabyte by an unusually large document, so that
        /// one huge line does not stay in memory for good.
        mutating func trim() {
            if outputCapacity > 1 << 20 {
                output.deallocate()
                outputCapacity = 1024
                output = .allocate(capacity: outputCapacity)
            }
            if entryCapacity > 1 << 15 {
                entries.deallocate()
                entryCapacity = 64
                entries = .allocate(capacity: entryCapacity)
            }
        }
    }

    /// One member of an object, with what sorting needs.
    struct Entry {
        /// The key's first eight bytes, big-endian, zero-padded: integer order is byte order.
        var prefix: UInt64
        var key: UnsafeRawBufferPointer
        /// Token index of the member's key (its value follows it).
        var token: Int
    }

    let view: JSONTape.View
    var buffers: Buffers
    var used = 0
    var entryCount = 0

    init(view: JSONTape.View, buffers: Buffers) {
        self.view = view
        self.buffers = buffers
    }

    mutating func writeValue(_ index: Int) {
        switch view.kind(index) {
        case .null: append("null")
        case .false: append("false")
        case .true: append("true")
        case .number: append(view.bytes(index))
        case .string: writeString(index)
        case .array:
            append(byte: UInt8(ascii: "["))
            var first = true
            for element in view.elements(of: index) {
                if !first { append(byte: UInt8(ascii: ",")) }
                first = false
                writeValue(element)
            }
            append(byte: UInt8(ascii: "]"))
        case .object:
            writeObject(index)
        }
    }

    private mutating func writeObject(_ index: Int) {
        let base = entryCount
        for (key, _) in view.members(of: index) {
            let bytes = view.bytes(key)
            appendEntry(Entry(prefix: Self.prefix(bytes), key: bytes, token: key))
        }
        let end = entryCount
        sortEntries(base..<end)
        append(byte: UInt8(ascii: "{"))
        var first = true
        var position = base
        while position < end {
            // Read afresh each time: nested objects append entries past `end` (and may move the buffer).
            let entry = buffers.entries[position]
            position += 1
            // Of a run of equal keys (in input order after sorting) the last member counts.
            if position < end, Self.compare(entry, buffers.entries[position]) == 0 { continue }
            if !first { append(byte: UInt8(ascii: ",")) }
            first = false
            // Most members (`"quantity":2`, `"line":"L1"`) are already canonical as written.
            if let member = view.compactScalarMember(entry.token) {
                append(member)
                continue
            }
            writeString(entry.token)
            append(byte: UInt8(ascii: ":"))
            writeValue(entry.token + 1)
        }
        entryCount = base
        append(byte: UInt8(ascii: "}"))
    }

    /// Sorts the entries in `range` by key bytes, then by input position (entries are
    /// appended in input order, so a stable sort keeps that order among equal keys).
    private mutating func sortEntries(_ range: Range<Int>) {
        if range.count < 2 { return }
        var entries = UnsafeMutableBufferPointer(rebasing: UnsafeMutableBufferPointer(start: buffers.entries, count: range.upperBound)[range])
        if entries.count <= MemberOrders.maximumMembers {
            sortFewEntries(entries)
        } else {
            // Large objects (any input can have them) in n log n; the token index breaks ties.
            entries.sort { left, right in
                let order = Self.compare(left, right)
                return order != 0 ? order < 0 : left.token < right.token
            }
        }
    }

    /// Sorts the few members of an object. A caller writes its objects with the same members
    /// in the same order request after request, so the order found last for an object of this
    /// shape (member count and first two keys) is tried first: it is taken when it puts the
    /// keys in strictly increasing order, which only the sorted order of distinct keys does
    /// (repeated keys never pass, and are sorted below). Otherwise an insertion sort (stable,
    /// and fastest for a few members) finds the order and remembers it.
    private mutating func sortFewEntries(_ entries: UnsafeMutableBufferPointer<Entry>) {
        let count = entries.count
        let shape = MemberOrders.Shape(count: count, first: entries[0].prefix, second: entries[1].prefix)
        let slot = buffers.orders.slot(of: shape)
        let order = buffers.orders.order(at: slot)
        if buffers.orders.shape(at: slot) == shape {
            var increasing = true
            for position in 1..<count where Self.compare(entries[Int(order[position - 1])], entries[Int(order[position])]) >= 0 {
                increasing = false
                break
            }
            if increasing {
                permute(entries, by: order)
                return
            }
        }
        for position in 0..<count { order[position] = UInt8(truncatingIfNeeded: position) }
        for position in 1..<count {
            let index = order[position]
            let entry = entries[Int(index)]
            var hole = position
            while hole > 0, Self.compare(entries[Int(order[hole - 1])], entry) > 0 {
                order[hole] = order[hole - 1]
                hole -= 1
            }
            order[hole] = index
        }
        buffers.orders.setShape(shape, at: slot)
        permute(entries, by: order)
    }

    /// Puts `entries[order[i]]` at position `i`.
    @inline(__always)
    private func permute(_ entries: UnsafeMutableBufferPointer<Entry>, by order: UnsafeMutablePointer<UInt8>) {
        let spare = buffers.orders.spare
        spare.initialize(from: entries.baseAddress!, count: entries.count)  // trivial values: nothing to deinitialize
        for position in 0..<entries.count { entries[position] = spare[Int(order[position])] }
    }

    /// Orders two keys by their bytes: negative, zero or positive.
    @inline(__always)
    static func compare(_ left: Entry, _ right: Entry) -> Int {
        if left.prefix != right.prefix { return left.prefix < right.prefix ? -1 : 1 }
        let common = min(left.key.count, right.key.count)
        if common > 8, let leftBase = left.key.baseAddress, let rightBase = right.key.baseAddress {
            let order = memcmp(leftBase + 8, rightBase + 8, common - 8)
            if order != 0 { return Int(order) }
        }
        return left.key.count - right.key.count
    }

    @inline(__always)
    static func prefix(_ key: UnsafeRawBufferPointer) -> UInt64 {
        let count = key.count
        guard let base = key.baseAddress else { return 0 }
        if count >= 8 { return UInt64(bigEndian: base.loadUnaligned(as: UInt64.self)) }
        if count >= 4 {
            // Two overlapping four-byte loads put every byte in its big-endian place.
            let head = UInt64(UInt32(bigEndian: base.loadUnaligned(as: UInt32.self))) << 32
            let tail = UInt64(UInt32(bigEndian: base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))) << UInt64(64 - 8 * count)
            return head | tail
        }
        var prefix: UInt64 = 0
        for position in 0..<count {
            prefix |= UInt64(key[position]) << UInt64(56 - 8 * position)
        }
        return prefix
    }

    @inline(__always)
    private mutating func appendEntry(_ entry: Entry) {
        if entryCount == buffers.entryCapacity {
            let larger = UnsafeMutablePointer<Entry>.allocate(capacity: buffers.entryCapacity * 2)
            larger.moveInitialize(from: buffers.entries, count: entryCount)
            buffers.entries.deallocate()
            buffers.entries = larger
            buffers.entryCapacity *= 2
        }
        (buffers.entries + entryCount).initialize(to: entry)
        entryCount += 1
    }

    // MARK: - Output

    /// A string token, quoted: raw input bytes when it had no escape, else its decoded bytes
    /// with the minimal escapes.
    private mutating func writeString(_ index: Int) {
        guard view.isDecoded(index) else {
            append(view.quotedInputBytes(index))
            return
        }
        append(byte: UInt8(ascii: "\""))
        appendEscaped(view.bytes(index))
        append(byte: UInt8(ascii: "\""))
    }

    /// The decoded bytes with `JSONWriter`'s escapes (`JSONStringEscaping`).
    private mutating func appendEscaped(_ bytes: UnsafeRawBufferPointer) {
        var runStart = 0
        for (position, b) in bytes.enumerated() where JSONStringEscaping.mustEscape(b) {
            append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<position]))
            runStart = position + 1
            JSONStringEscaping.escape(b) { append(byte: $0) }
        }
        append(UnsafeRawBufferPointer(rebasing: bytes[runStart...]))
    }

    @inline(__always)
    private mutating func append(byte: UInt8) {
        if used == buffers.outputCapacity { grow(to: used + 1) }
        buffers.output[used] = byte
        used += 1
    }

    /// Appends `bytes`; the short runs most tokens are (keys, values, numbers) are copied with
    /// overlapping word moves rather than a `memcpy` call (`JSONWriter.copy`).
    @inline(__always)
    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        let length = bytes.count
        if used + length > buffers.outputCapacity { grow(to: used + length) }
        JSONWriter.copy(source, to: buffers.output + used, count: length)
        used += length
    }

    @inline(__always)
    private mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Makes room for `needed` bytes in all. Canonical JSON is never longer than its input, so
    /// once the buffer has grown to the longest line this never runs.
    @inline(never)
    private mutating func grow(to needed: Int) {
        let capacity = max(needed, buffers.outputCapacity * 2)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        larger.update(from: buffers.output, count: used)
        buffers.output.deallocate()
        buffers.output = larger
        buffers.outputCapacity = capacity
    }
}

/// The member orders the canonical writer found for recent shapes of object, in a small table
/// indexed by a hash of the shape (member count and the first eight bytes of the first two
/// keys in input order): a request's items, discounts and lines share a shape, and a caller's
/// next request has the same shapes again. A slot holds one shape; another shape hashing to it
/// replaces it. What a slot says is only ever a guess that `sortFewEntries` checks.
private struct MemberOrders {
    /// Objects with more members are sorted without the table (`UInt8` positions suffice).
    static let maximumMembers = 32
    static let slots = 64

    struct Shape: Equatable {
        var count: Int
        var first: UInt64
        var second: UInt64
    }

    private let shapes = UnsafeMutablePointer<Shape>.allocate(capacity: slots)
    private let orders = UnsafeMutablePointer<UInt8>.allocate(capacity: slots * maximumMembers)
    /// Room to copy one object's entries while they are permuted.
    let spare = UnsafeMutablePointer<Emitter.Entry>.allocate(capacity: maximumMembers)

    init() {
        shapes.initialize(repeating: Shape(count: 0, first: 0, second: 0), count: Self.slots)
        orders.initialize(repeating: 0, count: Self.slots * Self.maximumMembers)
    }

    func deallocate() {
        shapes.deallocate()
        orders.deallocate()
        spare.deallocate()
    }

    @inline(__always)
    func slot(of shape: Shape) -> Int {
        var hash = shape.first &* 0x9E37_79B9_7F4A_7C15
        hash ^= (shape.second &+ UInt64(shape.count)) &* 0xC2B2_AE3D_27D4_EB4F
        return Int(truncatingIfNeeded: hash >> 58)  // the top six bits: 0..<64
    }

    @inline(__always)
    func shape(at slot: Int) -> Shape { shapes[slot] }

    @inline(__always)
    func setShape(_ shape: Shape, at slot: Int) { shapes[slot] = shape }

    /// The slot's order: positions in input order, sorted.
    @inline(__always)
    func order(at slot: Int) -> UnsafeMutablePointer<UInt8> { orders + slot * Self.maximumMembers }
}
