import Foundation

extension DiffReport {
    /// The report as one self-contained HTML file (`--format html`): inline CSS and SVG, no
    /// script, nothing loaded from the network. The outcome matrix is a heat map and each
    /// currency's refund differences a histogram; everything else is in tables.
    public func html(_ subject: DiffSubject) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <title>arbiter diff: \(Self.escape(subject.base)) → \(Self.escape(subject.candidate))</title>
            <style>
            body { font: 14px/1.45 system-ui, sans-serif; color: #1d2330; margin: 24px 32px; max-width: 1100px; }
            h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d7dbe3; padding-bottom: 3px; }
            table { border-collapse: collapse; margin: 6px 0 12px; } th, td { padding: 3px 10px; border-bottom: 1px solid #eceef2; text-align: left; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            .up { color: #9a3b00; } .down { color: #1f5fa8; } .muted { color: #6b7280; }
            .verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; font-weight: 600; }
            .same { background: #e3f3e6; color: #1d6b2f; } .differs { background: #fde8d8; color: #9a3b00; }
            code { font: 12px ui-monospace, monospace; background: #f4f5f7; padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
            table { max-width: 100%; } h3 { font-size: 15px; margin: 16px 0 4px; }
            .cards { display: flex; gap: 12px; flex-wrap: wrap; } .card { border: 1px solid #d7dbe3; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
            .card b { display: block; font-size: 20px; } svg text { font: 12px system-ui, sans-serif; }
            </style>
            </head>
            <body>
            <h1>Policy change impact</h1>
            <p>base <code>\(Self.escape(subject.base))</code>\(Self.escape(subject.baseVersions.isEmpty ? "" : " (" + subject.baseVersions.joined(separator: ", ") + ")"))
            → candidate <code>\(Self.escape(subject.candidate))</code>\(Self.escape(subject.candidateVersions.isEmpty ? "" : " (" + subject.candidateVersions.joined(separator: ", ") + ")"))</p>
            <p><span class="verdict \(differing == 0 ? "same" : "differs")">\(differing == 0 ? "no decision differs" : "\(differing) of \(read) requests differ")</span></p>

            """
        out += "<h2>Requests</h2>\n<div class=\"cards\">\n"
        for (label, value) in [("read", read), ("decided by both", decidedByBoth), ("invalid under either", invalidUnderEither), ("differing", differing), ("not requests", skipped), ("unreadable records", unreadable)] {
            out += "<div class=\"card\"><b>\(value)</b>\(label)</div>\n"
        }
        out += "</div>\n"
        let codes = Set(invalidUnderBase.keys).union(invalidUnderCandidate.keys).sorted()
        if !codes.isEmpty {
            out += "<table><tr><th>error code</th><th class=\"n\">under base</th><th class=\"n\">under candidate</th></tr>\n"
            for code in codes {
                out += "<tr><td><code>\(Self.escape(code))</code></td><td class=\"n\">\(invalidUnderBase[code] ?? 0)</td><td class=\"n\">\(invalidUnderCandidate[code] ?? 0)</td></tr>\n"
            }
            out += "</table>\n"
        }

        out += "<h2>Outcomes</h2>\n<p class=\"muted\">Rows: outcome under the base; columns: under the candidate. Off the diagonal (orange) the outcome changed.</p>\n"
        out += Self.heatMap(outcomes)
        out += "<h2>Line verdicts</h2>\n" + Self.heatMap(verdicts)

        for (currency, amounts) in money.sorted(by: { $0.key < $1.key }) {
            out += "<h2>Money, \(Self.escape(currency))</h2>\n<p class=\"muted\">Over the requests decided by both policies.</p>\n"
            out += "<table><tr><th></th><th class=\"n\">base</th><th class=\"n\">candidate</th><th class=\"n\">difference</th><th class=\"n\">requests up</th><th class=\"n\">requests down</th></tr>\n"
            var rows: [(String, MoneyChange)] = [("refund", amounts.refund), ("compensation", amounts.compensation)]
            rows += amounts.adjustments.sorted { $0.key < $1.key }.map { ("adjustment <code>\(Self.escape($0.key))</code>", $0.value) }
            for (name, change) in rows {
                let style = change.difference > 0 ? "up" : change.difference < 0 ? "down" : ""
                out += "<tr><td>\(name)</td><td class=\"n\">\(Self.format(change.base, currency: currency))</td><td class=\"n\">\(Self.format(change.candidate, currency: currency))</td>"
                out += "<td class=\"n \(style)\">\(Self.signed(change.difference, currency: currency))</td><td class=\"n\">\(change.rose)</td><td class=\"n\">\(change.fell)</td></tr>\n"
            }
            out += "</table>\n"
            if amounts.currencyChanged > 0 { out += "<p>\(amounts.currencyChanged) request(s) decided in another currency under the candidate.</p>\n" }
            out += "<p class=\"muted\">Requests by refund difference (candidate − base, \(Self.escape(currency)), major units; bar heights on a log scale):</p>\n"
            out += Self.histogram(amounts.refundHistogram)
        }

        out += "<h2>Rules</h2>\n<p class=\"muted\">Requests each rule fired for, sorted by change.</p>\n"
        out += "<table><tr><th>rule</th><th class=\"n\">base</th><th class=\"n\">candidate</th><th class=\"n\">change</th><th></th></tr>\n"
        for row in rulesByChange {
            let note = row.count.inBase && !row.count.inCandidate ? "only in base" : !row.count.inBase && row.count.inCandidate ? "only in candidate" : ""
            let style = row.count.change > 0 ? "up" : row.count.change < 0 ? "down" : ""
            out += "<tr><td><code>\(Self.escape(row.id))</code></td><td class=\"n\">\(row.count.base)</td><td class=\"n\">\(row.count.candidate)</td>"
            out += "<td class=\"n \(style)\">\(row.count.change > 0 ? "+" : "")\(row.count.change)</td><td class=\"muted\">\(note)</td></tr>\n"
        }
        out += "</table>\n"

        if !examples.isEmpty {
            out += "<h2>Examples</h2>\n<p class=\"muted\">The first \(examplesLimit) differing requests of each outcome transition, in input order.</p>\n"
            for (transition, found) in examples.sorted(by: { $0.key < $1.key }) {
                out += "<h3>\(Self.escape(transition.base)) → \(Self.escape(transition.candidate)) <span class=\"muted\">(\(differingOutcomes[transition] ?? 0) of \(outcomes[transition] ?? 0) requests differ)</span></h3>\n"
                out += "<table><tr><th>request</th><th>field</th><th>base</th><th>candidate</th></tr>\n"
                for example in found {
                    let rows = max(1, example.changes.count + (example.moreChanges > 0 ? 1 : 0))
                    out += "<tr><td rowspan=\"\(rows)\"><code>\(Self.escape(example.id ?? "(no id)"))</code><br/><span class=\"muted\">\(Self.escape(example.source))</span></td>"
                    for (index, change) in example.changes.enumerated() {
                        if index > 0 { out += "<tr>" }
                        out += "<td><code>\(Self.escape(change.path))</code></td><td><code>\(Self.escape(change.base))</code></td><td><code>\(Self.escape(change.candidate))</code></td></tr>\n"
                    }
                    if example.changes.isEmpty { out += "<td></td><td></td><td></td></tr>\n" }
                    if example.moreChanges > 0 { out += "<tr><td colspan=\"3\" class=\"muted\">… and \(example.moreChanges) more</td></tr>\n" }
                }
                out += "</table>\n"
            }
        }
        out += "<p class=\"muted\">Generated by arbiter diff (\(Self.escape(EngineVersion.version))). Inputs: \(Self.escape(subject.inputs.joined(separator: ", ")))</p>\n</body>\n</html>\n"
        return out
    }

    /// Text for HTML and XML (`ShownText.markup`: markup escaped, and control characters, which
    /// XML cannot hold, written as `\u00XX`).
    static func escape(_ text: String) -> String { ShownText.markup(text) }

    /// A transition matrix as an SVG heat map: the darker a cell, the more requests (log scale);
    /// unchanged states in green, changes in orange.
    static func heatMap(_ transitions: [Transition: Int]) -> String {
        if transitions.isEmpty { return "<p class=\"muted\">(none)</p>\n" }
        let (rows, columns) = states(transitions)
        let cell = 84, cellHeight = 44, left = 150, top = 56
        let width = left + cell * columns.count + 20, height = top + cellHeight * rows.count + 16
        let largest = log(Double(max(2, transitions.values.max() ?? 2)))
        var svg = "<svg width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\">\n"
        svg += "<text x=\"\(left + cell * columns.count / 2)\" y=\"16\" text-anchor=\"middle\" font-weight=\"bold\">candidate</text>\n"
        svg += "<text x=\"12\" y=\"\(top - 8)\" font-weight=\"bold\">base</text>\n"
        for (index, column) in columns.enumerated() {
            svg += "<text x=\"\(left + cell * index + cell / 2)\" y=\"\(top - 10)\" text-anchor=\"middle\">\(escape(column))</text>\n"
        }
        for (rowIndex, row) in rows.enumerated() {
            let y = top + cellHeight * rowIndex
            svg += "<text x=\"\(left - 10)\" y=\"\(y + cellHeight / 2 + 4)\" text-anchor=\"end\">\(escape(row))</text>\n"
            for (columnIndex, column) in columns.enumerated() {
                let x = left + cell * columnIndex
                let count = transitions[Transition(base: row, candidate: column)] ?? 0
                let strength = count == 0 ? 0 : 0.12 + 0.88 * log(Double(count) + 1) / (largest + 1)
                let hue = row == column ? "29,122,56" : "214,96,18"
                let fill = count == 0 ? "#f6f7f9" : "rgba(\(hue),\(String(format: "%.2f", strength)))"
                svg += "<rect x=\"\(x + 1)\" y=\"\(y + 1)\" width=\"\(cell - 2)\" height=\"\(cellHeight - 2)\" rx=\"3\" fill=\"\(fill)\"><title>\(escape(row)) → \(escape(column)): \(count)</title></rect>\n"
                let ink = strength > 0.55 ? "#ffffff" : "#1d2330"
                svg += "<text x=\"\(x + cell / 2)\" y=\"\(y + cellHeight / 2 + 4)\" text-anchor=\"middle\" fill=\"\(count == 0 ? "#b0b6c0" : ink)\">\(count == 0 ? "·" : String(count))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// The refund-difference histogram as SVG bars, one per fixed bin (falls in blue, rises in orange).
    static func histogram(_ counts: [Int]) -> String {
        let bar = 76, chartHeight = 180, top = 24, left = 16
        let width = left * 2 + bar * counts.count, height = top + chartHeight + 44
        // A log scale: the unchanged requests (bin 0) would otherwise flatten every other bar.
        let largest = log(Double(max(1, counts.max() ?? 1)) + 1)
        var svg = "<svg width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\">\n"
        svg += "<line x1=\"\(left)\" y1=\"\(top + chartHeight)\" x2=\"\(width - left)\" y2=\"\(top + chartHeight)\" stroke=\"#9aa1ad\"/>\n"
        for (index, count) in counts.enumerated() {
            let bin = RefundBin(rawValue: index) ?? .zero
            let barHeight = count == 0 ? 0 : max(2, Int(Double(chartHeight) * log(Double(count) + 1) / largest))
            let x = left + bar * index
            let fill = bin == .zero ? "#8a93a3" : bin.rawValue < RefundBin.zero.rawValue ? "#1f5fa8" : "#d66012"
            svg += "<rect x=\"\(x + 6)\" y=\"\(top + chartHeight - barHeight)\" width=\"\(bar - 12)\" height=\"\(barHeight)\" fill=\"\(fill)\"><title>\(escape(bin.label)): \(count)</title></rect>\n"
            svg += "<text x=\"\(x + bar / 2)\" y=\"\(top + chartHeight - barHeight - 5)\" text-anchor=\"middle\">\(count)</text>\n"
            svg += "<text x=\"\(x + bar / 2)\" y=\"\(top + chartHeight + 18)\" text-anchor=\"middle\">\(escape(bin.label))</text>\n"
        }
        return svg + "</svg>\n"
    }
}
