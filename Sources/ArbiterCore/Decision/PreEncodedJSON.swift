/// JSON members encoded once (`"rule":"…","at":"…"`) that a value carries beside the fields
/// they were encoded from, so that writing the value copies them instead of escaping the same
/// text in every answer (an audit trail repeats each rule's id, source and legal basis).
///
/// A cache, not data: two caches are always equal, so a value's equality is that of its fields,
/// and it is never encoded (a decoded value has none, and is written from its fields).
struct PreEncodedJSON: Sendable, Equatable, CustomStringConvertible {
    /// Empty when there is nothing cached (the value is then written from its fields).
    let bytes: [UInt8]

    init(members pairs: [(name: String, value: String)]) {
        bytes = JSONWriter.encodedMembers(pairs)
    }

    private init() { bytes = [] }

    static let none = PreEncodedJSON()

    static func == (lhs: PreEncodedJSON, rhs: PreEncodedJSON) -> Bool { true }

    var description: String { "(cached JSON)" }
}
