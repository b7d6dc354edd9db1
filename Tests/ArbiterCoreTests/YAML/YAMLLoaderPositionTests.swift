import Testing
@testable import ArbiterCore

/// Where nodes are reported: diagnostics in policies must point at the exact column.
@Suite struct YAMLLoaderPositionTests {
    static let file = "Rules/cn/returns.yaml"

    func load(_ text: String) throws -> YAMLNode {
        try #require(try YAMLLoader.load(text: text, file: Self.file))
    }

    func at(_ line: Int, _ column: Int) -> ArbiterCore.SourceLocation {
        ArbiterCore.SourceLocation(file: Self.file, line: line, column: column)
    }

    @Test func mappingsSequencesAndPlainScalars() throws {
        let root = try load("""
            version: 1
            rules:
              - id: late-return
                days: 7
            """)
        guard case .mapping(let top) = root else { Issue.record("root is not a mapping"); return }
        #expect(top.location == at(1, 1))
        #expect(top["version"]?.key.location == at(1, 1))
        #expect(top["version"]?.value.location == at(1, 10))
        guard case .sequence(let rules)? = top["rules"]?.value else { Issue.record("rules is not a sequence"); return }
        #expect(rules.location == at(3, 3))
        guard case .mapping(let rule) = rules.items[0] else { Issue.record("rule is not a mapping"); return }
        #expect(rule.location == at(3, 5))
        guard case .scalar(let days)? = rule["days"]?.value else { Issue.record("days is not a scalar"); return }
        #expect(days.value == "7")
        #expect(days.location == at(4, 11))
        #expect(days.contentStart == at(4, 11))
    }

    @Test func columnsCountCharactersNotBytes() throws {
        guard case .mapping(let top) = try load("名称: 退货规则 x\nnext: é") else { Issue.record("not a mapping"); return }
        guard case .scalar(let name)? = top["名称"]?.value else { Issue.record("missing"); return }
        #expect(name.location == at(1, 5))
        // 'x' comes after four Chinese characters and a space: byte offset 13, column 5 + 5.
        #expect(name.location(ofUTF8Offset: 13) == at(1, 10))
        #expect(top["next"]?.value.location == at(2, 7))
    }

    @Test func quotedScalarsStartAfterTheQuote() throws {
        guard case .mapping(let top) = try load("""
            a: 'order.total > 100'
            b: "x + y"
            """) else { Issue.record("not a mapping"); return }
        guard case .scalar(let a)? = top["a"]?.value, case .scalar(let b)? = top["b"]?.value else {
            Issue.record("not scalars"); return
        }
        #expect(a.style == .singleQuoted)
        #expect(a.location == at(1, 4))
        #expect(a.contentStart == at(1, 5))
        #expect(a.location(ofUTF8Offset: 6) == at(1, 11))  // 'total'
        #expect(b.style == .doubleQuoted)
        #expect(b.location(ofUTF8Offset: 4) == at(2, 9))   // 'y'
    }

    @Test func literalBlockMapsLinesAndIndentation() throws {
        guard case .mapping(let top) = try load("""
            rule:
              when: |
                order.total > 100 and
                  order.deliverd_at < now
            """) else { Issue.record("not a mapping"); return }
        guard case .mapping(let rule)? = top["rule"]?.value, case .scalar(let when)? = rule["when"]?.value else {
            Issue.record("shape"); return
        }
        #expect(when.style == .literal)
        // The last line has no line break (the text ends there), so clip chomping adds none.
        #expect(when.value == "order.total > 100 and\n  order.deliverd_at < now")
        #expect(when.location == at(2, 9))
        #expect(when.contentStart == at(3, 5))
        let offset = when.value.utf8.count - "deliverd_at < now".utf8.count
        #expect(when.location(ofUTF8Offset: offset) == at(4, 13))
        #expect(when.location(ofUTF8Offset: 6) == at(3, 11))
    }

