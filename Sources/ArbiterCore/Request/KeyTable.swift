#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of names (field names of a request object, enum raw values, declared
/// attributes), matched against strings of a `JSONTape` without making a `String`.
///
/// Matching is `String` equality, as the tree decoder's `switch` and `==` do: a plain ASCII
/// string (no escapes, no bytes over 0x7F) is compared by its bytes, which for ASCII is the
/// same thing; any other string, or any string when the table holds a non-ASCII name, is
/// compared as a `String` (canonical equivalence: U+212A KELVIN SIGN equals "K"). The first
/// matching name wins, like `firstIndex(where:)`.
///
/// Byte lookups go through a small open-addressing hash table keyed by the name's length and
/// its first and last eight bytes, so a key costs one hash and usually one comparison.
struct KeyTable<Value: Sendable>: Sendable {
    private let names: [String]
    /// How many names the table holds.
    var count: Int { names.count }
    private let values: [Value]
    private let utf8: [[UInt8]]
    /// Hash slots holding an index into `names` plus one (0 is an empty slot).
    private let slots: [Int]
    /// What each name hashes from, to rule out a slot's name with two integer comparisons.
    private let signatures: [Signature]
    private let allASCII: Bool
    /// `signatures`, with the entries no lookup returns (a name repeated later in the table)
    /// given an impossible length: what a hint (`KeyHints`) is checked against.
    private let hintSignatures: [Signature]

    /// A name's length and its first and last (up to) eight bytes, little-endian.
    private struct Signature: Equatable {
        var length: Int
        var head: UInt64
        var tail: UInt64
    }

    init(_ pairs: [(String, Value)]) {
        names = pairs.map(\.0)
        values = pairs.map(\.1)
        utf8 = names.map { Array($0.utf8) }
        signatures = utf8.map { bytes in bytes.withUnsafeBytes { Self.signature($0) } }
        allASCII = utf8.allSatisfy { $0.allSatisfy { $0 < 0x80 } }
        // At most half full, so that probe runs stay short.
        var size = 8
        while size < 2 * max(1, names.count) { size *= 2 }
        var slots = [Int](repeating: 0, count: size)
        var hintSignatures = signatures
        for index in names.indices {
            // A repeated name is never reached by lookups (the first one wins): leave it out.
            if utf8[..<index].contains(utf8[index]) {
                hintSignatures[index].length = -1
                continue
            }
            var slot = Self.hash(signatures[index], size: size)
            while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = index + 1
        }
        self.slots = slots
        self.hintSignatures = hintSignatures
    }

    /// The value of the first name equal to the string at `index` of `tape`, or nil.
    @inline(__always)
    func match(_ tape: JSONTape.View, _ index: Int) -> Value? {
        guard allASCII, tape.isPlainASCII(index) else { return matchString(tape.string(index)) }
        let key = tape.bytes(index)
        return lookup(key, Self.signature(key, leadingWord: key.count < 8 ? tape.leadingWord(index) : nil)).map { values[$0] }
    }

    /// `match(tape, index)`, trying first the entry `hint` names and setting it to the entry a
    /// lookup finds (`KeyHints`): the same value for any hint, nil or stale.
    @inline(__always)
    func match(_ tape: JSONTape.View, _ index: Int, hint: UnsafeMutablePointer<Int16>?) -> Value? {
        guard let hint, allASCII, tape.isPlainASCII(index) else { return match(tape, index) }
        let key = tape.bytes(index)
        let signature = Self.signature(key, leadingWord: key.count < 8 ? tape.leadingWord(index) : nil)
        let guess = Int(hint.pointee)
        if guess >= 0, guess < hintSignatures.count, hintSignatures[guess] == signature,
           key.count <= 16 || equalBytes(utf8[guess], key) {
            return values[guess]
        }
        guard let entry = lookup(key, signature) else { return nil }
        hint.pointee = Int16(truncatingIfNeeded: entry)
        return values[entry]
    }

    /// The entry of the first name with these bytes, found through the hash slots, or nil.
    @inline(__always)
    private func lookup(_ key: UnsafeRawBufferPointer, _ signature: Signature) -> Int? {
        var slot = Self.hash(signature, size: slots.count)
        while true {
            let entry = slots[slot] - 1
            if entry < 0 { return nil }
            if signatures[entry] == signature, key.count <= 16 || equalBytes(utf8[entry], key) { return entry }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    /// The value of the first name equal to `text`, or nil.
    func matchString(_ text: String) -> Value? {
        names.firstIndex(of: text).map { values[$0] }
    }

    private func equalBytes(_ name: [UInt8], _ key: UnsafeRawBufferPointer) -> Bool {
        name.withUnsafeBytes { name -> Bool in
            guard let nameBase = name.baseAddress, let keyBase = key.baseAddress else { return name.count == key.count }
            return name.count == key.count && memcmp(nameBase, keyBase, key.count) == 0
        }
    }

    /// The length, first and last eight bytes: for names of up to 16 bytes, equal signatures
    /// mean equal names.
    /// `leadingWord` is the key's bytes as one zero-padded word when the tape could read them
    /// with one load (a key under eight bytes): then no byte is read one at a time.
    @inline(__always)
    private static func signature(_ bytes: UnsafeRawBufferPointer, leadingWord: UInt64? = nil) -> Signature {
        let count = bytes.count
        if let leadingWord { return Signature(length: count, head: leadingWord, tail: 0) }
        var head: UInt64 = 0
        var tail: UInt64 = 0
        if count >= 8, let base = bytes.baseAddress {
            head = base.loadUnaligned(as: UInt64.self)
            tail = base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else {
            for position in 0..<count { head |= UInt64(bytes[position]) << UInt64(8 * position) }
        }
        return Signature(length: count, head: head, tail: tail)
    }

    @inline(__always)
    private static func hash(_ signature: Signature, size: Int) -> Int {
        let mixed = (signature.head ^ (signature.tail &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(signature.length)) &* 0xFF51_AFD7_ED55_8CCD
        return Int(truncatingIfNeeded: mixed >> 40) & (size - 1)
    }
}

extension KeyTable where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// A table of an enumeration's raw values.
    init(_: Value.Type) {
        self.init(Value.allCases.map { ($0.rawValue, $0) })
    }
}
