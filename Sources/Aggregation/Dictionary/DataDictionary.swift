import Foundation
import Questionnaire

/// The codebook of the export, generated from the compiled schemas: every column of every
/// table, its type, its question text and its codes with their labels in each language, who
/// is asked it (the routing in words), and its universe in the data (rows where it was
/// answered, asked and not answered, answered with no valid value, skipped by the routing, or
/// not on the row's form). `dictionary/dictionary.csv` and `dictionary/dictionary.html`.
struct DataDictionary {
    let layout: ExportLayout
    let counts: VariableCounts

    struct Entry {
        var table: String
        var column: ExportColumn
        var kind: String
        var text: [String: String]
        var codes: [(code: String, labels: [String: String])]
        var whoIsAsked: String
        var states: [Int]
        var rows: Int
    }

    var languages: [String] {
        var out: [String] = []
        for s in layout.schemas { for l in s.languages where !out.contains(l) { out.append(l) } }
        return out
    }

    func entries() -> [Entry] {
        let routings = layout.schemas.map(RoutingInWords.init)
        var out: [Entry] = []
        for (t, table) in layout.tables.enumerated() {
            for (c, column) in table.columns.enumerated() {
                var entry = Entry(table: table.name, column: column, kind: "", text: [:], codes: [], whoIsAsked: "",
                                  states: Array(counts.states(table: t, column: c)), rows: counts.rows[t])
                switch column.source {
                case .fixed(let f):
                    entry.kind = "added by the export"
                    entry.text = ["en": f.meaning]
                    if f == .returnKind { entry.codes = [("submitted", ["en": "online submission"]), ("paper", ["en": "paper return"]), ("partial", ["en": "online save"])] }
                    if f == .returnChannel || f == .firstReturnChannel { entry.codes = [("online", ["en": "online"]), ("paper", ["en": "paper"])] }
                    entry.whoIsAsked = "Every row"
                case .notAnswered:
                    entry.kind = "added by the export"
                    entry.text = column.label ?? [:]
                    entry.whoIsAsked = "Every row"
                case .derived(let id):
                    entry.kind = "derived"
                    for (k, schema) in layout.schemas.enumerated() {
                        guard let d = schema.derived.first(where: { $0.id == id }) else { continue }
                        entry.text = ["en": "Derived: " + routings[k].words(d.expression)]
                        entry.whoIsAsked = "Computed for every row where its answers are given"
                        break
                    }
                case .answer(let id, let part):
                    entry.kind = part == .value ? "question" : "question (part)"
                    for (k, schema) in layout.schemas.enumerated() {
                        guard let q = schema.questions.first(where: { $0.id == id }) else { continue }
                        if entry.text.isEmpty {
                            entry.text = q.label
                            if part != .value { entry.text = entry.text.mapValues { $0 + " [" + partName(part) + "]" } }
                            entry.whoIsAsked = routings[k].whoIsAsked(question: id)
                        }
                        if part == .value, let list = q.type.choiceList, let options = schema.choiceLists.first(where: { $0.id == list })?.options {
                            for o in options where !entry.codes.contains(where: { $0.code == o.id }) {
                                entry.codes.append((o.id, o.label))
                            }
                        }
                    }
                }
                out.append(entry)
            }
        }
        return out
    }

    private func partName(_ part: AnswerPart) -> String {
        switch part {
        case .value: return "answer"
        case .detail: return "please specify"
        case .line(let n): return "address line \(n)"
        case .town: return "town"
        case .postcode: return "postcode"
        case .country: return "country"
        }
    }

    func documents() -> [OutputDocument] {
        let entries = entries()
        let langs = languages
        var csv = (["table", "column", "type", "kind"] + langs.map { "text_\($0)" } + ["who_is_asked"] + langs.map { "codes_\($0)" }
            + ["rows", "answered", "asked_not_answered", "answered_invalid", "skipped_by_routing", "not_on_form"]).joined(separator: ",") + "\n"
        for e in entries {
            var cells = [e.table, e.column.name, e.column.type.rawValue, e.kind].map(CSVCell.string)
            cells += langs.map { CSVCell.string(e.text[$0] ?? "") }
            cells.append(CSVCell.string(e.whoIsAsked))
            cells += langs.map { l in CSVCell.string(e.codes.map { "\($0.code)=\($0.labels[l] ?? $0.labels["en"] ?? "")" }.joined(separator: " | ")) }
            let s = e.states
            let isVariable: Bool
            switch e.column.source { case .answer, .derived: isVariable = true; default: isVariable = false }
            cells.append(String(e.rows))
            if isVariable {
                cells += [s[VariableCounts.answered], s[VariableCounts.notAnswered], s[VariableCounts.invalid], s[VariableCounts.skipped], s[VariableCounts.notInForm]].map(String.init)
            } else {
                cells += [String(e.rows), "", "", "", ""]
            }
            csv += cells.joined(separator: ",") + "\n"
        }
        return [
            OutputDocument(path: "dictionary/dictionary.csv", kind: "dictionary", format: "csv", rows: entries.count, data: Data(csv.utf8)),
            OutputDocument(path: "dictionary/dictionary.html", kind: "dictionary", format: "html", rows: nil, data: Data(html(entries).utf8)),
        ]
    }