    @Test func literalBlockWithLeadingBlankLineAndExplicitIndentation() throws {
        guard case .sequence(let items) = try load("- |\n\n  after blank\n- |1\n   two spaces kept\n") else {
            Issue.record("not a sequence"); return
        }
        guard case .scalar(let first) = items.items[0], case .scalar(let second) = items.items[1] else { Issue.record("shape"); return }
        #expect(first.value == "\nafter blank\n")
        #expect(first.contentStart == at(2, 3))
        #expect(first.location(ofUTF8Offset: 1) == at(3, 3))
        #expect(second.value == "  two spaces kept\n")
        #expect(second.contentStart == at(5, 2))
        #expect(second.location(ofUTF8Offset: 2) == at(5, 4))
    }

    @Test func foldedBlockMapsEachLine() throws {
        guard case .mapping(let top) = try load("""
            when: >
              order.total > 100
              and order.deliverd_at < now

              or refund
            """) else { Issue.record("not a mapping"); return }
        guard case .scalar(let when)? = top["when"]?.value else { Issue.record("shape"); return }
        #expect(when.style == .folded)
        #expect(when.value == "order.total > 100 and order.deliverd_at < now\nor refund")
        #expect(when.contentStart == at(2, 3))
        func locate(_ word: String) -> ArbiterCore.SourceLocation? {
            guard let range = when.value.range(of: word) else { return nil }
            return when.location(ofUTF8Offset: when.value.utf8.distance(from: when.value.startIndex, to: range.lowerBound))
        }
        #expect(locate("order.total") == at(2, 3))
        #expect(locate("and") == at(3, 3))
        #expect(locate("deliverd_at") == at(3, 13))
        #expect(locate("or refund") == at(5, 3))
    }

    @Test func multiLinePlainAndEscapedQuotedScalars() throws {
        guard case .mapping(let top) = try load("""
            plain: order.total > 100
              and order.deliverd_at < now
            quoted: "a\\tb == \\u00e9 &&
              missing"
            single: 'it''s late'
            """) else { Issue.record("not a mapping"); return }
        guard case .scalar(let plain)? = top["plain"]?.value,
              case .scalar(let quoted)? = top["quoted"]?.value,
              case .scalar(let single)? = top["single"]?.value else { Issue.record("shape"); return }
        #expect(plain.value == "order.total > 100 and order.deliverd_at < now")
        #expect(plain.location(ofUTF8Offset: 22) == at(2, 7))          // 'order' on line 2
        #expect(quoted.value == "a\tb == é && missing")
        #expect(quoted.location(ofUTF8Offset: 2) == at(3, 13))         // 'b' after the \t escape
        #expect(quoted.location(ofUTF8Offset: 7) == at(3, 18))         // 'é' written as \u00e9
        #expect(quoted.location(ofUTF8Offset: 13) == at(4, 3))         // 'missing'
        #expect(single.value == "it's late")
        #expect(single.location(ofUTF8Offset: 5) == at(5, 16))         // 'late'
    }

    @Test func anchoredNodesAreLocatedAtTheirOwnText() throws {
        guard case .mapping(let top) = try load("""
            base: &base
              days: 7
            name: &n late
            copy: *base
            """) else { Issue.record("not a mapping"); return }
        #expect(top["base"]?.value.location == at(2, 3))
        #expect(top["name"]?.value.location == at(3, 10))
        // The copy keeps the anchored node's locations.
        #expect(top["copy"]?.value.location == at(2, 3))
    }

    @Test func offsetsAreClamped() throws {
        guard case .scalar(let scalar) = try load("abc") else { Issue.record("not a scalar"); return }
        #expect(scalar.location(ofUTF8Offset: -5) == at(1, 1))
        #expect(scalar.location(ofUTF8Offset: 3) == at(1, 4))
        #expect(scalar.location(ofUTF8Offset: 99) == at(1, 4))
    }

    @Test func crlfLineBreaksCountOnce() throws {
        guard case .mapping(let top) = try load("a: 1\r\nb: |\r\n  x\r\n  y\r\n") else { Issue.record("not a mapping"); return }
        guard case .scalar(let b)? = top["b"]?.value else { Issue.record("shape"); return }
        #expect(b.value == "x\ny\n")
        #expect(b.location == at(2, 4))
        #expect(b.location(ofUTF8Offset: 2) == at(4, 3))
    }
}
