/// A `JSONValue` read into a tape directly: the tokens `parse` gives for the tree's compact
/// text, without writing the text out and scanning it again (`Decider.decide(json:)`,
/// fixtures and logged requests in `replay`).
///
/// Every string and number goes to the arena (flagged `decoded`: there is no input text), so
/// readers take them from there, and the canonical writer escapes strings as it does escaped
/// input. A tree the text path would refuse or read differently is not loaded (`load` returns
/// nil) and the caller goes through the text, which reports it exactly as for a line: a number
/// literal outside JSON's grammar (a `JSONValue` built in code can hold one), or nesting as
/// deep as `JSONReader.maximumDepth`.
extension JSONTape {
    /// The document `value` is, or nil (see above). The view is valid until the tape is used again.
    func load(_ value: JSONValue) -> View? {
        var building = storage
        defer { storage = building }
        building.resetForTree()
        guard Self.append(value, depth: 1, to: &building) else {
            building.count = 0
            return nil
        }
        return View(building)
    }

    private static func append(_ value: JSONValue, depth: Int, to tape: inout Storage) -> Bool {
        switch value {
        case .null: tape.append(.null, start: 0)
        case .bool(let flag): tape.append(flag ? .true : .false, start: 0)
        case .number(let literal):
            var text = literal
            let valid = text.withUTF8 { bytes -> Bool in
                guard isNumberLiteral(bytes) else { return false }
                tape.appendArenaToken(.number, bytes, flags: [])
                return true
            }
            return valid
        case .string(let string):
            var text = string
            text.withUTF8 { bytes in
                var nonASCII = false
                for byte in bytes where byte >= 0x80 {
                    nonASCII = true
                    break
                }
                tape.appendArenaToken(.string, bytes, flags: nonASCII ? .nonASCII : .treeASCII)
            }
        case .array(let elements):
            guard depth < JSONReader.maximumDepth else { return false }
            let token = tape.append(.array, start: 0, length: elements.count)
            for element in elements {
                guard append(element, depth: depth + 1, to: &tape) else { return false }
            }
            tape.tokens[token].end = UInt32(truncatingIfNeeded: tape.count)
        case .object(let members):
            guard depth < JSONReader.maximumDepth else { return false }
            let token = tape.append(.object, start: 0, length: members.count)
            for member in members {
                guard append(.string(member.key), depth: depth, to: &tape), append(member.value, depth: depth + 1, to: &tape) else { return false }
            }
            tape.tokens[token].end = UInt32(truncatingIfNeeded: tape.count)
        }
        return true
    }

    /// RFC 8259's number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isNumberLiteral(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var at = 0
        func digits() -> Int {
            let start = at
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") { at += 1 }
            return at - start
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        guard at < bytes.count else { return false }
        if bytes[at] == UInt8(ascii: "0") {
            at += 1
        } else if digits() == 0 {
            return false
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard digits() > 0 else { return false }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digits() > 0 else { return false }
        }
        return at == bytes.count
    }
}

extension JSONTape.Storage {
    /// Forgets the previous document, for one read from a tree (no input text).
    mutating func resetForTree() {
        forgetDocument(input: nil)
        if arenaCapacity > Self.retainedArenaBytes {
            arena.deallocate()
            arenaCapacity = 256
            arena = .allocate(capacity: arenaCapacity)
        }
    }

    /// Appends a string or number token whose bytes are copied to the arena (growing it).
    mutating func appendArenaToken(_ kind: JSONTape.Kind, _ bytes: UnsafeBufferPointer<UInt8>, flags: JSONTape.Flags) {
        if arenaCount + bytes.count > arenaCapacity {
            let capacity = max(arenaCapacity * 2, arenaCount + bytes.count)
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            larger.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = larger
            arenaCapacity = capacity
        }
        let start = arenaCount
        if let source = bytes.baseAddress, bytes.count > 0 { (arena + start).update(from: source, count: bytes.count) }
        arenaCount += bytes.count
        append(kind, start: start, length: bytes.count, flags: flags.union(.decoded))
    }
}
