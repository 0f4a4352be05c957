import Foundation

/// The report for people: one self-contained HTML file (inline style and SVG charts; no
/// script, no external asset: it works offline and from an e-mail attachment) with the same
/// figures as CSV files beside it (`report/*.csv`).
///
/// - the headline: return rate and online share side by side, against the target and the
///   expected rate, with the projection;
/// - daily returns by mode, and the cumulative return rate and online share against the
///   75% line and the expected curve;
/// - return rates by local authority, ranked, coloured by status, the online share beside each;
/// - the progress table and the protected tabulations (all areas).
struct Report {
    let figures: ProgressFigures
    let tables: TableOutput
    let layout: ExportLayout
    let counts: VariableCounts
    let title: String

    func documents() -> [OutputDocument] {
        var out: [OutputDocument] = []
        out.append(OutputDocument(path: "report.html", kind: "report", format: "html", rows: nil, data: Data(html().utf8)))
        // The same figures as CSV.
        var daily = "date,days_from_census_day,online_returns,paper_returns,cumulative_return_rate,cumulative_online_share,online_target,expected_return_rate\n"
        var rows = 0
        for (day, point) in cumulative(code: "ALL", households: figures.all.households) {
            daily += "\(figures.date(day)),\(day - figures.censusDay),\(point.online),\(point.paper),\(ProgressFigures.fraction(point.rate)),\(point.share.map(ProgressFigures.fraction) ?? ""),\(ProgressFigures.fraction(figures.target)),\(ProgressFigures.fraction(point.expected))\n"
            rows += 1
        }
        out.append(OutputDocument(path: "report/daily-returns.csv", kind: "report", format: "csv", rows: rows, data: Data(daily.utf8)))
        var ranked = "rank,local_authority,households,return_rate,online_share,expected_return_rate,status,projected_final_return_rate,projected_final_online_share\n"
        for (n, a) in rankedAuthorities.enumerated() {
            ranked += "\(n + 1),\(CSVCell.string(a.code)),\(a.households),\(ProgressFigures.fraction(a.returnRate)),\(a.onlineShare.map(ProgressFigures.fraction) ?? ""),\(ProgressFigures.fraction(a.expected)),\(a.status.rawValue),\(ProgressFigures.fraction(a.projectedRate)),\(a.projectedOnlineShare.map(ProgressFigures.fraction) ?? "")\n"
        }
        out.append(OutputDocument(path: "report/return-rates-by-area.csv", kind: "report", format: "csv", rows: rankedAuthorities.count, data: Data(ranked.utf8)))
        let a = figures.all
        let headline = "as_at,households,returns,return_rate,online_share,online_target,expected_return_rate,status,projected_final_return_rate,projected_final_online_share,in_progress\n"
            + "\(figures.asOfText),\(a.households),\(a.returns),\(ProgressFigures.fraction(a.returnRate)),\(a.onlineShare.map(ProgressFigures.fraction) ?? ""),\(ProgressFigures.fraction(figures.target)),\(ProgressFigures.fraction(a.expected)),\(a.status.rawValue),\(ProgressFigures.fraction(a.projectedRate)),\(a.projectedOnlineShare.map(ProgressFigures.fraction) ?? ""),\(a.inProgress)\n"
        out.append(OutputDocument(path: "report/headline.csv", kind: "report", format: "csv", rows: 1, data: Data(headline.utf8)))
        return out
    }

    var rankedAuthorities: [AreaProgress] {
        figures.authorities.sorted { ($0.returnRate, $1.code) > ($1.returnRate, $0.code) }
    }

    struct Point { var online: Int; var paper: Int; var rate: Double; var share: Double?; var expected: Double }

    func cumulative(code: String, households: Int) -> [(Int, Point)] {
        var total = 0, online = 0
        return figures.days.enumerated().map { k, day in
            let (o, p) = figures.daily[code]?[k] ?? (0, 0)
            total += o + p
            online += o
            let rate = households == 0 ? 0 : Double(total) / Double(households)
            let expected = figures.expectedRate(day: day)
            return (day, Point(online: o, paper: p, rate: rate, share: total == 0 ? nil : Double(online) / Double(total), expected: expected))
        }
    }

