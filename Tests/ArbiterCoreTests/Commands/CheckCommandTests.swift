import Foundation
import Testing
@testable import ArbiterCore

/// `arbiter check` on a copy of the real pack with one typical author mistake each: exit 1 and
/// a diagnostic on the right file, line and column. The whole output is a golden file
/// (`Golden/check/NAME.expected`); re-record with `ARBITER_RECORD_GOLDEN=1 swift test --filter CheckCommandTests`
/// and review the diff.
@Suite struct CheckCommandTests {
    /// A mistake: which file of the pack to edit, the text to replace and its replacement.
    struct Mistake: Sendable, CustomStringConvertible {
        var name: String
        var file: String
        var original: String
        var replacement: String
        var description: String { name }
    }

    static let mistakes: [Mistake] = [
        Mistake(name: "misspelt-field", file: "rules/20-no-reason.yaml",
                original: "order.delivered_at == null", replacement: "order.deliverd_at == null"),
        Mistake(name: "yaml-syntax-error", file: "codes.yaml",
                original: "    en: The goods are not intact", replacement: "    en: \"The goods are not intact"),
        Mistake(name: "reason-compared-to-number", file: "rules/50-refund-only.yaml",
                original: "reason == \"not_received\" && order.shipped_at == null", replacement: "reason == 5 && order.shipped_at == null"),
        Mistake(name: "duplicate-rule-id", file: "rules/40-cancel.yaml",
                original: "id: cn.cancel.already-shipped", replacement: "id: cn.cancel.before-shipment"),
        Mistake(name: "unknown-code", file: "rules/20-no-reason.yaml",
                original: "reject: WINDOW_EXPIRED", replacement: "reject: WINDOW_EXPIRD"),
        Mistake(name: "unknown-parameter", file: "rules/30-seller-fault.yaml",
                original: "<= quality_return_window_days", replacement: "<= quality_return_window_day"),
        Mistake(name: "unknown-reason-literal", file: "rules/50-refund-only.yaml",
                original: "reason == \"not_received\" && order.shipped_at == null", replacement: "reason == \"not_recieved\" && order.shipped_at == null"),
        Mistake(name: "money-compared-to-duration", file: "rules/95-review.yaml",
                original: "refund.total >= review_refund_total", replacement: "refund.total >= 48h"),
        Mistake(name: "unchecked-optional", file: "rules/40-cancel.yaml",
                original: "kind == \"cancel\" && order.shipped_at != null", replacement: "kind == \"cancel\" && order.shipped_at > requested_at"),
        Mistake(name: "misspelt-function", file: "rules/30-seller-fault.yaml",
                original: "days_since(order.delivered_at) <= quality_return_window_days", replacement: "days_snce(order.delivered_at) <= quality_return_window_days"),
        Mistake(name: "line-field-in-request-rule", file: "rules/95-review.yaml",
                original: "customer.refunds_90d >= review_refund_count", replacement: "line.quantity >= review_refund_count"),
        // What cannot take effect (docs/effects.md).
        Mistake(name: "rate-above-100-percent", file: "parameters.yaml",
                original: "    type: percent\n    value: 20%", replacement: "    type: percent\n    value: 120%"),
        Mistake(name: "negative-window", file: "parameters.yaml",
                original: "  no_reason_window_days:\n    type: int\n    value: 7", replacement: "  no_reason_window_days:\n    type: int\n    value: -7"),
        Mistake(name: "approve-and-reject-in-one-rule", file: "rules/20-no-reason.yaml",
                original: "        reject: WINDOW_EXPIRED", replacement: "        reject: WINDOW_EXPIRED\n        approve: SEVEN_DAY_NO_REASON"),
        Mistake(name: "request-verdict-on-lines", file: "rules/95-review.yaml",
                original: "    route_to_review: HIGH_VALUE_REFUND", replacement: "    reject: HIGH_VALUE_REFUND"),
        Mistake(name: "missing-basis", file: "rules/20-no-reason.yaml",
                original: "        basis: 消费者权益保护法 第二十五条\n        when: order.delivered_at != null && days_since(order.delivered_at) > no_reason_window",
                replacement: "        when: order.delivered_at != null && days_since(order.delivered_at) > no_reason_window"),
        // Settlement written in YAML (80-settlement.yaml).
        Mistake(name: "settle-replaced", file: "rules/80-settlement.yaml",
                original: "    refund_shipping: |", replacement: "    settle: refund_shipping\n    refund_shipping: |"),
        Mistake(name: "for-each-unknown", file: "rules/80-settlement.yaml",
                original: "for_each: discount", replacement: "for_each: discounts"),
        Mistake(name: "element-field-outside-for-each", file: "rules/80-settlement.yaml",
                original: "when: threshold_clawback_enabled", replacement: "when: threshold_clawback_enabled && discount.amount > 0.00"),
        Mistake(name: "adjust-in-request-rule", file: "rules/95-review.yaml",
                original: "    route_to_review: HIGH_VALUE_REFUND", replacement: "    adjust: {code: HIGH_VALUE_REFUND, amount: 0.00}"),
        Mistake(name: "refund-to-without-payment", file: "rules/80-settlement.yaml",
                original: "    for_each: payment\n    # refund.total split over the payments in proportion to what each can still take back:\n    # largest remainder, ties to the payment listed first, none given more than its weight.\n    split:\n      total: refund.total\n      weight: payment.amount - payment.refunded\n    refund_to: split.share",
                replacement: "    refund_to: refund.total"),
        Mistake(name: "code-without-zh-cn-message", file: "codes.yaml",
                original: "    zh-CN: 主商品已全部退货而赠品未退回，扣除赠品价值\n", replacement: ""),
        Mistake(name: "pack-define-reads-a-line-field", file: "policy.yaml",
                original: "    customer.tier in vip_tiers ? vip_window_days", replacement: "    line.quantity > 1 ? vip_window_days"),
        Mistake(name: "pack-define-in-a-for-each-condition", file: "rules/80-settlement.yaml",
                original: "when: threshold_clawback_enabled\n", replacement: "when: threshold_clawback_enabled && no_reason_window > 0\n"),
        Mistake(name: "split-without-for-each", file: "rules/80-settlement.yaml",
                original: "    for_each: payment\n", replacement: ""),
        Mistake(name: "split-share-outside-split", file: "rules/80-settlement.yaml",
                original: "amount: discount.clawed_back - owed\n", replacement: "amount: discount.clawed_back - owed - split.share\n"),
        // Issue 15: hints in the author's terms.
        Mistake(name: "money-compared-to-string", file: "rules/95-review.yaml",
                original: "refund.total >= review_refund_total", replacement: "refund.total >= \"2000.00\""),
        Mistake(name: "undeclared-attribute", file: "rules/20-no-reason.yaml",
                original: "when: item.attributes.custom_made", replacement: "when: item.attributes.engraved"),
        Mistake(name: "key-indented-wrong", file: "rules/20-no-reason.yaml",
                original: "        reject: WINDOW_EXPIRED", replacement: "        reject: WINDOW_EXPIRED\n    approve: SEVEN_DAY_NO_REASON"),
        Mistake(name: "no-space-after-colon", file: "parameters.yaml",
                original: "  no_reason_window_days:\n    type: int", replacement: "  no_reason_window_days:\n    type:int"),
        Mistake(name: "colon-in-plain-value", file: "rules/20-no-reason.yaml",
                original: "basis: 消费者权益保护法 第二十五条", replacement: "basis: 消费者权益保护法: 第二十五条"),
        // After `- id:` the item's keys start two columns in: not "indented more" (found by a review).
        Mistake(name: "colon-in-value-after-list-item", file: "rules/40-cancel.yaml",
                original: "    description: 发货前取消，全额退款", replacement: "    description: 发货前取消: 全额退款"),
        Mistake(name: "tab-indentation", file: "rules/20-no-reason.yaml",
                original: "        reject: WINDOW_EXPIRED", replacement: "\treject: WINDOW_EXPIRED"),
    ]

