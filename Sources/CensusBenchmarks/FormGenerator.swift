
/// Writes synthetic questionnaires of any size for the compiler benchmarks: realistic mixes of
/// answer types, routing on earlier answers, derived values, checks and Welsh text, either
/// flat (household sections) or with sections nested inside a roster.
struct FormGenerator {
    var questions: Int
    /// Put the sections inside a roster, nested three deep, as per-person questions are.
    var nestedInRoster: Bool

    func source() -> String {
        var out = """
            questionnaire generated {
              version "1"
              title "Generated form" cy "Ffurflen a gynhyrchwyd"
              languages en, cy
              census_date 2021-03-21

              choices level {
                low "Low" cy "Isel"
                medium "Medium" cy "Canolig"
                high "High" cy "Uchel"
                other "Other" cy "Arall" specify "Describe" cy "Disgrifiwch"
              }
              choices features {
                a "Feature A" cy "Nodwedd A"
                b "Feature B" cy "Nodwedd B"
                none "None of these" cy "Dim un o'r rhain" exclusive
              }

            """
        let indent = nestedInRoster ? "    " : "  "
        if nestedInRoster {
            out += """
                  roster people "People" cy "Pobl" max 30 {
                    question first_name: text max 35 required "First name" cy "Enw cyntaf"
                    question dob: date census_date - 115y ... census_date required "Date of birth of {first_name}" cy "Dyddiad geni {first_name}"
                    let age = years_between(dob, census_date)

                """
        }
        let perSection = 20
        var q = 0
        var section = 0
        while q < questions {
            let sectionWhen = section % 3 == 1 && q > 0 ? " when q\(q - 1) is answered" : ""
            if nestedInRoster {
                out += "\(indent)section s\(section) \"Section \(section)\" cy \"Adran \(section)\"\(section % 2 == 0 ? " when age >= 16" : "") {\n"
                out += "\(indent)  section s\(section)_inner \"Part \(section)\" cy \"Rhan \(section)\"\(sectionWhen) {\n"
            } else {
                out += "\(indent)section s\(section) \"Section \(section)\" cy \"Adran \(section)\"\(sectionWhen) {\n"
            }
            let body = indent + (nestedInRoster ? "    " : "  ")
            for _ in 0..<perSection where q < questions {
                out += question(q, indent: body)
                q += 1
            }
            if nestedInRoster { out += "\(indent)  }\n" }
            out += "\(indent)}\n"
            section += 1
        }
        if nestedInRoster { out += "  }\n" }
        out += "}\n"
        return out
    }

    private func question(_ i: Int, indent: String) -> String {
        let pipe = nestedInRoster ? "{first_name}" : i > 0 ? "{q0}" : "you"
        let label = "\"Question \(i) for \(pipe)?\" cy \"Cwestiwn \(i) ar gyfer \(pipe)?\""
        let hint = i % 4 == 0 ? "\n\(indent)  hint \"A hint\" cy \"Awgrym\"" : ""
        // Route on the previous question, by the previous question's type.
        var when = ""
        if i > 0 {
            switch (i - 1) % 5 {
            case 0: when = " when q\(i - 1) is answered"
            case 1: when = " when q\(i - 1) >= 3 and q\(i - 1) < 90"
            case 2: when = " when q\(i - 1) in [low, medium]"
            case 3: when = " when not (q\(i - 1) contains none)"
            default: when = nestedInRoster && i % 2 == 0 ? " when age >= 5" : ""
            }
        }
        var text: String
        switch i % 5 {
        case 0: text = "\(indent)question q\(i): text max 60\(when) \(label)\(hint)\n"
        case 1: text = "\(indent)question q\(i): integer 0...99\(when) \(label)\(hint)\n"
        case 2: text = "\(indent)question q\(i): one_of(level)\(when) \(label)\(hint)\n"
        case 3: text = "\(indent)question q\(i): any_of(features)\(when) \(label)\(hint)\n"
        default: text = "\(indent)question q\(i): date census_date - 115y ... census_date\(when) \(label)\(hint)\n"
        }
        if i % 5 == 1 && i % 10 == 1 {
            text += "\(indent)let d\(i) = q\(i) * 2\n"
            text += "\(indent)warning w\(i) when d\(i) > 150 \"Value {q\(i)} is high\" cy \"Mae gwerth {q\(i)} yn uchel\"\n"
        }
        return text
    }
}
