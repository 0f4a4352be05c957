import Foundation
import Questionnaire

/// A ``KeyingSheet``'s sections as the keying page draws them (`staff-keying-sections`): one
/// section per block, each field as the household pages draw it (``QuestionFields``), except
/// that a choice is a box for its code with the codes listed beside it, as on paper.
struct KeyingSheetPage {
    let sheet: KeyingSheet
    let reader: QuestionFields
    /// The household's address, put where the sheet has ``KeyingSheet/addressMark``.
    let address: String

    init(_ sheet: KeyingSheet, address: String) {
        self.sheet = sheet
        self.address = address
        reader = QuestionFields(schema: sheet.schema, language: sheet.language)
    }

    /// The sections' HTML: with the `posted` fields shown back (nil: blank), each field's hard
    /// error and warnings (by field name); `summary` gets a link to each field in error, in
    /// page order (`href`, `text`). Still address-marked: the caller fills the address in
    /// (``KeyingSheetCache/blankSections(_:render:)``, ``filled(_:)``).
    func sections(_ templates: Templates, posted: FormFields?, errors: [String: String], warnings: [String: [String]],
                  summary: inout [[String: String]]) throws -> String {
        var links: [[String: String]] = []
        let blocks = sheet.blocks.map { block -> [String: Any] in
            ["heading": block.heading, "fields": block.fields.map { field -> [String: Any] in
                let error = errors[field.name]
                if let error { links.append(["href": "#" + firstInput(field), "text": "\(self.where(field)): \(error)"]) }
                var v = view(field, posted: posted, error: error)
                if let notes = warnings[field.name] { v["warnings"] = notes }
                return v
            }]
        }
        summary += links
        return try templates.render("staff-keying-sections", ["blocks": blocks])
    }

    /// HTML drawn from the sheet, cut at each ``KeyingSheet/addressMark``, with the household's
    /// address (escaped as the templates escape text) between the parts.
    func filled(_ parts: [String]) -> String {
        parts.count == 1 ? parts[0] : parts.joined(separator: CensusHTML.escape(address))
    }

    /// A field as the household pages draw it, but a choice is a box for its code with the
    /// codes listed beside it.
    func view(_ field: KeyingSheet.Field, posted: FormFields?, error: String?) -> [String: Any] {
        switch field.question.type {
        case .oneOf, .anyOf:
            let multiple: Bool
            if case .anyOf = field.question.type { multiple = true } else { multiple = false }
            var v: [String: Any] = [
                "isCode": true, "id": field.name, "name": field.name, "label": field.presented.label,
                "codeHint": multiple ? "Type the codes of every box ticked, separated by spaces" : "Type the code of the box ticked",
                "value": posted?.first(field.name) ?? "",
                "codes": field.presented.options.enumerated().map { k, option -> [String: Any] in
                    var o: [String: Any] = ["code": k + 1, "label": option.label]
                    if let prompt = option.detailPrompt {
                        o["specify"] = ["id": "\(field.name)-\(option.id)-detail", "name": "\(field.name)-\(option.id)-detail", "label": "\(k + 1): \(prompt)",
                                        "value": posted?.first("\(field.name)-\(option.id)-detail") ?? ""]
                    }
                    return o
                },
            ]
            if let error { v["error"] = error }
            v["describedBy"] = ([field.name + "-codes"] + (error != nil ? [field.name + "-error"] : [])).joined(separator: " ")
            return v
        default:
            return reader.view(field.question, field.presented, name: field.name, answer: nil, posted: posted, error: error, asHeading: false)
        }
    }

    /// The id of a field's first input (where an error summary's link goes).
    func firstInput(_ field: KeyingSheet.Field) -> String {
        switch field.question.type {
        case .oneOf, .anyOf: return field.name
        default: return reader.firstInputID(field.question, name: field.name)
        }
    }

    /// Where a field is, for summaries and findings (``KeyingSheet/where(_:address:)``).
    func `where`(_ field: KeyingSheet.Field) -> String {
        sheet.where(field, address: address)
    }
}
