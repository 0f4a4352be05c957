import Foundation
import Questionnaire

/// One question asked on a screen: which question, for whom, under which field name.
struct AskedQuestion {
    let question: Question
    let instance: ScopeInstance
    /// The field name (the question id; with `--other` on a relationship screen).
    let name: String
    /// The member a relationship question is about (the "other"), for the delta.
    var otherMember: String?
}

/// Something wrong with a posted page: shown beside its field and in the error summary.
struct Problem {
    /// The field it belongs to, or nil for the page as a whole.
    var field: String?
    /// The id the summary links to (or, starting with `/`, the page of an answer elsewhere).
    var anchor: String
    var message: String

    init(field: String? = nil, anchor: String, message: String) {
        self.field = field
        self.anchor = anchor
        self.message = message
    }

    static func summary(_ problems: [Problem], _ language: String) -> [String: Any]? {
        guard !problems.isEmpty else { return nil }
        return ["title": UIText.errorSummaryTitle.text(language),
                "items": problems.map { ["href": $0.anchor.hasPrefix("/") ? $0.anchor : "#" + $0.anchor, "text": $0.message] }]
    }
}

/// A screen's questions as fields, its headings, and its post read back as a delta. Built
/// from the outline and the evaluator: only the questions that apply are shown, with
/// their texts piped for the member (or pair) they are asked about.
struct PageView {
    let visit: HouseholdVisit
    let screen: Screen
    /// The questions shown, in order.
    let asked: [AskedQuestion]
    let page: FormOutline.Page?

    init(visit: HouseholdVisit, screen: Screen) {
        self.visit = visit
        self.screen = screen
        let outline = visit.site.outline
        var asked: [AskedQuestion] = []
        var page: FormOutline.Page?
        switch screen {
        case .page(let part, let id), .memberPage(let part, _, _, let id):
            page = outline.page(id, inPart: part)
            let instance = visit.journey.instance(of: screen)
            for q in page?.questions ?? [] where visit.live.applies(question: q, at: instance) {
                if let question = visit.question(q) { asked.append(AskedQuestion(question: question, instance: instance, name: q)) }
            }
        case .relationships(let part, let roster, let member):
            guard case .relationships(_, _, let questions) = outline.parts[part], let person = visit.state.position(of: member, in: roster) else { break }
            for other in 1..<max(person, 1) {
                guard let otherMember = visit.state.member(at: other, in: roster) else { continue }
                let instance = ScopeInstance.pair(roster: roster, person: person, other: other)
                for q in questions where visit.live.applies(question: q, at: instance) {
                    if let question = visit.question(q) {
                        asked.append(AskedQuestion(question: question, instance: instance, name: "\(q)--\(otherMember.id)", otherMember: otherMember.id))
                    }
                }
            }
        case .list:
            break
        }
        self.asked = asked
        self.page = page
    }

    private var memberInstance: ScopeInstance {
        visit.journey.instance(of: screen)
    }

    /// The caption above the heading: the enclosing section's title (the outermost one of a
    /// per-member section, which names the member), piped.
    var caption: String? {
        let containers = visit.site.containersByID
        switch screen {
        case .page:
            guard let section = page?.sections.last, let title = containers[section]?.title else { return nil }
            return visit.text(title, at: .household, container: section)
        case .memberPage(let part, let roster, _, _):
            let section = visit.site.outline.parts[part].id
            guard let title = containers[section]?.title ?? containers[roster]?.title else { return nil }
            return visit.text(title, at: memberInstance, container: section)
        case .relationships(let part, let roster, _):
            let block = visit.site.outline.parts[part].id
            guard let title = containers[block]?.title ?? containers[roster]?.title else { return nil }
            return visit.text(title, at: .household, container: block)
        case .list:
            return nil
        }
    }

    /// The page container as the evaluator presents it (title, body, definitions), if any.
    var presentedPage: PresentedPage? {
        guard let id = page?.container else { return nil }
        return visit.live.presented(page: id, at: memberInstance)
    }

