extension Run {
    // MARK: Piping

    /// Fills a text's pipes and switches for instance `i` of scope `s` (see docs/language.md):
    /// `{name}`, `{person.name}`, `{residents[1].name}`, `{address.line1}`, `{household_address}`,
    /// the self/proxy switch `{A|B}`, `{if VALUE: A|B}` and `{plural NUMBER: one|many}`.
    /// `{{` and `}}` are literal braces.
    func render(_ text: String, scope s: Int, instance i: Int, container: Int) -> String {
        // By bytes: `String.contains(Character)` compares grapheme by grapheme, and every label
        // of every page presented passes here (1.7% of a page request in a profile). A brace
        // is one byte in UTF-8, and a text with one only goes on to the expansion below.
        if !text.hasBrace { return text }
        let c = ctx(scope: s, instance: i)
        var isSelf: Bool?
        func selfHolds() -> Bool {
            if let isSelf { return isSelf }
            var k = container
            var result = false
            var steps = 0
            while k >= 0, steps < 64 {
                if let w = ev.containers[k].selfWhen {
                    if case .bool(true) = eval(w, c) { result = true }
                    break
                }
                k = ev.containers[k].parent
                steps += 1
            }
            isSelf = result
            return result
        }
        // By UTF-8 bytes, not Characters: the pipe syntax is ASCII (`{`, `}`, `|`, `:`), which
        // never occurs inside a multi-byte UTF-8 sequence, and the text between pipes is copied
        // a run at a time. An array of Characters cost a grapheme break per character of every
        // label with a pipe (about 3% of a page request's server CPU, perf 2026-12-01).
        func expand(_ bytes: ArraySlice<UInt8>) -> String {
            let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var k = bytes.startIndex
            while k < bytes.endIndex {
                let ch = bytes[k]
                if ch == open && k + 1 < bytes.endIndex && bytes[k + 1] == open { out.append(open); k += 2; continue }
                if ch == close && k + 1 < bytes.endIndex && bytes[k + 1] == close { out.append(close); k += 2; continue }
                if ch != open {
                    // A run of text up to the next brace.
                    var e = k + 1
                    while e < bytes.endIndex && bytes[e] != open && bytes[e] != close { e += 1 }
                    out.append(contentsOf: bytes[k..<e])
                    k = e
                    continue
                }
                // The matching close brace, a top-level bar and a top-level colon.
                var depth = 0
                var j = k
                var bar = -1
                var colon = -1
                while j < bytes.endIndex {
                    if bytes[j] == open { depth += 1 } else if bytes[j] == close {
                        depth -= 1
                        if depth == 0 { break }
                    } else if depth == 1 && bar < 0 {
                        if bytes[j] == UInt8(ascii: "|") { bar = j } else if bytes[j] == UInt8(ascii: ":") && colon < 0 { colon = j }
                    }
                    j += 1
                }
                if j >= bytes.endIndex { out.append(contentsOf: bytes[k...]); break }
                let inner = bytes[(k + 1)..<j]
                if colon >= 0, let (keyword, subject) = Run.switchHead(String(decoding: bytes[(k + 1)..<colon], as: UTF8.self)) {
                    // {if VALUE: A|B}, {plural NUMBER: one|many}; a missing B is empty.
                    let thenPart = bytes[(colon + 1)..<(bar >= 0 ? bar : j)]
                    let elsePart = bar >= 0 ? bytes[(bar + 1)..<j] : bytes[j..<j]
                    let v = pipeValue(subject, s, i, c)
                    let first: Bool
                    if keyword == "plural" {
                        first = v.value.number == 1
                    } else if case .bool(let b) = v.value {
                        first = b
                    } else {
                        first = false
                    }
                    out.append(contentsOf: expand(Run.trimmingLeadingSpace(first ? thenPart : elsePart)).utf8)
                } else if bar >= 0 {
                    out.append(contentsOf: (selfHolds() ? expand(bytes[(k + 1)..<bar]) : expand(bytes[(bar + 1)..<j])).utf8)
                } else {
                    out.append(contentsOf: display(pipeValue(String(decoding: inner, as: UTF8.self).trimmingSpaces, s, i, c)).utf8)
                }
                k = j + 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        return expand(ArraySlice(Array(text.utf8)))
    }

    /// `if NAME` or `plural NAME` before a switch's colon.
    static func switchHead(_ head: String) -> (String, String)? {
        let text = head.trimmingSpaces
        for keyword in ["if", "plural"] where text.hasPrefix(keyword + " ") {
            let subject = String(text.dropFirst(keyword.count + 1)).trimmingSpaces
            if !subject.isEmpty, !subject.contains(" ") { return (keyword, subject) }
        }
        return nil
    }

    static func trimmingLeadingSpace(_ part: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var p = part
        if p.first == UInt8(ascii: " ") { p = p.dropFirst() }
        return p
    }

    /// A piped value and how to show it: an option of a choice answer by its label.
    struct Piped {
        var value: Value
        var list: Evaluator.ChoiceInfo?
        /// The member a missing name stands for ("person 2").
        var member: Int = -1
        var isName = false
        var isHouseholdAddress = false
    }

    /// The value a pipe path names, read for instance `i` of scope `s`.
    func pipeValue(_ path: String, _ s: Int, _ i: Int, _ c: Ctx) -> Piped {
        var scope = s
        var inst = i
        var rest = Substring(path)
        // ROSTER[N]. : a member by position.
        if let open = rest.firstIndex(of: "["), let close = rest.firstIndex(of: "]"), open < close,
            let r = ev.rosterIndex[String(rest[..<open])], let n = Int(rest[rest.index(after: open)..<close]), n >= 1
        {
            scope = ev.rosters[r].memberScope
            inst = n - 1
            rest = rest[rest.index(after: close)...].drop { $0 == "." }
            if inst >= memberCount[r] { return Piped(value: .unknown) }
        } else if (rest.hasPrefix("person.") || rest.hasPrefix("other.")), case .pair = ev.scopes[s].kind {
            scope = ev.rosters[ev.scopes[s].roster].memberScope
            inst = rest.hasPrefix("person.") ? c.person : c.other
            rest = rest.drop { $0 != "." }.dropFirst()
        }
        let parts = rest.split(separator: ".", maxSplits: 1).map(String.init)
        guard let name = parts.first else { return Piped(value: .unknown) }
        var piped = lookup(name, scope, inst, c)
        if parts.count == 2, let part = Expression.AddressPart(rawValue: parts[1]) {
            if case .address(let a) = piped.value, let text = a.part(part), !text.isEmpty { piped = Piped(value: .text(text)) } else { piped = Piped(value: .unknown) }
        }
        return piped
    }

    func lookup(_ name: String, _ scope: Int, _ inst: Int, _ c: Ctx) -> Piped {
        switch name {
        case "household_address": return Piped(value: options.householdAddress.map(Value.text) ?? .unknown, isHouseholdAddress: true)
        case "census_date": return Piped(value: .date(ev.schema.censusDate))
        case "today": return Piped(value: .date(todayValue))
        case "variant": return Piped(value: variant.map(Value.option) ?? .unknown, list: ev.choices["variant"])
        case "respondent":
            let r = ev.scopes[scope].roster
            guard ev.scopes[scope].kind == .member, r >= 0 else { return Piped(value: .bool(false)) }
            return Piped(value: .bool(inst == 0 && isRespondentFirst(r)))
        case "position":
            return Piped(value: ev.scopes[scope].kind == .member && inst >= 0 ? .int(inst + 1) : .unknown)
        default: break
        }
        for sc in [scope, 0] {
            let useInst = sc == scope ? inst : 0
            if let q = ev.scopes[sc].questionIndex[name] {
                let v = answer(sc, q, useInst)
                var list: Evaluator.ChoiceInfo?
                switch ev.questions[ev.scopes[sc].questions[q]].kind {
                case .oneOf(let l), .anyOf(let l): list = l
                default: break
                }
                return Piped(value: v, list: list, member: useInst, isName: ev.scopes[sc].kind == .member && plan.qNamesMember[ev.scopes[sc].questions[q]])
            }
            if let d = ev.scopes[sc].derivedIndex[name] {
                return Piped(value: derivedValue(sc, d, useInst), member: useInst, isName: ev.scopes[sc].kind == .member && plan.dNamesMember[ev.scopes[sc].derived[d]])
            }
        }
        return Piped(value: .unknown)
    }

    /// How a piped value reads in text.
    func display(_ p: Piped) -> String {
        func label(_ id: String, _ list: Evaluator.ChoiceInfo?) -> String {
            guard let list, let option = ev.schema.choiceLists.first(where: { $0.id == list.id })?.options.first(where: { $0.id == id }) else {
                return id
            }
            return localized(option.label)
        }
        switch p.value {
        case .unknown:
            if p.isHouseholdAddress { return language == "cy" ? "y cyfeiriad hwn" : "this address" }
            // A member's name not given yet ("Are you {name}?" before the name is known) reads
            // "person 2" rather than "Are you ?" ("person" is Welsh as well as English); any other
            // value not known (not answered, not asked, refused) "…", never the name's fallback.
            return p.isName && p.member >= 0 ? "person \(p.member + 1)" : "…"
        case .option(let id): return label(id, p.list)
        case .options(let ids): return ids.map { label($0, p.list) }.joined(separator: ", ")
        case .bool: return ""
        default: return p.value.description
        }
    }
}

extension String {
    /// Whether the text holds a `{` or `}` (a pipe, a switch or a placeholder may follow),
    /// found by its UTF-8 bytes rather than grapheme by grapheme.
    var hasBrace: Bool {
        utf8.contains { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "}") }
    }
}
