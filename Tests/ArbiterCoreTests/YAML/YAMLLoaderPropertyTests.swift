import PropertyBased
import Testing
@testable import ArbiterCore

/// Whatever the input, the loader returns nodes or a located `YAMLError`; it never crashes,
/// and every position it reports lies inside the text.
@Suite struct YAMLLoaderPropertyTests {
    static let file = "Rules/fuzz.yaml"

    /// Characters that steer libyaml into its many paths, plus text, multibyte and control characters.
    static let yamlAlphabet: [Character] = Array(
        "abcxyz019 :-?,[]{}#&*!|>'\"%@`\\~.\t\n\n\n\r  é名\u{85}\u{2028}\u{FEFF}\u{0}\u{7}"
    )

    static let policy = """
        format: 1
        defaults: &defaults
          window_days: 7
        rules:
          - id: seven-day-no-reason
            when: order.delivered_at + days(7) >= request.requested_at
            settings: *defaults
            then: { allow: true, note: "within \\"seven days\\"" }
          - id: damaged
            when: |
              request.reason == 'damaged'
            explain: >
              Damaged goods are refunded
              in full.
            tags: [damage, 'full refund', ~]
        """

    @Test func randomTextNeverCrashes() async {
        let character = Gen<Character?>.element(of: Self.yamlAlphabet).map { $0 ?? " " }
        await propertyCheck(count: 3000, input: character.string(of: 0...120)) { text in
            Self.checkLoads(text)
        }
    }

    @Test func mutatedPolicyNeverCrashes() async {
        let character = Gen<Character?>.element(of: Self.yamlAlphabet).map { $0 ?? " " }
        let edits = Gen.int(in: 0...Self.policy.count).array(of: 1...6)
        await propertyCheck(count: 2000, input: edits, character.array(of: 6), Gen.int(in: 0...3).array(of: 6)) { positions, inserted, lengths in
            var text = Array(Self.policy)
            for (index, position) in positions.enumerated() {
                let at = min(position, text.count)
                // Delete a few characters, then insert one: local damage anywhere in a real policy.
                text.removeSubrange(at..<min(text.count, at + lengths[index]))
                text.insert(inserted[index], at: at)
            }
            Self.checkLoads(String(text))
        }
    }

    @Test func randomBytesNeverCrash() async {
        await propertyCheck(count: 2000, input: Gen.uint8().array(of: 0...120)) { bytes in
            // Straight to libyaml, bypassing the UTF-8 check `load(contentsOf:)` does first.
            let result = bytes.withUnsafeBufferPointer { buffer in
                Result { () throws(YAMLError) -> YAMLNode? in
                    try YAMLLoader.load(utf8: buffer, file: Self.file, limits: .default)
                }
            }
            if case .failure(let error) = result {
                #expect(error.location.line >= 1 && error.location.column >= 1)
            }
        }
    }

    /// Loads `text`; on success every scalar position (for every offset) is inside the text,
    /// on failure the error position is.
    static func checkLoads(_ text: String) {
        let lineCount = text.split(omittingEmptySubsequences: false) { $0.isNewline }.count
        func inside(_ location: ArbiterCore.SourceLocation) -> Bool {
            location.file == file && location.line >= 1 && location.line <= lineCount + 1 && location.column >= 1
        }
        do {
            guard let node = try YAMLLoader.load(text: text, file: file) else { return }
            var pending = [node]
            while let next = pending.popLast() {
                #expect(inside(next.location), "\(next.location) outside \(text.debugDescription)")
                switch next {
                case .scalar(let scalar):
                    #expect(inside(scalar.contentStart))
                    for offset in 0...scalar.value.utf8.count {
                        let location = scalar.location(ofUTF8Offset: offset)
                        #expect(location.line >= 1 && location.column >= 1)
                    }
                case .mapping(let mapping):
                    pending += mapping.entries.flatMap { [YAMLNode.scalar($0.key), $0.value] }
                case .sequence(let sequence):
                    pending += sequence.items
                }
            }
        } catch {
            #expect(inside(error.location), "\(error.diagnostic) for \(text.debugDescription)")
            #expect(!error.message.isEmpty)
        }
    }

    // MARK: Offsets inside expressions map back to the exact column

    static let words = [
        "order.total", ">", "100", "and", "or", "request.reason", "==", "days(7)", "é", "名称",
        "x+y", "'r'", "\"q\"", "a\\b", "50%", "<=", "\u{1F600}",
    ]

    @Test func everyValueCharacterMapsToItselfInTheSource() async {
        let picks = Gen.int(in: 0..<Self.words.count).array(of: 1...14)
        let breaks = Gen.int(in: 0...5).array(of: 14)
        await propertyCheck(count: 1500, input: Gen.int(in: 0...4), picks, breaks) { styleIndex, picks, breaks in
            let style: [YAMLScalar.Style] = [.plain, .singleQuoted, .doubleQuoted, .literal, .folded]
            Self.checkAlignment(style: style[styleIndex], words: ["order.total"] + picks.map { Self.words[$0] }, breaks: breaks)
        }
    }

    static func checkAlignment(style: YAMLScalar.Style, words: [String], breaks: [Int]) {
        var body = ""
        for (index, word) in words.enumerated() {
            var written = word
            switch style {
            case .singleQuoted: written = word.replacingOccurrences(of: "'", with: "''")
            case .doubleQuoted:
                written = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    .replacingOccurrences(of: "é", with: "\\u00e9").replacingOccurrences(of: "\u{1F600}", with: "\\U0001F600")
            default: break
            }
            if index > 0 {
                switch breaks[(index - 1) % breaks.count] {
                case 0: body += "\n    "
                case 1 where style != .literal: body += "\n\n    "
                default: body += " "
                }
            }
            body += written
        }
        let text: String
        switch style {
        case .plain: text = "rule:\n  when: " + body
        case .singleQuoted: text = "rule:\n  when: '" + body + "'"
        case .doubleQuoted: text = "rule:\n  when: \"" + body + "\""
        case .literal: text = "rule:\n  when: |\n    " + body
        case .folded: text = "rule:\n  when: >\n    " + body
        }
        let sourceLines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        do {
            let rule = try YAMLShape.mapping(try YAMLShape.mapping(try YAMLLoader.load(text: text, file: file))["rule"]?.value)
            let when = try YAMLShape.scalar(rule["when"]?.value)
            #expect(when.style == style)
            var offset = 0
            for scalar in when.value.unicodeScalars {
                defer { offset += String(scalar).utf8.count }
                if scalar == " " || scalar == "\n" { continue }
                let location = when.location(ofUTF8Offset: offset)
                let line = location.line - 1
                let column = location.column - 1
                let written = line < sourceLines.count && column < sourceLines[line].count ? sourceLines[line][column] : nil
                let escaped = style == .doubleQuoted && written == "\\"
                #expect(written == scalar || escaped, "'\(scalar)' at \(location) in \(text.debugDescription)")
            }
        } catch {
            Issue.record("\(error) for \(text.debugDescription)")
        }
    }
}
