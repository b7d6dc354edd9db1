import Testing
@testable import ArbiterCore

/// The byte-level fast paths for money and timestamps against the reference parsers: a fast
/// path that answers gives the reference's value (offset included), and it does answer for
/// the shapes requests use, so the tape decoder really takes it.
@Suite struct ByteScalarsTests {
    static func fastMoney(_ text: String, _ fractionDigits: Int) -> Int64? {
        Array(text.utf8).withUnsafeBytes { ByteScalars.minorUnits($0, fractionDigits: fractionDigits) }
    }

    static func fastTimestamp(_ text: String) -> Timestamp? {
        Array(text.utf8).withUnsafeBytes { ByteScalars.timestamp($0) }
    }

    static func checkMoney(_ text: String) {
        for digits in [0, 2] {
            guard let fast = fastMoney(text, digits) else { continue }
            let reference = try? Money.parseMinorUnits(text, fractionDigits: digits)
            #expect(fast == reference, "'\(text)' with \(digits) fraction digits")
        }
    }

    static func checkTimestamp(_ text: String) {
        guard let fast = fastTimestamp(text) else { return }
        let reference = try? Timestamp.parse(text)
        #expect(fast == reference && fast.offsetSeconds == reference?.offsetSeconds && fast.nanoseconds == reference?.nanoseconds, "'\(text)'")
    }

    @Test func moneyShapesOfRequestsTakeTheFastPath() {
        #expect(Self.fastMoney("199.00", 2) == 19_900)
        #expect(Self.fastMoney("5", 2) == 500)
        #expect(Self.fastMoney("0.1", 2) == 10)
        #expect(Self.fastMoney("1000000000000.00", 2) == 100_000_000_000_000)
        #expect(Self.fastMoney("500", 0) == 500)
    }

    @Test(arguments: [
        "", ".", "1.", ".5", "-3", "+3", "1e3", "NaN", "1.005", "1.5", "1.50", "0", "00", "007.10", "1..0", "1.0.0", " 1", "1 ",
        "9999999999999.99", "10000000000000.00", "10000000000000.01", "1000000000000000", "1000000000000001", "9999999999999999",
        "99999999999999999", "12345678901234567890", "1.x", "x.1", "٣", "1٣",
    ])
    func moneyAgreesWithTheReference(text: String) {
        Self.checkMoney(text)
    }

    @Test func timestampShapesOfRequestsTakeTheFastPath() {
        #expect(Self.fastTimestamp("2026-11-05T10:00:00+08:00") != nil)
        #expect(Self.fastTimestamp("2026-11-05T10:00:00Z") != nil)
        #expect(Self.fastTimestamp("2026-11-05t10:00:00z") != nil)
        #expect(Self.fastTimestamp("2026-11-05T10:00:00-05:30") != nil)
    }

    @Test(arguments: [
        "2026-11-05T10:00:00+08:00", "2026-11-05T10:00:00Z", "2026-11-05T10:00:00-00:00", "2026-11-05T10:00:00+23:59",
        "2026-11-05T10:00:00+24:00", "2026-11-05T10:00:00+08:60", "2026-11-05T10:00:00.5Z", "2026-11-05T10:00:00.1234Z",
        "2016-12-31T23:59:60Z", "2016-12-31T23:59:60+08:00", "2024-02-29T00:00:00Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-31T24:00:00Z", "2026-01-31T23:60:00Z", "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59+08:00", "2026-11-05 10:00:00+08:00", "2026-11-05T10:00:00+0800", "2026-11-05T10:00:00+08:00 ",
        "2026-11-05", "yesterday", "2026-11-05T10:00:00", "2026/11/05T10:00:00Z", "2026-11-05T10-00-00Z", "2026-11-05T10:00:00X",
        "2026-11-05T10:00:00*08:00", "2026-11-05T10:00:00+08-00", "２026-11-05T10:00:00Z",
    ])
    func timestampsAgreeWithTheReference(text: String) {
        Self.checkTimestamp(text)
    }

    /// Random strings near the two shapes: every fast answer is the reference's answer.
    @Test func randomNearMisses() {
        var random = SplitMix64(seed: 3)
        let moneyAlphabet = Array("0123456789.-e ".utf8)
        let timestampBase = Array("2026-11-05T10:00:00+08:00".utf8)
        let timestampAlphabet = Array("0123456789-:+TtZz. ".utf8)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...20, using: &random)
            let money = (0..<length).map { _ in moneyAlphabet[Int.random(in: 0..<moneyAlphabet.count, using: &random)] }
            Self.checkMoney(String(decoding: money, as: UTF8.self))
            var timestamp = timestampBase
            for _ in 0..<Int.random(in: 0...2, using: &random) {
                let position = Int.random(in: 0..<timestamp.count, using: &random)
                timestamp[position] = timestampAlphabet[Int.random(in: 0..<timestampAlphabet.count, using: &random)]
            }
            if Bool.random(using: &random) { timestamp.removeLast(6); timestamp.append(UInt8(ascii: "Z")) }
            Self.checkTimestamp(String(decoding: timestamp, as: UTF8.self))
        }
    }

    /// Any byte at any position of the two shapes (the fast path checks eight bytes at a time):
    /// a fast answer is the reference's, and a byte that is not the shape's is refused.
    @Test func anyByteAnywhere() {
        for base in ["2026-11-05T10:00:00+08:00", "1999-02-28T23:59:59Z", "0001-01-01T00:00:00-23:59"] {
            let bytes = Array(base.utf8)
            for position in bytes.indices {
                for byte in UInt8.min...UInt8.max {
                    var changed = bytes
                    changed[position] = byte
                    let fast = changed.withUnsafeBytes { ByteScalars.timestamp($0) }
                    guard let fast else { continue }
                    let reference = try? Timestamp.parse(String(decoding: changed, as: UTF8.self))
                    #expect(fast == reference && fast.offsetSeconds == reference?.offsetSeconds, "\(changed)")
                }
            }
        }
    }

    /// Every valid timestamp of the two shapes takes the fast path, with the reference's value.
    @Test func validTimestampsTakeTheFastPath() {
        var random = SplitMix64(seed: 5)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        for _ in 0..<20_000 {
            let year = Int.random(in: 1...9999, using: &random), month = Int.random(in: 1...12, using: &random)
            let day = Int.random(in: 1...Int(Timestamp.daysInMonth(year: Int64(year), month: Int64(month))), using: &random)
            let yearText = String(repeating: "0", count: 4 - "\(year)".count) + "\(year)"
            let time = "\(two(Int.random(in: 0...23, using: &random))):\(two(Int.random(in: 0...59, using: &random))):\(two(Int.random(in: 0...59, using: &random)))"
            let zone = Bool.random(using: &random) ? (Bool.random(using: &random) ? "Z" : "z")
                : "\(Bool.random(using: &random) ? "+" : "-")\(two(Int.random(in: 0...23, using: &random))):\(two(Int.random(in: 0...59, using: &random)))"
            let text = "\(yearText)-\(two(month))-\(two(day))\(Bool.random(using: &random) ? "T" : "t")\(time)\(zone)"
            let fast = Self.fastTimestamp(text)
            let reference = try? Timestamp.parse(text)
            #expect(fast != nil && fast == reference && fast?.offsetSeconds == reference?.offsetSeconds, "'\(text)'")
        }
    }
}
