import Foundation
import Questionnaire
import XCTest

@testable import QuestionnaireLanguage

/// The compiler faults found from outside (issue 14, "The compiler's diagnostics"), each kept
/// with the reported case and a few of its kind: one mistake, one diagnostic that says what it is.
final class ReportedDiagnosticFaultsTests: XCTestCase {
    func found(_ snippet: String) -> [String] {
        Support.found(Support.compile(snippet)).map { "\($0.line):\($0.column) [\($0.code)] \($0.message)" }
    }

    // MARK: Empty text is missing text

    func testEmptyOrBlankTextIsMissingText() {
        XCTAssertEqual(found(#"question a: integer "A" cy """#), ["1:28 [empty-text] the Welsh (cy) text of the label of question 'a' is empty"])
        XCTAssertEqual(found(#"question a: integer "A" cy "   ""#), ["1:28 [empty-text] the Welsh (cy) text of the label of question 'a' is empty"])
        XCTAssertEqual(found(#"question a: integer "" cy "A""#), ["1:21 [empty-text] the label of question 'a' is empty"])
        XCTAssertEqual(found("question a: integer \"\u{3000}\u{200B}\" cy \"A\""), ["1:21 [empty-text] the label of question 'a' is empty"])
        XCTAssertEqual(found(#"question a: integer "A" cy "A" hint " " cy "H""#), ["1:37 [empty-text] the hint of question 'a' is empty"])
        XCTAssertEqual(found(#"choices c { x "" cy "X" }"#), ["1:15 [empty-text] the label of option 'x' in 'c' is empty"])
        XCTAssertEqual(found(#"question a: integer "A" cy "A""# + "\n" + #"warning w when a > 3 "" cy "W""#),
                       ["2:22 [empty-text] the message of check 'w' is empty"])
        XCTAssertEqual(found(#"section s "" cy "S" { question a: integer "A" cy "A" }"#), ["1:11 [empty-text] the title of section 's' is empty"])
        let title = Compiler.compile(SourceFile(name: "t.census", text: """
            questionnaire t {
              version "1"
              title "" cy "T"
              languages en, cy
              census_date 2021-03-21
              question a: integer "A" cy "A"
            }
            """))
        XCTAssertEqual(title.diagnostics.map(\.message), ["the questionnaire's title is empty"])
        XCTAssertNil(title.schema)
    }

    func testEmptyTextOfEveryOtherKindIsMissingText() {
        XCTAssertEqual(found(#"choices c { a "A" cy "A" specify "" cy "S" b "B" cy "B" description " " cy "D" }"#), [
            "1:34 [empty-text] the 'please specify' prompt of option 'a' is empty",
            "1:69 [empty-text] the description of option 'b' is empty",
        ])
        XCTAssertEqual(found("page p \"P\" cy \"P\" { body \"\" cy \"B\" }"), ["1:26 [empty-text] the body of page 'p' is empty"])
        XCTAssertEqual(found(#"variants { england "" cy "Lloegr" wales "W" cy "" }"#), [
            "1:20 [empty-text] the label of option 'england' in 'variant' is empty",
            "1:48 [empty-text] the Welsh (cy) text of the label of option 'wales' in 'variant' is empty",
        ])
        // The version says which form a response answers: empty, it is missing too.
        for version in [#""""#, "\" \t\u{00A0}\""] {
            let result = Compiler.compile(SourceFile(name: "t.census", text: """
                questionnaire t {
                  version \(version)
                  title "T" cy "T"
                  languages en, cy
                  census_date 2021-03-21
                  question a: integer "A" cy "A"
                }
                """))
            XCTAssertEqual(result.diagnostics.map { "\($0.code): \($0.message)" }, ["empty-text: the questionnaire's version is empty"], version)
            XCTAssertNil(result.schema)
        }
    }

    // MARK: A condition on the question's own answer

    func testAConditionOnItsOwnAnswerThroughADerivedValueSaysSo() {
        // Reported as "asked later (line 9)" with the hint "move it after 'q'" (q itself).
        let result = Support.compile("""
            let plus_one = q + 1
            question q: integer 0...9 when plus_one > 1 "Q" cy "Q"
            """)
        let d = Support.found(result)
        XCTAssertEqual(d.map(\.description), [
            "2:32 [later-answer] 'plus_one' is computed from 'q', this question's own answer, which is not known yet here (hint: the condition of question 'q' is decided before 'q' is answered, so it cannot depend on that answer)"
        ])
        // Through two derived values, and in a range.
        XCTAssertEqual(found("let a = q * 2\nlet b = a + 1\nquestion q: integer when b > 3 \"Q\" cy \"Q\""),
                       ["3:26 [later-answer] 'b' is computed from 'q', this question's own answer, which is not known yet here"])
        let range = Support.found(Support.compile("let top = q + 1\nquestion q: integer 0...top \"Q\" cy \"Q\""))
        XCTAssertEqual(range.map(\.message), ["'top' is computed from 'q', this question's own answer, which is not known yet here"])
        XCTAssertEqual(range.first?.hint, "the range of question 'q' is what 'q' is checked against, so it cannot be computed from 'q' itself")
        // A later question is still "asked later".
        XCTAssertEqual(found("let x = r + 1\nquestion q: integer when x > 1 \"Q\" cy \"Q\"\nquestion r: integer \"R\" cy \"R\"").first,
                       "2:26 [later-answer] 'x' depends on 'r', which is asked later in the flow (line 9)")
    }

    func testAConditionOnWhatItsOwnBlockAsksSaysSo() {
        // The same kind for a section, page or roster: "asked later (line 7)" with the hint
        // "move it after 'q'" would move the condition inside the section it decides.
        let section = Support.found(Support.compile("section s \"S\" cy \"S\" when q > 1 {\n  question q: integer \"Q\" cy \"Q\"\n}"))
        XCTAssertEqual(section.map(\.description), [
            "1:27 [later-answer] 'q' is asked inside section 's' (hint: the condition of section 's' decides whether anything inside it is asked, so it cannot depend on those answers; put the condition on the questions after 'q' instead)"
        ])
        XCTAssertEqual(found("let d = q + 1\npage p \"P\" cy \"P\" when d > 1 {\n  question q: integer \"Q\" cy \"Q\"\n}"),
                       ["2:24 [later-answer] 'd' is computed from 'q', which is asked inside page 'p'"])
        let title = Support.found(Support.compile("section s \"S {q}\" cy \"S {q}\" {\n  question q: integer \"Q\" cy \"Q\"\n}"))
        XCTAssertEqual(title.map(\.message), ["'q' is asked inside section 's'"])
        XCTAssertEqual(title.first?.hint, "the title of section 's' is shown before anything inside it is answered, so it cannot pipe those answers")
        for condition in ["count(people) > 1", "any(people, n == \"x\")", "people[1].n == \"x\""] {
            let roster = Support.found(Support.compile("roster people \"P\" cy \"P\" when \(condition) { question n: text \"N\" cy \"N\" }"))
            XCTAssertEqual(roster.map(\.description), [
                "1:\(condition.hasPrefix("count") ? 37 : condition.hasPrefix("any") ? 35 : 31) [later-answer] roster 'people' cannot be used in its own condition (hint: the condition of roster 'people' decides whether its members are asked for, so it cannot depend on those answers)"
            ], condition)
        }
        // A per-member section's condition reads the member's earlier answers, as before; a
        // question after the block is still "asked later".
        XCTAssertEqual(found("roster people \"P\" cy \"P\" { question n: text \"N\" cy \"N\" }\nsection s \"S\" cy \"S\" for people when n == \"x\" { question m: text \"M\" cy \"M\" }"), [])
        XCTAssertEqual(found("section s \"S\" cy \"S\" when q > 1 {\n}\nquestion q: integer \"Q\" cy \"Q\""),
                       ["1:27 [later-answer] 'q' is asked later in the flow (line 9), so it is not known here"])
        // A question's own label piping its answer.
        XCTAssertEqual(Support.found(Support.compile(#"question q: integer "Q {q}" cy "Q {q}""#)).first?.hint,
                       "the text of question 'q' is shown before 'q' is answered, so it cannot pipe that answer")
    }

    // MARK: Names

    func testANameWithOtherLettersIsOneError() {
        // Two errors and no hint, before.
        let result = Support.compile(#"choices water { dŵr "Water" cy "Dŵr" }"#)
        XCTAssertEqual(Support.found(result).map(\.description), [
            "1:17 [syntax] 'dŵr' is not a name: names are written with the letters a to z and A to Z, digits and _ (hint: for example 'dwr')"
        ])
        XCTAssertEqual(found("question café: integer \"Café\" cy \"Caffi\"\nquestion b: integer when café > 1 \"B\" cy \"B\"").map { String($0.prefix(60)) },
                       ["1:10 [syntax] 'café' is not a name: names are written with t"])
        XCTAssertEqual(found(#"choices c { straße "Road" cy "Ffordd" größe "Size" cy "Maint" }"#).count, 2)
    }

    func testANameStartingWithADigitIsOneError() {
        // A second error, "found number 0", which is not in the source, before.
        XCTAssertEqual(found(#"choices beds { 1bed "One bed" cy "Un gwely" 2bed "Two beds" cy "Dau wely" }"#), [
            "1:16 [syntax] '1bed' is not a name: a name starts with a letter (a to z, A to Z), then letters, digits and _",
            "1:45 [syntax] '2bed' is not a name: a name starts with a letter (a to z, A to Z), then letters, digits and _",
        ])
        let d = Support.found(Support.compile(#"question 2nd_job: yes_no "Second job?" cy "Ail swydd?""#))
        XCTAssertEqual(d.map(\.code), ["syntax"])
        XCTAssertEqual(d.first?.hint, "for example 'nd_job_2'; a duration is a number and one of y, m, w, d (115y)")
    }

    func testANameWithHyphensIsOneErrorReadAsMeant() {
        // The same kind: `first-name` gave "expected ':' after the question's name (question
        // first: ...)", and its uses two undefined names each.
        let d = Support.found(Support.compile("""
            question first-name: text "F" cy "F"
            question r: integer when first-name == "x" "R {first-name}" cy "R {first-name}"
            """))
        XCTAssertEqual(d.map(\.description), [
            "1:10 [syntax] 'first-name' is not a name: names are written with the letters a to z and A to Z, digits and _ (hint: for example 'first_name')"
        ])
        XCTAssertEqual(Support.compile("""
            question first-name: text "F" cy "F"
            question r: integer when first-name == "x" "R {first-name}" cy "R {first-name}"
            """).diagnostics.first?.notes.count, 3, "each use is a note")
        XCTAssertEqual(found(#"choices c { one-bed "One" cy "Un" two "Two" cy "Dau" }"# + "\nquestion q: one_of(c) \"Q\" cy \"Q\"\nquestion r: integer when q == one-bed \"R\" cy \"R\""),
                       ["1:13 [syntax] 'one-bed' is not a name: names are written with the letters a to z and A to Z, digits and _"])
        XCTAssertEqual(found("question n-of-x: integer \"N\" cy \"N\"\nquestion r: integer when n-of-x-1 > 3 \"R\" cy \"R\"").count, 1)
        // With no hyphenated declaration, `a-b` is a subtraction.
        XCTAssertEqual(found("question a: integer \"A\" cy \"A\"\nquestion b: integer \"B\" cy \"B\"\nquestion r: integer when a-b > 1 \"R\" cy \"R\""), [])
    }

    // MARK: Flat chains

    func testAFlatChainOfOrIsNotNesting() {
        let terms = (0...200).map { "q == \($0)" }.joined(separator: " or ")
        XCTAssertEqual(found("question q: integer \"Q\" cy \"Q\"\nquestion r: integer when \(terms) \"R\" cy \"R\""), [])
        let long = (0...2_000).map { "q != \($0)" }.joined(separator: " and ")
        XCTAssertEqual(found("question q: integer \"Q\" cy \"Q\"\nquestion r: integer when \(long) \"R\" cy \"R\""), [])
    }

    // MARK: An unclosed list of options

    func testAMissingBraceAfterAnInlineListIsOneErrorAtTheBrace() throws {
        // The reported case: delete line 45 of questionnaires/example.census (the `}` of
        // landlord's options). Four errors, the first suggesting renaming `when`, before.
        var lines = String(decoding: try Support.read("questionnaires/example.census"), as: UTF8.self).components(separatedBy: "\n")
        XCTAssertEqual(lines[44].trimmingCharacters(in: .whitespaces), "}")
        lines.remove(at: 44)
        let result = Compiler.compile(SourceFile(name: "example.census", text: lines.joined(separator: "\n")))
        XCTAssertEqual(Support.found(result, lineOffset: 0).map(\.description), [
            "42:31 [syntax] this list of options is not closed (hint: add '}' after its last option (line 44))"
        ])
        XCTAssertEqual(result.diagnostics.first?.notes.map(\.message), ["keyword 'when' starts a new line here, which cannot be an option"])
        // The same with the label, a hint or the next question after the last option.
        for after in ["\"Who?\" cy \"Pwy?\"", "hint \"H\" cy \"H\"\n  \"Who?\" cy \"Pwy?\"", "required \"Who?\" cy \"Pwy?\""] {
            let d = Support.found(Support.compile("question q: one_of {\n    a \"A\" cy \"A\"\n    b \"B\" cy \"B\"\n  \(after)\nquestion r: integer \"R\" cy \"R\""))
            XCTAssertEqual(d.map(\.message), ["this list of options is not closed"], after)
        }
        XCTAssertEqual(found("choices c {\n  a \"A\" cy \"A\"\nquestion q: one_of(c) \"Q\" cy \"Q\""), ["1:11 [syntax] this list of options is not closed"])
        // An option's own condition may continue on the line below it, indented.
        XCTAssertEqual(found("question n: integer \"N\" cy \"N\"\nquestion q: one_of {\n    a \"A\" cy \"A\"\n      when n > 1\n  }\n  \"Q\" cy \"Q\""), [])
    }

    // MARK: Operators and quotes from other languages

    func testOperatorsFromOtherLanguagesAreOneErrorEach() {
        let q = "question a: integer \"A\" cy \"A\"\n"
        XCTAssertEqual(found(q + "question b: integer when a > 1 && a < 3 \"B\" cy \"B\""), ["2:32 [syntax] '&&' is not an operator here: write 'and'"])
        XCTAssertEqual(found(q + "question b: integer when a > 1 || a < 3 \"B\" cy \"B\""), ["2:32 [syntax] '||' is not an operator here: write 'or'"])
        XCTAssertEqual(found(q + "question b: integer when !(a > 1) \"B\" cy \"B\""), ["2:26 [syntax] '!' is not an operator here: write 'not'"])
        XCTAssertEqual(found(q + "question b: integer when a > 1 & a < 3 | a == 7 \"B\" cy \"B\"").count, 2)
    }

    func testOperatorsFromOtherLanguagesOrTypesetAreOneErrorEach() {
        // `≠` gave four errors (an unexpected character, then "no label", a type mismatch and a
        // stray number); the same kind as `&&`: one error each, read as the operator meant.
        let q = "question a: integer \"A\" cy \"A\"\n"
        for (written, meant, condition) in [
            ("≠", "!=", "a ≠ 1"), ("≤", "<=", "a ≤ 1"), ("≥", ">=", "a ≥ 1"), ("<>", "!=", "a <> 1"), ("===", "==", "a === 1"),
            ("!==", "!=", "a !== 1"), ("−", "-", "a − 1 > 2"), ("×", "*", "a × 2 > 2"), ("÷", "/", "a ÷ 2 > 2"),
        ] {
            XCTAssertEqual(found(q + "question b: integer when \(condition) \"B\" cy \"B\""),
                           ["2:28 [syntax] '\(written)' is not an operator here: write '\(meant)'"], written)
        }
        // Read as meant: what follows is checked as usual (a type mismatch after it is still found).
        XCTAssertEqual(found(q + "question b: text \"B\" cy \"B\"\nquestion c: integer when a ≥ b \"C\" cy \"C\"").count, 2)
        // `!=` and `==` themselves are operators.
        XCTAssertEqual(found(q + "question b: integer when a != 1 and a == 2 or not (a >= 3) \"B\" cy \"B\""), [])
    }

    func testAnUnclosedListOnOneLineIsOneErrorAtTheBrace() {
        // The label after the options, on their line, with the next item below.
        let q = "question a: integer \"A\" cy \"A\"\n"
        XCTAssertEqual(found(q + "question b: one_of { x \"X\" cy \"X\" y \"Y\" cy \"Y\" \"B\" cy \"B\"\nquestion c: integer \"C\" cy \"C\""),
                       ["2:20 [syntax] this list of options is not closed"])
        XCTAssertEqual(found(q + "question b: one_of { x \"X\" cy \"X\" y \"Y\" cy \"Y\" when a > 1 \"B\" cy \"B\" required"),
                       ["2:20 [syntax] this list of options is not closed"])
        XCTAssertEqual(found("section s \"S\" cy \"S\" {\n  question b: one_of { x \"X\" cy \"X\" \"B\" cy \"B\"\n}"),
                       ["2:22 [syntax] this list of options is not closed"])
        // An option whose name was left out is that, not an unclosed list.
        XCTAssertEqual(found(#"question b: one_of { x "X" cy "X" "Y" cy "Y" } "B" cy "B""#),
                       ["1:35 [syntax] expected an option name, found a string"])
        XCTAssertEqual(found("question b: one_of { x \"X\" cy \"X\" \"Y\" cy \"Y\"\n} \"B\" cy \"B\""),
                       ["1:35 [syntax] expected an option name, found a string"])
    }

    func testEqualsInSelfWhenIsOneError() {
        // A false second error ("the wording switch needs a 'self when'"), before.
        XCTAssertEqual(found("""
            roster people "People" cy "Pobl" {
              question name: text "Name" cy "Enw"
            }
            section about "About" cy "Am" for people {
              question is_you: yes_no "Are you {name}?" cy "Ai chi yw {name}?"
              self when is_you = yes
              question age: integer "{How old are you|How old is {name}}?" cy "{Faint yw eich oed|Faint yw oed {name}}?"
            }
            """), ["6:20 [syntax] '=' is not a comparison"])
    }

    func testSingleQuotesAreOneError() {
        // Four errors, the first a consequence, before.
        XCTAssertEqual(found(#"question a: yes_no "A" cy "A""# + "\n" + #"question b: integer when a == 'yes' "B" cy "B""#),
                       ["2:31 [syntax] this is in single quotes"])
        XCTAssertEqual(found(#"question a: integer 'A' cy "A""#), ["1:21 [syntax] this is in single quotes"])
        XCTAssertEqual(Support.found(Support.compile(#"question a: integer "A" cy 'A b'"#)).first?.hint, "write text in double quotes: \"A b\"")
        // Curly single quotes and backquotes are the same mistake (two errors each, before).
        XCTAssertEqual(found(#"question a: yes_no "A" cy "A""# + "\n" + #"question b: integer when a == ‘yes’ "B" cy "B""#),
                       ["2:31 [syntax] this is in curly single quotes"])
        XCTAssertEqual(found(#"question a: yes_no "A" cy "A""# + "\n" + "question b: integer when a == `yes` \"B\" cy \"B\""),
                       ["2:31 [syntax] this is in backquotes"])
        XCTAssertEqual(found(#"question a: yes_no ‘A’ cy "A""#), ["1:20 [syntax] this is in curly single quotes"])
    }

    // MARK: The evaluator's messages in the form's languages

    func gaelicForm(_ extra: String) -> Compiler.Result {
        Compiler.compile(SourceFile(name: "gd.census", text: """
            questionnaire t {
              version "1"
              title "T" gd "T"
              languages en, gd
              census_date 2021-03-21
              choices yes_no { yes "Yes" gd "Tha" no "No" gd "Chan eil" }
              question away: yes_no required "Away?" gd "Air falbh?"
            \(extra)
            }
            """))
    }

    func testADeclaredLanguageWithoutTheEvaluatorsMessagesIsAWarning() throws {
        let none = gaelicForm("")
        XCTAssertEqual(none.diagnostics.map { "\($0.severity) \($0.code): \($0.message)" },
                       ["warning missing-translation: Scottish Gaelic (gd) has none of the evaluator's 23 messages: respondents reading gd get them in English"])
        XCTAssertNotNil(none.schema, "a warning still compiles")
        let some = gaelicForm(#"messages gd { required "Feumar freagairt: {question}" }"#)
        XCTAssertEqual(some.diagnostics.map(\.message),
                       ["Scottish Gaelic (gd) lacks 22 of the evaluator's messages (not_applicable, type, no_such_date, out_of_range, ...): respondents reading gd get them in English"])
        let all = gaelicForm(Support.messages("gd"))
        XCTAssertEqual(all.diagnostics, [])
        // A form in English and Welsh needs none.
        XCTAssertEqual(Support.found(Support.compile(#"question a: integer "A" cy "A""#)), [])
    }

    func testMessagesAreCheckedLikeAnyText() {
        func messages(_ body: String) -> [String] {
            gaelicForm(Support.messages("gd") + "\nmessages en { \(body) }").diagnostics.map { "\($0.code): \($0.message)\($0.hint.map { " (\($0))" } ?? "")" }
        }
        XCTAssertEqual(messages(#"requird "X""#), ["unknown-message: the evaluator has no message called 'requird' (did you mean 'required'?)"])
        XCTAssertEqual(messages(#"required "Answer: {label}""#), ["bad-template: message 'required' has no '{label}' (it pipes {question}; write '{{' and '}}' for braces)"])
        XCTAssertEqual(messages(#"required " ""#), ["empty-text: the English (en) wording of message 'required' is empty (write the message between the quotes)"])
        XCTAssertEqual(messages(#"required "A {question}" required "B""#).map { String($0.prefix(40)) }, ["duplicate-id: message 'required' is give"])
        XCTAssertEqual(messages(#"required "{{Answer}}: {question}""#), [])
        XCTAssertEqual(gaelicForm(#"messages fr { required "Répondez: {question}" }"#).diagnostics.map(\.code).filter { $0 != "missing-translation" },
                       ["unknown-language"])
    }

    func testTheFormsMessagesReachTheEvaluator() throws {
        let result = gaelicForm(#"messages gd { required "Feumar freagairt: {question}" did_you_mean " (an e '{name}'?)" unknown_key "Iuchair '{key}'" }"#
            + "\n" + #"messages en { required "Please answer: {question}" }"#)
        let schema = try XCTUnwrap(result.schema)
        XCTAssertEqual(schema.messages["gd"]?["required"], "Feumar freagairt: {question}")
        let reread = try Schema(jsonBytes: schema.canonicalBytes())
        XCTAssertEqual(reread.messages, schema.messages)
        let ev = try Evaluator(schema: reread)
        func messages(_ language: String) -> [String] {
            let response: JSONValue = ["schema": ["id": "t", "hash": .string(schema.hash)], "channel": "online", "aways": "yes"]
            return ev.evaluate(response, options: EvaluationOptions(language: language)).findings.map(\.message)
        }
        XCTAssertEqual(messages("gd"), ["Iuchair 'aways' (an e 'away'?)", "Feumar freagairt: Air falbh?"])
        XCTAssertEqual(messages("en"), ["Unknown key 'aways' (did you mean 'away'?)", "Please answer: Away?"])
    }
}