    static let golden = Repository.root.appendingPathComponent("Tests/ArbiterCoreTests/Golden/check")
    static let recording = ProcessInfo.processInfo.environment["ARBITER_RECORD_GOLDEN"] == "1"

    /// Copies Rules/cn to a temporary folder, applies `edit` to one file, runs `check` there and
    /// returns its output with the temporary folder shown as `Rules/cn`.
    static func check(editing file: String, _ edit: (String) -> String) throws -> CheckCommandRunner.Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("cn")
        try FileManager.default.copyItem(atPath: Repository.path("Rules/cn"), toPath: copy.path)
        let target = copy.appendingPathComponent(file).path
        let text = try String(contentsOfFile: target, encoding: .utf8)
        let edited = edit(text)
        #expect(edited != text, "the mistake applies to \(file)")
        try edited.write(toFile: target, atomically: true, encoding: .utf8)
        var output = CheckCommandRunner.run(rulesDirectory: copy.path)
        output.text = output.text.replacingOccurrences(of: copy.path, with: "Rules/cn")
        return output
    }

    @Test func shippedPackIsClean() {
        let output = CheckCommandRunner.run(rulesDirectory: Repository.path("Rules/cn"))
        #expect(output.status == .success)
        #expect(output.text.hasSuffix("0 errors, 0 warnings\n"), "\(output.text)")
    }

    @Test(arguments: mistakes)
    func mistakeIsReportedWhereItIs(mistake: Mistake) throws {
        let output = try Self.check(editing: mistake.file) { text in
            guard let range = text.range(of: mistake.original) else { return text }
            return text.replacingCharacters(in: range, with: mistake.replacement)
        }
        #expect(output.status == .failure)
        let first = output.text.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("Rules/cn/\(mistake.file):"), "the first diagnostic names the edited file: \(first)")
        #expect(first.contains(": error: "))
        let expectedURL = Self.golden.appendingPathComponent("\(mistake.name).expected")
        if Self.recording {
            try Data(output.text.utf8).write(to: expectedURL)
        } else {
            #expect(output.text == (try String(contentsOf: expectedURL, encoding: .utf8)), "golden check/\(mistake.name)")
        }
    }

    /// A root cause and what it would otherwise bring along: one error per use of what it failed
    /// to declare (issue 15: 50 for a missing codes.yaml, 41 for a missing parameters.yaml).
    struct RootCause: Sendable, CustomStringConvertible {
        var name: String
        var breakPack: @Sendable (TemporaryPack) throws -> Void
        var description: String { name }
    }

    static let rootCauses: [RootCause] = [
        RootCause(name: "missing-codes-file") { try FileManager.default.removeItem(atPath: $0.file("codes.yaml")) },
        RootCause(name: "missing-parameters-file") { try FileManager.default.removeItem(atPath: $0.file("parameters.yaml")) },
        RootCause(name: "code-declared-without-messages") {
            try $0.edit("codes.yaml", replacing: "  WINDOW_EXPIRED:\n", with: "  WINDOW_EXPIRED: window expired\n  WINDOW_EXPIRED_MESSAGES:\n")
        },
        RootCause(name: "attribute-of-unknown-type") { try $0.edit("policy.yaml", replacing: "custom_made: bool ", with: "custom_made: boolean ") },
    ]

    /// One error for the root cause, with a note counting the uses it affects; nothing per use.
    @Test(arguments: rootCauses)
    func rootCauseIsReportedOnce(rootCause: RootCause) throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try rootCause.breakPack(pack)
        let output = pack.check()
        #expect(output.status == .failure)
        #expect(output.text.hasSuffix(": 1 error, 0 warnings\n"), "\(output.text)")
        #expect(output.text.contains("\nnote: rules "), "a note counts the uses: \(output.text)")
        let expectedURL = Self.golden.appendingPathComponent("\(rootCause.name).expected")
        if Self.recording {
            try Data(output.text.utf8).write(to: expectedURL)
        } else {
            #expect(output.text == (try String(contentsOf: expectedURL, encoding: .utf8)), "golden check/\(rootCause.name)")
        }
    }

    @Test func warningsForWhatAnAuthorWouldWantToKnow() throws {
        let output = try Self.check(editing: "parameters.yaml") { text in
            text + """
              forgotten_limit:
                type: money
                value: "99.00"
                description: a parameter no rule uses

            """
        }
        #expect(output.status == .success, "warnings do not fail check")
        #expect(output.text.contains("Rules/cn/parameters.yaml:108:3: warning: parameter 'forgotten_limit' is never used by a rule"), "\(output.text)")

        let never = try Self.check(editing: "rules/40-cancel.yaml") { text in
            text + """

              - id: cn.cancel.never
                description: a condition that is constantly false
                basis: test
                when: 1 > 2
                reject: ALREADY_SHIPPED

            """
        }
        #expect(never.text.contains("warning: rule 'cn.cancel.never' can never fire: its condition is always false"), "\(never.text)")

        let unusedCode = try Self.check(editing: "codes.yaml") { text in
            text + """
              NEVER_EMITTED:
                zh-CN: 从未使用
                en: Never used

            """
        }
        #expect(unusedCode.text.contains("warning: code 'NEVER_EMITTED' is declared but no rule emits it"), "\(unusedCode.text)")
    }

    @Test func unusableFolderExitsTwo() {
        let output = CheckCommandRunner.run(rulesDirectory: "/nonexistent/rules")
        #expect(output.status == .unusable)
        #expect(output.text.contains("/nonexistent/rules"))
    }
}