    /// What a screen shows above its fields, each piped once: the caption, the page
    /// container as presented, the page's own heading (nil when its one question's label is
    /// the heading) and the browser title.
    struct Headings {
        var caption: String?
        var presentedPage: PresentedPage?
        var heading: String?
        var title: String
    }

    /// The screen's headings (each text piped once: see ``Headings``).
    func headings() -> Headings {
        let caption = self.caption
        let shown = presentedPage
        let heading: String?
        switch screen {
        case .relationships(_, let roster, let member):
            heading = UIText.relationshipsHeading.text(visit.language, visit.memberName(roster: roster, id: member))
        default:
            if asked.count == 1 && shown?.body.isEmpty != false {
                heading = nil
            } else {
                heading = shown?.title ?? caption ?? UIText.formPage.text(visit.language)
            }
        }
        let title = heading ?? asked.first.map(label) ?? UIText.formPage.text(visit.language)
        return Headings(caption: caption, presentedPage: shown, heading: heading, title: title)
    }

    func label(_ a: AskedQuestion) -> String {
        visit.text(a.question.label, at: a.instance, container: a.question.container)
    }

    /// For a relationship screen: the option its "unrelated to everyone" shortcut fills in.
    var unrelatedOption: String? {
        guard case .relationships(let part, _, _) = screen, !asked.isEmpty,
              case .relationships(let block, _, _) = visit.site.outline.parts[part] else { return nil }
        return visit.site.containersByID[block]?.unrelatedOption
    }

    /// The fields' views, showing `posted` back when there is one; `headings` are the
    /// screen's (``headings()``): a page's one question is its heading when it has no other.
    func fields(posted: FormFields?, problems: [Problem], headings: Headings) -> [[String: Any]] {
        let fields = visit.fields
        let asHeading = asked.count == 1 && headings.heading == nil
        return asked.compactMap { a in
            guard let shown = visit.live.presented(question: a.question.id, at: a.instance) else { return nil }
            return fields.view(a.question, shown, name: a.name, answer: visit.answer(a), posted: posted,
                               error: problems.first { $0.field == a.name }?.message, asHeading: asHeading)
        }
    }

    /// The post read as the page's delta (every shown question: answered, or cleared), and
    /// the inputs that could not be read (a date that is not one, a number with letters).
    func delta(from posted: FormFields) -> ([String: JSONValue], [Problem]) {
        let fields = visit.fields
        var answers: [String: [String: JSONValue]] = [:]  // target key -> answers
        var problems: [Problem] = []
        for a in asked {
            let value: JSONValue
            switch fields.read(a.question, name: a.name, from: posted) {
            case .answer(let v): value = v ?? .null
            case .invalid(let message):
                problems.append(Problem(field: a.name, anchor: fields.firstInputID(a.question, name: a.name), message: message))
                continue
            }
            answers[target(a), default: [:]][a.question.id] = value
        }
        return (wrap(answers), problems)
    }

    /// The "unrelated to everyone" shortcut: the unrelated option for every pair of the screen.
    func unrelatedDelta() -> ([String: JSONValue], [Problem]) {
        guard let option = unrelatedOption else { return ([:], []) }
        var answers: [String: [String: JSONValue]] = [:]
        for a in asked where a.question.type.choiceList.flatMap({ id in visit.site.schema.choiceLists.first { $0.id == id } })?.options.contains(where: { $0.id == option }) == true {
            answers[target(a), default: [:]][a.question.id] = .string(option)
        }
        return (wrap(answers), [])
    }

    private func target(_ a: AskedQuestion) -> String {
        switch (screen, a.instance) {
        case (.memberPage(_, let roster, let member, _), _): return "\(roster)/\(member)"
        case (.relationships(_, let roster, let member), _): return "\(roster)/\(member)/\(a.otherMember ?? "")"
        default: return ""
        }
    }

    private func wrap(_ answers: [String: [String: JSONValue]]) -> [String: JSONValue] {
        switch screen {
        case .page: return ["h": .object(answers[""] ?? [:])]
        case .memberPage: return ["m": .object(answers.mapValues { .object($0) })]
        case .relationships: return ["r": .object(answers.mapValues { .object($0) })]
        case .list: return [:]
        }
    }
}
