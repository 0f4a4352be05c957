import Questionnaire

extension Checker {
    /// The compiled schema, sealed with its content hash.
    func buildSchema() -> Schema {
        func lower(_ o: OptionDecl, list: String) -> ChoiceList.Option {
            ChoiceList.Option(
                id: o.name.text, label: localized(o.label), exclusive: o.exclusive,
                specify: o.specify.flatMap { s in
                    s.prompt.map { prompt in
                        ChoiceList.Specify(
                            prompt: localized(prompt), maxLength: o.number == nil ? s.max ?? 100 : 0,
                            number: o.number.map { ChoiceList.NumberRange(min: $0.low, max: $0.high) })
                    }
                },
                description: o.description.map(localized), when: optionConditions[list]?[o.name.text])
        }
        var lists: [ChoiceList] = []
        if let declared = choiceLists["yes_no"], declared.used, !declared.options.isEmpty {
            // The form's own labels, in the built-in order.
            lists.append(
                ChoiceList(id: "yes_no", options: ["yes", "no"].compactMap { id in
                    declared.options.first { $0.name.text == id }.map { lower($0, list: "yes_no") }
                }))
        } else if choiceLists["yes_no"]?.used == true {
            lists.append(
                ChoiceList(id: "yes_no", options: [
                    .init(id: "yes", label: builtIn(["en": "Yes", "cy": "Ie"])),
                    .init(id: "no", label: builtIn(["en": "No", "cy": "Na"])),
                ]))
        }
        for id in (variantIDs.isEmpty ? [] : ["variant"]) + choiceListOrder + inlineListOrder {
            guard let info = choiceLists[id] else { continue }
            lists.append(ChoiceList(id: id, options: info.options.map { lower($0, list: id) }, orders: info.orders))
        }
        var schema = Schema(
            id: tree.name.text, version: version, title: title, languages: languages, censusDate: censusDate,
            choiceLists: lists, containers: containers, questions: questions,
            derived: derivedOrder.compactMap { s in
                s.lowered.map { DerivedValue(id: s.name.text, scope: s.scope, expression: $0, valueType: s.type.schemaName) }
            },
            checks: checks, endings: endings, variants: variantIDs,
            suggestions: suggestionOrder.compactMap { id in suggestionLists[id].map { SuggestionList(id: id, entries: $0.entries) } },
            messages: formMessages)
        schema.seal()
        return schema
    }

    /// The built-in yes_no labels are English and Welsh; a form in another language must give
    /// its own, or its respondents would read English in their language's screens.
    func checkBuiltInLabels() {
        guard let first = firstYesNo, !declaresYesNo, languagesDeclared else { return }
        for language in languages where !Self.builtInLanguages.contains(language) {
            error("missing-translation", "the built-in yes_no answers have no \(languageName(language)) labels", at: first,
                hint: "label them once for the whole form: choices yes_no { yes \"Yes\" \(language) \"...\" no \"No\" \(language) \"...\" }")
            return
        }
    }

    static let builtInLanguages: Set<String> = ["en", "cy"]

    /// Built-in labels in the declared languages (English where a language has none).
    private func builtIn(_ labels: LocalizedText) -> LocalizedText {
        var text: LocalizedText = [:]
        for language in languages { text[language] = labels[language] ?? labels["en"] }
        return text
    }
}