/// `check --format json` for CI systems: one object per diagnostic with a stable shape.
@Suite struct CheckJSONTests {
    @Test func diagnosticsAsJSON() throws {
        let clean = CheckCommandRunner.run(rulesDirectory: Repository.path("Rules"), format: .json)
        #expect(clean.status == .success)
        #expect(clean.text == "{\"diagnostics\":[],\"errors\":0,\"warnings\":0}\n")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("arbiter-json-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(atPath: Repository.path("Rules/cn"), toPath: directory.path)
        let file = directory.appendingPathComponent("rules/20-no-reason.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "order.delivered_at == null", with: "order.deliverd_at == null").write(to: file, atomically: true, encoding: .utf8)
        let output = CheckCommandRunner.run(rulesDirectory: directory.path, format: .json)
        #expect(output.status == .failure)
        let json = try JSONReader.parse(Array(output.text.utf8))
        #expect(json["errors"] == .number("1"))
        #expect(json["warnings"] == .number("0"))
        guard case .array(let diagnostics)? = json["diagnostics"], let first = diagnostics.first else {
            Issue.record("no diagnostics: \(output.text)")
            return
        }
        #expect(first["file"] == .string(file.path))
        #expect(first["line"] == .number("11"))
        #expect(first["column"] == .number("15"))
        #expect(first["severity"] == .string("error"))
        #expect(first["code"] == .string("unknown_name"))
        #expect(first["message"] == .string("unknown field 'order.deliverd_at' (did you mean 'order.delivered_at'?)"))
        // The span: `order.deliverd_at` is 17 characters, so it ends just before column 32.
        #expect(first["end_line"] == .number("11"))
        #expect(first["end_column"] == .number("32"))
        #expect(first["notes"] == .array([]))
    }

    /// Hints are in `notes`; a diagnostic of unknown extent ends where it starts.
    @Test func notesAndPointSpansAsJSON() throws {
        let pack = try TemporaryPack()
        defer { pack.remove() }
        try pack.edit("codes.yaml", replacing: "    en: The goods are not intact", with: "    en: \"The goods are not intact")
        let output = CheckCommandRunner.run(rulesDirectory: pack.path, format: .json)
        let json = try JSONReader.parse(Array(output.text.utf8))
        guard case .array(let diagnostics)? = json["diagnostics"], let first = diagnostics.first else {
            Issue.record("no diagnostics: \(output.text)")
            return
        }
        #expect(first["code"] == .string("yaml_syntax"))
        #expect(first["end_line"] == first["line"])
        #expect(first["end_column"] == first["column"])
        guard case .array(let notes)? = first["notes"], case .string(let note)? = notes.first else {
            Issue.record("no notes: \(output.text)")
            return
        }
        #expect(note.hasPrefix("the quote is never closed"))
    }
}
