import Testing
@testable import ArbiterCore

/// The caret line lands under the right characters whatever the line holds, and colour is
/// exactly what `--color`, `NO_COLOR` and the terminal say.
@Suite struct DiagnosticRendererTests {
    static func render(_ line: String, from start: Int, to end: Int, endLine: Int = 1, notes: [String] = [], color: Bool = false) -> String {
        var sources = SourceFiles()
        sources.add(path: "p.yaml", bytes: Array((line + "\nnext line\n").utf8))
        let span = SourceSpan(start: SourceLocation(file: "p.yaml", line: 1, column: start),
                              end: SourceLocation(file: "p.yaml", line: endLine, column: end))
        return DiagnosticRenderer(sources: sources, color: color).render(.error(at: span, code: "x", "bad", notes: notes))
    }

    @Test func caretAndTildesCoverTheSpan() {
        #expect(Self.render("when: a == b", from: 7, to: 13) == "p.yaml:1:7: error: bad\nwhen: a == b\n      ^~~~~~\n")
    }

    @Test func aPointGetsACaretAlone() {
        #expect(Self.render("when: a == b", from: 9, to: 9) == "p.yaml:1:9: error: bad\nwhen: a == b\n        ^\n")
    }

    /// Chinese characters take two columns of a terminal: the caret after them moves two per character.
    @Test func wideCharactersCountTwoColumns() {
        #expect(Self.render("basis: 消费者: x", from: 11, to: 12) == "p.yaml:1:11: error: bad\nbasis: 消费者: x\n             ^\n")
        #expect(Self.render("d: 七天", from: 4, to: 6) == "p.yaml:1:4: error: bad\nd: 七天\n   ^~~~\n")
    }

    /// A tab is shown as four spaces, in the source line and under it, so both stay aligned.
    @Test func tabsAreExpandedAlike() {
        #expect(Self.render("\ta: 1", from: 2, to: 3) == "p.yaml:1:2: error: bad\n    a: 1\n    ^\n")
    }

    @Test func aSpanOverSeveralLinesIsUnderlinedToTheEndOfItsFirst() {
        #expect(Self.render("when: a &&", from: 7, to: 3, endLine: 2) == "p.yaml:1:7: error: bad\nwhen: a &&\n      ^~~~\n")
    }

    /// An unclosed quote at the end of a file is reported just after the last character.
    @Test func aPositionPastTheEndOfTheLineStillGetsItsCaret() {
        #expect(Self.render("a: 1", from: 7, to: 7) == "p.yaml:1:7: error: bad\na: 1\n      ^\n")
    }

    @Test func notesFollowTheSource() {
        #expect(Self.render("a: 1", from: 1, to: 2, notes: ["first", "second"]) == "p.yaml:1:1: error: bad\na: 1\n^\nnote: first\nnote: second\n")
    }

    /// A problem with a whole file, or in a file whose text is unknown, has no source line.
    @Test func noSourceLineWithoutAPosition() {
        let whole = DiagnosticRenderer(sources: SourceFiles(), color: false).render(.error(at: SourceLocation(file: "dir/x.yaml"), code: "x", "cannot read"))
        #expect(whole == "dir/x.yaml: error: cannot read\n")
        let unknown = DiagnosticRenderer(sources: SourceFiles(), color: false)
            .render(.warning(at: SourceLocation(file: "y.yaml", line: 3, column: 2), code: "x", "odd", notes: ["n"]))
        #expect(unknown == "y.yaml:3:2: warning: odd\nnote: n\n")
    }

    @Test func colourMarksSeverityCaretAndNotes() {
        let text = Self.render("a: 1", from: 1, to: 2, notes: ["hint"], color: true)
        #expect(text == "\u{1B}[1mp.yaml:1:1: \u{1B}[0m\u{1B}[1;31merror: \u{1B}[0m\u{1B}[1mbad\u{1B}[0m\na: 1\n\u{1B}[1;32m^\u{1B}[0m\n\u{1B}[1;36mnote: \u{1B}[0mhint\n")
        #expect(!Self.render("a: 1", from: 1, to: 2, notes: ["hint"]).contains("\u{1B}"))
    }

    /// Lines end where libyaml ends them (CR LF, CR), so the line shown is the line numbered.
    @Test func sourceLinesFollowYAMLLineBreaks() {
        var sources = SourceFiles()
        sources.add(path: "p", bytes: Array("\u{FEFF}one\r\ntwo\rthree\n".utf8))
        #expect(sources.line(1, of: "p") == "one")
        #expect(sources.line(2, of: "p") == "two")
        #expect(sources.line(3, of: "p") == "three")
        #expect(sources.line(5, of: "p") == nil)
    }

    @Test(arguments: [
        (ColorChoice.auto, true, [String: String](), true),
        (.auto, false, [:], false),
        (.auto, true, ["NO_COLOR": "1"], false),
        (.auto, true, ["NO_COLOR": ""], true),
        (.auto, true, ["TERM": "dumb"], false),
        (.always, false, ["NO_COLOR": "1"], true),
        (.never, true, [:], false),
    ])
    func colourChoice(choice: ColorChoice, terminal: Bool, environment: [String: String], expected: Bool) {
        #expect(choice.enabled(isTerminal: terminal, environment: environment) == expected)
    }
}