    // MARK: HTML

    func html() -> String {
        let a = figures.all
        let pct = ProgressFigures.percent
        var body = "<h1>\(HTML.escape(title)): progress report</h1>\n"
        body += "<p>As at <strong>\(HTML.escape(figures.asOfText))</strong> (\(HTML.escape(figures.timeZone.identifier)) days; census day \(figures.date(figures.censusDay))). Figures from each household's first return; "
            + "the export holds each household's authoritative return.</p>\n"
        if !tables.isProtected { body += "<p class=warning>UNPROTECTED tables: exact counts, made with --unprotected. Not for release.</p>\n" }
        body += "<h2>Headline</h2>\n<table><thead><tr><th>households</th><th>returns</th><th>return rate</th><th>online share</th><th>target online share</th><th>expected return rate</th><th>status</th><th>projected final return rate</th><th>projected final online share</th><th>in progress (saved, not returned)</th></tr></thead><tbody><tr>"
        body += "<td class=n>\(a.households)</td><td class=n>\(a.returns)</td><td class=n><strong>\(pct(a.returnRate))</strong></td><td class=n><strong>\(a.onlineShare.map(pct) ?? "–")</strong></td>"
            + "<td class=n>\(pct(figures.target)) \(a.onlineShare.map { $0 >= figures.target ? "(met)" : "(not met)" } ?? "")</td><td class=n>\(pct(a.expected))</td><td class=\(a.status.rawValue)>\(a.status.rawValue)</td>"
            + "<td class=n>\(pct(a.projectedRate))</td><td class=n>\(a.projectedOnlineShare.map(pct) ?? "–")</td><td class=n>\(a.inProgress)</td></tr></tbody></table>\n"
        body += "<p class=note>A high online share is shown beside the return rate on purpose: it cannot hide a low return rate.</p>\n"
        body += "<h2>Returns by day</h2>\n" + dailyChart() + "\n" + cumulativeChart() + "\n" + lateReturnsNote()
        body += "<h2>Return rates by local authority</h2>\n" + rankedChart() + "\n"
        body += "<table><thead><tr><th>local authority</th><th class=n>households</th><th class=n>returns</th><th class=n>return rate</th><th class=n>online share</th><th class=n>expected</th><th>status</th><th class=n>projected final rate</th><th class=n>projected online share</th></tr></thead><tbody>\n"
        for x in rankedAuthorities {
            body += "<tr><td>\(HTML.escape(x.code))</td><td class=n>\(x.households)</td><td class=n>\(x.returns)</td><td class=n>\(pct(x.returnRate))</td><td class=n>\(x.onlineShare.map(pct) ?? "–")</td><td class=n>\(pct(x.expected))</td><td class=\(x.status.rawValue)>\(x.status.rawValue)</td><td class=n>\(pct(x.projectedRate))</td><td class=n>\(x.projectedOnlineShare.map(pct) ?? "–")</td></tr>\n"
        }
        body += "</tbody></table>\n"
        body += "<h2>Tables (all areas)</h2>\n"
        for (k, table) in tables.tabulator.tables.enumerated() {
            body += "<h3>\(HTML.escape(table.definition.title))</h3>\n" + pivot(k) + "\n"
        }
        body += "<h2>Method</h2>\n<p>\(HTML.escape(ProgressFigures.statusRule))</p>\n<p>\(HTML.escape(ProgressFigures.projectionMethod))</p>\n"
        body += "<p>Expected return rates: \(HTML.escape(figures.expectedSource)).</p>\n"
        body += "<pre>\(HTML.escape(tables.readme))</pre>\n"
        body += "<p>The same figures as CSV: <code>report/headline.csv</code>, <code>report/daily-returns.csv</code>, <code>report/return-rates-by-area.csv</code>, <code>progress/*.csv</code>, <code>tables/*.csv</code>.</p>\n"
        return HTML.page(title: "\(title): progress report", body: body)
    }