    func html(_ entries: [Entry]) -> String {
        let langs = languages
        var body = ""
        for table in layout.tables {
            let rows = entries.filter { $0.table == table.name }
            body += "<h2 id=\"\(HTML.escape(table.name))\">\(HTML.escape(table.name)) <small>(\(HTML.escape(table.unit.description)), \(rows.first?.rows ?? 0) rows)</small></h2>\n"
            body += "<table><thead><tr><th>column</th><th>type</th>" + langs.map { "<th>text (\($0))</th>" }.joined()
                + "<th>who is asked</th><th>codes</th><th class=n>answered</th><th class=n>asked, not answered</th><th class=n>invalid</th><th class=n>skipped by routing</th><th class=n>not on form</th></tr></thead><tbody>\n"
            for e in rows {
                let codes = e.codes.isEmpty ? "" : "<ul>" + e.codes.map { c in
                    "<li><code>\(HTML.escape(c.code))</code> " + langs.compactMap { l in c.labels[l].map { "<span lang=\"\(l)\">\(HTML.escape($0))</span>" } }.joined(separator: " / ") + "</li>"
                }.joined() + "</ul>"
                let s = e.states
                let isVariable: Bool
                switch e.column.source { case .answer, .derived: isVariable = true; default: isVariable = false }
                let numbers = isVariable
                    ? [s[VariableCounts.answered], s[VariableCounts.notAnswered], s[VariableCounts.invalid], s[VariableCounts.skipped], s[VariableCounts.notInForm]].map { "<td class=n>\($0)</td>" }.joined()
                    : "<td class=n>\(e.rows)</td><td></td><td></td><td></td><td></td>"
                body += "<tr><td><code>\(HTML.escape(e.column.name))</code><br><small>\(HTML.escape(e.kind))</small></td><td>\(e.column.type.rawValue)</td>"
                    + langs.map { "<td lang=\"\($0)\">\(HTML.escape(e.text[$0] ?? ""))</td>" }.joined()
                    + "<td>\(HTML.escape(e.whoIsAsked))</td><td>\(codes)</td>\(numbers)</tr>\n"
            }
            body += "</tbody></table>\n"
        }
        let schemas = layout.schemas.map { "\(HTML.escape($0.id)) \(HTML.escape($0.version)) <code>\(HTML.escape($0.hash))</code>" }.joined(separator: "<br>")
        return HTML.page(title: "Data dictionary", body: "<h1>Data dictionary</h1><p>Generated from the compiled questionnaire schema\(layout.schemas.count == 1 ? "" : "s"):<br>\(schemas)</p>\n<p>Tables: " + layout.tables.map { "<a href=\"#\(HTML.escape($0.name))\">\(HTML.escape($0.name))</a>" }.joined(separator: ", ") + "</p>\n" + body)
    }
}

/// Small HTML helpers: every page is self-contained (inline style, no script, no external asset).
enum HTML {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:1.5rem;color:#0b0c0c;max-width:80rem}
        h1{font-size:1.8rem}h2{font-size:1.3rem;margin-top:2rem}
        table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.85rem}
        th,td{border:1px solid #b1b4b6;padding:.25rem .4rem;vertical-align:top;text-align:left}
        th{background:#f3f2f1}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
        ul{margin:0;padding-left:1rem}small{color:#505a5f}code{font-size:.85em}
        .green{background:#cce2d8}.amber{background:#fff7bf}.red{background:#f4cdc6}
        .note{border-left:4px solid #1d70b8;padding:.3rem .8rem;background:#f3f8fc}
        .warning{border-left:4px solid #d4351c;padding:.3rem .8rem;background:#fcf3f1;font-weight:bold}
        svg text{font-family:inherit}
        """

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title><style>\(style)</style></head>
        <body>
        \(body)
        </body></html>

        """
    }
}
