import CensusCommandLine
import Foundation
import Questionnaire

/// A short description of a compiled schema, for people.
struct FormSummary {
    let schema: Schema

    var text: String {
        var out = "\(schema.title[schema.languages[0]] ?? schema.id) (\(schema.id) version \(schema.version))\n"
        out += "  census date     \(schema.censusDate.iso)\n"
        out += "  languages       \(schema.languages.joined(separator: ", "))\n"
        let sections = schema.containers.filter { $0.kind == .section }
        let pages = schema.containers.filter { $0.kind == .page }
        let topLevel = sections.filter { $0.parent == nil }.map(\.id)
        out += "  sections        \(sections.count): \(topLevel.count) at the top (\(topLevel.joined(separator: ", "))), \(sections.count - topLevel.count) nested\n"
        out += "  pages           \(pages.count) grouped, plus one per ungrouped question\n"
        var byScope: [String: Int] = [:]
        for q in schema.questions { byScope[q.scope.description, default: 0] += 1 }
        out += "  questions       \(schema.questions.count): " + byScope.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + "\n"
        out += "  required        \(schema.questions.filter(\.required).count)\n"
        out += "  routed          \(counted(schema.questions.filter { $0.when != nil }.count, "question")) and \(counted(schema.containers.filter { $0.when != nil }.count, "block")) with conditions, \(counted(schema.endings.count, "early end"))\n"
        if !schema.variants.isEmpty { out += "  variants        \(schema.variants.joined(separator: ", "))\n" }
        for roster in schema.containers where roster.kind == .roster {
            out += "  roster          \(roster.id): \(roster.minMembers ?? 0) to \(counted(roster.maxMembers ?? 0, "member"))\n"
        }
        for block in schema.containers where block.kind == .relationships {
            out += "  relationships   \(block.id) over \(block.roster ?? "?") (every pair once; unrelated shortcut: \(block.unrelatedOption ?? "none"))\n"
        }
        var severities: [String: Int] = [:]
        for c in schema.checks { severities[c.severity.rawValue, default: 0] += 1 }
        out += "  checks          \(schema.checks.count): " + severityOrder.compactMap { s in severities[s].map { counted($0, s == "confirm" ? "confirmation" : s) } }.joined(separator: ", ") + "\n"
        out += "  derived values  \(schema.derived.map(\.id).joined(separator: ", "))\n"
        out += "  choice lists    \(schema.choiceLists.count)\n"
        out += "  schema hash     \(schema.hash)\n"
        return out
    }

    private var severityOrder: [String] { ["error", "warning", "confirm"] }
}