    /// Table k for all areas: first dimension down, second across (with "all" margins).
    func pivot(_ k: Int) -> String {
        let table = tables.tabulator.tables[k]
        let rowsDim = table.dimensions[0]
        let colsDim: CompiledTable.Dimension? = table.dimensions.count > 1 ? table.dimensions[1] : nil
        let colChoices: [Int?] = colsDim.map { $0.categories.indices.map { Optional($0) } + [nil] } ?? [nil]
        var html = "<table><thead><tr><th>\(HTML.escape(rowsDim.variable))</th>"
        for c in colChoices { html += "<th class=n>\(HTML.escape(c.map { colsDim!.categories[$0].label } ?? "All"))</th>" }
        html += "</tr></thead><tbody>"
        for r in rowsDim.categories.indices.map({ Optional($0) }) + [nil] {
            html += "<tr><th>\(HTML.escape(r.map { rowsDim.categories[$0].label } ?? "All"))</th>"
            for c in colChoices {
                let cell = tables.cell(k, area: nil, colsDim == nil ? [r] : [r, c])
                html += "<td class=n>\(cell.published.map(String.init) ?? (cell.count == 0 ? "0" : "<10"))</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table>"
    }

    // MARK: Charts (SVG)

    /// Days without any return after which later returns are left off the daily charts.
    static let lateGapDays = 30

    /// The days the two daily charts draw: from the first day to the last day with a return
    /// before a run of more than ``lateGapDays`` days with none. Returns after such a gap (a
    /// paper form keyed months late, a test submission) would squeeze the whole collection into
    /// a sliver at the charts' left edge (one return in 2026 did, in a 2021 collection); they
    /// are counted in a note under the charts instead, and stay in `report/daily-returns.csv`.
    ///
    /// - returns: the points drawn, and the late returns (how many, and the first one's day).
    func charted(_ points: [(Int, Point)]) -> (drawn: ArraySlice<(Int, Point)>, late: (returns: Int, firstDay: Int)?) {
        var lastWithReturns: Int?
        for (k, (day, p)) in points.enumerated() where p.online + p.paper > 0 {
            if let last = lastWithReturns, day - points[last].0 > Self.lateGapDays {
                let late = points[k...].reduce(0) { $0 + $1.1.online + $1.1.paper }
                return (points[...last], (late, day))
            }
            lastWithReturns = k
        }
        return (points[...], nil)
    }

    /// The note under the daily charts for returns left off them (``charted(_:)``), or "".
    func lateReturnsNote() -> String {
        guard let late = charted(cumulative(code: "ALL", households: figures.all.households)).late else { return "" }
        return "<p class=note>Not drawn: \(late.returns) return\(late.returns == 1 ? "" : "s") received from \(figures.date(late.firstDay)) on, "
            + "after more than \(Self.lateGapDays) days with none (they are in the figures above and in report/daily-returns.csv).</p>\n"
    }

    func dailyChart() -> String {
        let points = Array(charted(cumulative(code: "ALL", households: figures.all.households)).drawn)
        guard !points.isEmpty else { return "<p>No returns yet.</p>" }
        let width = 900.0, height = 260.0, left = 60.0, bottom = 40.0, top = 20.0
        let maxValue = max(1, points.map { $0.1.online + $0.1.paper }.max() ?? 1)
        let step = (width - left - 10) / Double(points.count)
        var svg = "<svg role=\"img\" aria-label=\"Returns per day, online and paper\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>Returns per day, online and paper</title>"
        for tick in ticks(maxValue) {
            let y = height - bottom - (height - bottom - top) * Double(tick) / Double(maxValue)
            svg += "<line x1=\"\(left)\" x2=\"\(width - 10)\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#e0e0e0\"/><text x=\"\(left - 6)\" y=\"\(f(y + 4))\" font-size=\"11\" text-anchor=\"end\">\(tick)</text>"
        }
        for (k, (day, p)) in points.enumerated() {
            let x = left + Double(k) * step
            let hOnline = (height - bottom - top) * Double(p.online) / Double(maxValue)
            let hPaper = (height - bottom - top) * Double(p.paper) / Double(maxValue)
            let y0 = height - bottom
            svg += "<rect x=\"\(f(x + 1))\" y=\"\(f(y0 - hOnline))\" width=\"\(f(max(1, step - 2)))\" height=\"\(f(hOnline))\" fill=\"#1d70b8\"><title>\(figures.date(day)): \(p.online) online</title></rect>"
            svg += "<rect x=\"\(f(x + 1))\" y=\"\(f(y0 - hOnline - hPaper))\" width=\"\(f(max(1, step - 2)))\" height=\"\(f(hPaper))\" fill=\"#f47738\"><title>\(figures.date(day)): \(p.paper) paper</title></rect>"
            if day == figures.censusDay {
                svg += "<line x1=\"\(f(x + step / 2))\" x2=\"\(f(x + step / 2))\" y1=\"\(top)\" y2=\"\(height - bottom)\" stroke=\"#0b0c0c\" stroke-dasharray=\"4 3\"/><text x=\"\(f(x + step / 2 + 4))\" y=\"\(top + 10)\" font-size=\"11\">census day</text>"
            }
        }
        for k in stride(from: 0, to: points.count, by: max(1, points.count / 8)) {
            svg += "<text x=\"\(f(left + Double(k) * step))\" y=\"\(height - bottom + 16)\" font-size=\"11\">\(figures.date(points[k].0).suffix(5))</text>"
        }
        svg += "<rect x=\"\(left)\" y=\"\(height - 14)\" width=\"10\" height=\"10\" fill=\"#1d70b8\"/><text x=\"\(left + 14)\" y=\"\(height - 5)\" font-size=\"11\">online</text>"
        svg += "<rect x=\"\(left + 70)\" y=\"\(height - 14)\" width=\"10\" height=\"10\" fill=\"#f47738\"/><text x=\"\(left + 84)\" y=\"\(height - 5)\" font-size=\"11\">paper</text>"
        return svg + "</svg>"
    }

    func cumulativeChart() -> String {
        let points = Array(charted(cumulative(code: "ALL", households: figures.all.households)).drawn)
        guard !points.isEmpty else { return "" }
        let width = 900.0, height = 260.0, left = 60.0, bottom = 40.0, top = 20.0
        let step = (width - left - 10) / Double(max(1, points.count - 1))
        func y(_ v: Double) -> Double { height - bottom - (height - bottom - top) * v }
        func x(_ k: Int) -> Double { left + Double(k) * step }
        var svg = "<svg role=\"img\" aria-label=\"Cumulative return rate and online share against the target\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>Cumulative return rate and online share against the \(ProgressFigures.percent(figures.target)) online target</title>"
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            svg += "<line x1=\"\(left)\" x2=\"\(width - 10)\" y1=\"\(f(y(tick)))\" y2=\"\(f(y(tick)))\" stroke=\"#e0e0e0\"/><text x=\"\(left - 6)\" y=\"\(f(y(tick) + 4))\" font-size=\"11\" text-anchor=\"end\">\(Int(tick * 100))%</text>"
        }
        svg += "<line x1=\"\(left)\" x2=\"\(width - 10)\" y1=\"\(f(y(figures.target)))\" y2=\"\(f(y(figures.target)))\" stroke=\"#d4351c\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/><text x=\"\(width - 12)\" y=\"\(f(y(figures.target) - 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#d4351c\">\(ProgressFigures.percent(figures.target)) online target</text>"
        func path(_ values: [Double?]) -> String {
            var d = ""
            for (k, v) in values.enumerated() {
                guard let v else { continue }
                d += (d.isEmpty ? "M" : "L") + "\(f(x(k))),\(f(y(v)))"
            }
            return d
        }
        svg += "<path d=\"\(path(points.map { $0.1.expected }))\" fill=\"none\" stroke=\"#505a5f\" stroke-dasharray=\"2 3\" stroke-width=\"1.5\"/>"
        svg += "<path d=\"\(path(points.map { $0.1.rate }))\" fill=\"none\" stroke=\"#00703c\" stroke-width=\"2.5\"/>"
        svg += "<path d=\"\(path(points.map { $0.1.share }))\" fill=\"none\" stroke=\"#1d70b8\" stroke-width=\"2.5\"/>"
        svg += "<rect x=\"\(left)\" y=\"\(height - 14)\" width=\"10\" height=\"10\" fill=\"#00703c\"/><text x=\"\(left + 14)\" y=\"\(height - 5)\" font-size=\"11\">cumulative return rate</text>"
        svg += "<rect x=\"\(left + 170)\" y=\"\(height - 14)\" width=\"10\" height=\"10\" fill=\"#1d70b8\"/><text x=\"\(left + 184)\" y=\"\(height - 5)\" font-size=\"11\">cumulative online share</text>"
        svg += "<rect x=\"\(left + 350)\" y=\"\(height - 14)\" width=\"10\" height=\"10\" fill=\"#505a5f\"/><text x=\"\(left + 364)\" y=\"\(height - 5)\" font-size=\"11\">expected return rate</text>"
        return svg + "</svg>"
    }

    func rankedChart() -> String {
        let ranked = rankedAuthorities
        guard !ranked.isEmpty else { return "" }
        // The label after each bar ("93.1% returned · 92.3% online · amber") takes up to about
        // 260 units at font size 12: the bars leave it room inside the 900-unit view box.
        let rowHeight = 22.0, left = 110.0, width = 900.0, barWidth = 480.0
        let height = Double(ranked.count) * rowHeight + 30
        var svg = "<svg role=\"img\" aria-label=\"Return rates by local authority, ranked, with status and online share\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>Return rates by local authority, ranked</title>"
        let colours: [RAGStatus: String] = [.green: "#00703c", .amber: "#ffdd00", .red: "#d4351c"]
        for (n, a) in ranked.enumerated() {
            let y = Double(n) * rowHeight + 4
            svg += "<text x=\"\(left - 6)\" y=\"\(f(y + 14))\" font-size=\"12\" text-anchor=\"end\">\(HTML.escape(a.code))</text>"
            svg += "<rect x=\"\(left)\" y=\"\(f(y))\" width=\"\(f(barWidth * a.returnRate))\" height=\"\(f(rowHeight - 6))\" fill=\"\(colours[a.status]!)\"><title>\(HTML.escape(a.code)): \(ProgressFigures.percent(a.returnRate)) returned, \(a.status.rawValue)</title></rect>"
            svg += "<line x1=\"\(f(left + barWidth * a.expected))\" x2=\"\(f(left + barWidth * a.expected))\" y1=\"\(f(y - 2))\" y2=\"\(f(y + rowHeight - 4))\" stroke=\"#0b0c0c\" stroke-width=\"2\"/>"
            svg += "<text x=\"\(f(left + barWidth + 8))\" y=\"\(f(y + 14))\" font-size=\"12\">\(ProgressFigures.percent(a.returnRate)) returned · \(a.onlineShare.map(ProgressFigures.percent) ?? "–") online · \(a.status.rawValue)</text>"
        }
        svg += "<text x=\"\(left)\" y=\"\(f(height - 6))\" font-size=\"11\">bar: return rate (colour: status); black mark: expected return rate by now</text>"
        return svg + "</svg>"
    }

    private func ticks(_ maxValue: Int) -> [Int] {
        let raw = Double(maxValue) / 4
        let magnitude = pow(10, floor(log10(max(raw, 1))))
        let step = max(1, Int((raw / magnitude).rounded(.up) * magnitude))
        return Array(stride(from: 0, through: maxValue, by: step))
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }
}

