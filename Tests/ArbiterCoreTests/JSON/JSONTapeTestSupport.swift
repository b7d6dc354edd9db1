import Testing
@testable import ArbiterCore

/// Helpers for the tape's differential tests: reading bytes the tape's way and the reader's
/// way, and writing one value as many different texts.
enum JSONTapeTestSupport {
    /// The `JSONValue` the tokens from `index` on describe (using every reading accessor, and
    /// checking that containers' element counts agree with their contents).
    static func tree(_ tape: JSONTape.View, _ index: Int) -> JSONValue {
        switch tape.kind(index) {
        case .null: return .null
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .number: return .number(tape.string(index))
        case .string: return .string(tape.string(index))
        case .array:
            let elements = tape.elements(of: index).map { tree(tape, $0) }
            #expect(elements.count == tape.elementCount(index), "array element count")
            return .array(elements)
        case .object:
            let members = tape.members(of: index).map { JSONMember(key: tape.string($0.key), value: tree(tape, $0.value)) }
            #expect(members.count == tape.elementCount(index), "object member count")
            return .object(members)
        }
    }

    /// Compact bytes of a value: equal bytes mean equal values, string normalisation included.
    static func bytes(_ value: JSONValue) -> [UInt8] { JSONTestSupport.compactBytes(value) }
}

/// A small seeded generator (SplitMix64), so that generated cases are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes a value as JSON text that means the same but is spelled differently: whitespace
/// between tokens, and characters of strings and keys written as escapes (`\uXXXX`, surrogate
/// pairs, `\/`, upper- or lowercase hex) where the plain writer would write them raw.
struct ScrambledJSONWriter<Random: RandomNumberGenerator> {
    var random: Random
    /// How often (in 1/100) a character that needs no escape is escaped anyway.
    var escapePercent: Int
    var bytes: [UInt8] = []

    init(random: Random, escapePercent: Int = 20) {
        self.random = random
        self.escapePercent = escapePercent
    }

    mutating func write(_ value: JSONValue) {
        space()
        switch value {
        case .null: bytes += Array("null".utf8)
        case .bool(let flag): bytes += Array((flag ? "true" : "false").utf8)
        case .number(let literal): bytes += Array(literal.utf8)
        case .string(let text): string(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { space(); bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            space()
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { space(); bytes.append(UInt8(ascii: ",")) }
                space()
                string(member.key)
                space()
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            space()
            bytes.append(UInt8(ascii: "}"))
        }
        space()
    }

    private mutating func space() {
        let choices: [UInt8] = [0x20, 0x09, 0x0A, 0x0D]
        for _ in 0..<Int.random(in: 0...3, using: &random) where Int.random(in: 0..<3, using: &random) == 0 {
            bytes.append(choices[Int.random(in: 0..<choices.count, using: &random)])
        }
    }

    private mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            if !mustEscape, Int.random(in: 0..<100, using: &random) >= escapePercent {
                bytes += Array(String(scalar).utf8)
                continue
            }
            let short: [Unicode.Scalar: String] = ["\"": "\\\"", "\\": "\\\\", "/": "\\/", "\u{8}": "\\b", "\u{C}": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"]
            if let escape = short[scalar], Bool.random(using: &random) {
                bytes += Array(escape.utf8)
            } else if scalar.value >= 0x10000 {
                let value = scalar.value - 0x10000
                unicodeEscape(UInt16(0xD800 + (value >> 10)))
                unicodeEscape(UInt16(0xDC00 + (value & 0x3FF)))
            } else {
                unicodeEscape(UInt16(scalar.value))
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func unicodeEscape(_ unit: UInt16) {
        let hex = Bool.random(using: &random) ? "0123456789abcdef" : "0123456789ABCDEF"
        let digits = Array(hex.utf8)
        bytes += Array("\\u".utf8)
        for shift in stride(from: 12, through: 0, by: -4) { bytes.append(digits[Int(unit >> UInt16(shift) & 0xF)]) }
    }
}
