import CensusCollection
import Questionnaire

/// One screen of the household journey, in the order the form's outline gives.
///
/// Its ``key`` names it in URLs (`/form/<key>`) and in the page saves that mark it visited.
enum Screen: Hashable {
    /// A household page (a `page` container, or a question outside one).
    case page(part: Int, page: String)
    /// A roster's list screen (who lives here: add, change, remove).
    case list(part: Int, roster: String)
    /// A page of a per-member section, for one member (by stable id).
    case memberPage(part: Int, roster: String, member: String, page: String)
    /// The relationship questions of one person (P ≥ 2) about every earlier member.
    case relationships(part: Int, roster: String, member: String)

    var key: String {
        switch self {
        case .page(_, let page): return "page/\(page)"
        case .list(_, let roster): return "list/\(roster)"
        case .memberPage(_, let roster, let member, let page): return "member/\(roster)/\(member)/\(page)"
        case .relationships(_, let roster, let member): return "relationships/\(roster)/\(member)"
        }
    }

    var path: String { "/form/" + key }

    var part: Int {
        switch self {
        case .page(let p, _), .list(let p, _), .memberPage(let p, _, _, _), .relationships(let p, _, _): return p
        }
    }
}

/// The screens that apply to a household now, in flow order, with what the routing says
/// about going forward, back and resuming. Rebuilt from the answers on every request, so
/// changing an earlier answer (an age, say) changes what comes next at once.
struct Journey {
    /// Whose journey it is.
    enum Focus: Equatable {
        /// The household's form, without the pages of the individual sections of these members
        /// (by id): they answer separately, on codes of their own.
        case household(separately: Set<String>)
        /// A person answering separately: only these per-member sections of `roster`, for its
        /// one member.
        case individual(sections: Set<String>, roster: String)
    }

    let outline: FormOutline
    let state: WorkingResponse
    let live: LiveEvaluation
    let focus: Focus
    /// The screens that apply, in flow order.
    let screens: [Screen]

    /// The journey of `state` as `live` evaluates it; `screens`, when given, are those a
    /// journey of the same evaluation, members and focus found (``screens(outline:state:live:focus:)``),
    /// which is all they depend on.
    init(outline: FormOutline, state: WorkingResponse, live: LiveEvaluation, focus: Focus = .household(separately: []), screens: [Screen]? = nil) {
        self.outline = outline
        self.state = state
        self.live = live
        self.focus = focus
        self.screens = screens ?? Self.screens(outline: outline, state: state, live: live, focus: focus)
    }

    /// The screens that apply, in flow order: from the evaluation, the members of `state`'s
    /// rosters (not their answers, which only `live` reads) and the focus.
    static func screens(outline: FormOutline, state: WorkingResponse, live: LiveEvaluation, focus: Focus) -> [Screen] {
        var screens: [Screen] = []
        for (k, part) in outline.parts.enumerated() {
            if case .individual(let sections, let roster) = focus {
                // A person answering separately sees their own section and nothing else.
                guard case .memberSection(let id, let r, let pages) = part, r == roster, sections.contains(id) else { continue }
                for (index, member) in (state.members[roster] ?? []).enumerated() {
                    let at = ScopeInstance.member(roster: roster, position: index + 1)
                    for page in pages where Self.shows(page, at: at, live) {
                        screens.append(.memberPage(part: k, roster: roster, member: member.id, page: page.id))
                    }
                }
                continue
            }
            switch part {
            case .page(let page):
                if Self.shows(page, at: .household, live) { screens.append(.page(part: k, page: page.id)) }
            case .roster(let roster, _):
                if live.applies(container: roster, at: .household) { screens.append(.list(part: k, roster: roster)) }
            case .relationships(let block, let roster, let questions):
                guard live.applies(container: roster, at: .household), live.applies(container: block, at: .household) else { continue }
                for (index, member) in (state.members[roster] ?? []).enumerated() where index >= 1 {
                    let person = index + 1
                    let asks = (1..<person).contains { other in
                        questions.contains { live.applies(question: $0, at: .pair(roster: roster, person: person, other: other)) }
                    }
                    if asks { screens.append(.relationships(part: k, roster: roster, member: member.id)) }
                }
            case .memberSection(let id, let roster, let pages):
                guard live.applies(container: roster, at: .household) else { continue }
                let individual = outline.schema.containers.first { $0.id == id }?.individualResponse != nil
                for (index, member) in (state.members[roster] ?? []).enumerated() {
                    if individual, case .household(let separately) = focus, separately.contains(member.id) { continue }
                    let at = ScopeInstance.member(roster: roster, position: index + 1)
                    for page in pages where Self.shows(page, at: at, live) {
                        screens.append(.memberPage(part: k, roster: roster, member: member.id, page: page.id))
                    }
                }
            }
        }
        return screens
    }

    /// Whether a page is shown at an instance: one of its questions applies, or, for a content
    /// page, the page itself does.
    static func shows(_ page: FormOutline.Page, at instance: ScopeInstance, _ live: LiveEvaluation) -> Bool {
        if page.questions.isEmpty, let container = page.container { return live.applies(container: container, at: instance) }
        return page.questions.contains { live.applies(question: $0, at: instance) }
    }

    /// The screen a key names, if it applies now.
    func screen(_ key: String) -> Screen? { screens.first { $0.key == key } }

    /// The next screen after `screen`, or nil when it is the last (check your answers next).
    func next(after screen: Screen) -> Screen? {
        guard let i = screens.firstIndex(of: screen) else { return nil }
        return i + 1 < screens.count ? screens[i + 1] : nil
    }

    /// The screen before `screen`, or nil for the first.
    func previous(before screen: Screen) -> Screen? {
        guard let i = screens.firstIndex(of: screen), i > 0 else { return nil }
        return screens[i - 1]
    }

    /// The first screen not yet saved after `screen` (after a change from check your
    /// answers: a change that routes in new questions asks them, otherwise back to the
    /// summary), or nil when there is none.
    func firstUnvisited(after screen: Screen) -> Screen? {
        guard let i = screens.firstIndex(of: screen) else { return firstUnvisited() }
        return screens[(i + 1)...].first { !state.visited.contains($0.key) }
    }

    /// Where a household resumes: the first screen it has not saved, or nil (check your answers).
    func firstUnvisited() -> Screen? {
        screens.first { !state.visited.contains($0.key) }
    }

    /// The instance a screen's questions are asked at.
    func instance(of screen: Screen) -> ScopeInstance {
        switch screen {
        case .page, .list: return .household
        case .memberPage(_, let roster, let member, _): return .member(roster: roster, position: state.position(of: member, in: roster) ?? 0)
        case .relationships(_, let roster, let member): return .member(roster: roster, position: state.position(of: member, in: roster) ?? 0)
        }
    }
}
