/// How the audit trail names a value the engine computed for a rule: a name, and for an
/// element or a line the words that join it on (`offer REPAIR_OR_EXCHANGE_OFFER for line L1`,
/// `adjust THRESHOLD_CLAWBACK for C1 when`).
///
/// The parts are written one after the other where the name is recorded — into the
/// computations' text (`ComputationLog.append(name:)`) — and joined into one `String` only for
/// an error's message: a `full` trail names several values per decision, most of them longer
/// than a small string holds, and each joined name was an allocation.
struct ValueName: ExpressibleByStringLiteral {
    let name: String
    let joiner: StaticString
    let element: String
    let ending: StaticString

    init(_ name: String, _ joiner: StaticString = "", _ element: String = "", ending: StaticString = "") {
        self.name = name
        self.joiner = joiner
        self.element = element
        self.ending = ending
    }

    init(stringLiteral name: String) {
        self.init(name)
    }

    /// The whole name as one string (for messages).
    var text: String {
        var parts = ""
        withParts { parts += String(decoding: $0, as: UTF8.self) }
        return parts
    }

    /// Calls `body` with the UTF-8 bytes of each part that has any, in order.
    func withParts(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var name = name
        name.withUTF8(body)
        if joiner.utf8CodeUnitCount > 0 { body(UnsafeBufferPointer(start: joiner.utf8Start, count: joiner.utf8CodeUnitCount)) }
        if !element.isEmpty {
            var element = element
            element.withUTF8(body)
        }
        if ending.utf8CodeUnitCount > 0 { body(UnsafeBufferPointer(start: ending.utf8Start, count: ending.utf8CodeUnitCount)) }
    }
}
