extension Run {
    // MARK: Findings

    func finish() -> Evaluation {
        var applicable: [ApplicableQuestion] = []
        var derivedOut: [DerivedResult] = []
        var applicableCount = 0, answeredCount = 0, declined = 0
        var individual: [IndividualResponseEligibility] = []
        let schema = ev.schema

        var skippedRoster = [Bool](repeating: false, count: ev.rosters.count)
        for r in 0..<ev.rosters.count {
            let rosterApplies = containerApplies(plan.rosterContainer[r], Ctx())
            let n = memberCount[r]
            if !rosterApplies {
                skippedRoster[r] = true
                if n > 0 {
                    let id = ev.rosters[r].id
                    add("not_applicable", .notApplicable, "$." + id, message("not_applicable", [id]), question: id)
                }
                continue
            }
            let (minMembers, maxMembers) = (ev.rosters[r].minMembers, ev.rosters[r].maxMembers)
            // Too few members only where the form knows the list is asked: one omission, one finding.
            let tooFew = n < minMembers && !isAskedOnlyForWantOfAnAnswer(roster: r)
            if tooFew || n > maxMembers || (rosterPresent[r] && n == Run.hardMemberLimit) {
                let roster = ev.rosters[r]
                add("roster_size", .error, "$." + roster.id,
                    message("roster_size", [String(rosterLength[r] ?? n), roster.id, String(roster.minMembers), String(roster.maxMembers)]),
                    question: roster.id)
            }
        }

        for s in 0..<scopeCount {
            // The plan's plain arrays, not a copy of the scope's table.
            let roster = plan.scopeRoster[s]
            let scopeChecks = plan.scopeChecks[s]
            // A roster that is not asked is reported once, as a whole, above.
            if roster >= 0, skippedRoster[roster] { continue }
            let nQ = frames[s].nQ
            let nD = frames[s].nD
            let routes = questionRoutes + Int(scopeQuestionList.starts[s])
            for i in 0..<frames[s].count {
                let c = ctx(scope: s, instance: i)
                var last: (container: Int32, applies: Bool) = (-2, false)
                for q in 0..<nQ {
                    let flat = i * nQ + q
                    let present = frames[s].present[flat]
                    let route = routes[q]
                    let gi = Int(route.global)
                    if !appliesInWalk(s, q, i, c, last: &last) {
                        if present != 0 {
                            let question = schema.questions[gi]
                            add("not_applicable", .notApplicable, path(scope: s, instance: i, local: q),
                                message("not_applicable", [question.id]), question: question.id)
                        }
                        continue
                    }
                    applicableCount += 1
                    var answered = present == 1
                    if answered, route.has(RouteTable.Question.hasOptionWhen), let id = notOffered(s, q, i, frames[s].answers[flat]) {
                        // An option this person is not shown: reported, and read as not answered.
                        let question = schema.questions[gi]
                        add("option_not_offered", .error, path(scope: s, instance: i, local: q),
                            message("option_not_offered", [id]), question: question.id)
                        answered = false
                    }
                    if answered, route.has(RouteTable.Question.hasRange), !withinRange(s, q, i) {
                        // Outside its range: refused like any invalid answer, so not answered.
                        reportOutOfRange(s, q, i, gi)
                        answered = false
                    }
                    if answered {
                        answeredCount += 1
                    } else if present == 0, route.has(RouteTable.Question.voluntary) {
                        declined += 1
                    } else if present == 0, route.has(RouteTable.Question.required) {
                        let question = schema.questions[gi]
                        add("required", .error, path(scope: s, instance: i, local: q),
                            message("required", [render(localized(question.label), scope: s, instance: i, container: ev.questions[gi].container)]),
                            question: question.id)
                    }
                    if options.includeApplicable {
                        applicable.append(ApplicableQuestion(question: schema.questions[gi].id, path: path(scope: s, instance: i, local: q), answered: answered))
                    }
                }
                if options.includeDerived {
                    for d in 0..<nD {
                        let v = derivedValue(s, d, i)
                        derivedOut.append(DerivedResult(path: basePath(scope: s, instance: i) + "." + schema.derived[plan.scopeDerived[s][d]].id, value: v))
                    }
                }
                for k in scopeChecks { runCheck(k, s, i) }
            }
        }
        for p in pending where frames[p.scope].qState[p.index] == 1 {
            guard let number = p.outOfRange else { findings.append(p.finding); continue }
            var f = p.finding
            let q = p.index % frames[p.scope].nQ, i = p.index / frames[p.scope].nQ
            f.message = outOfRangeMessage(s: p.scope, q: q, i: i, shown: Run.describe(number), low: .unknown, high: .unknown)
            findings.append(f)
        }
        if options.includeApplicable {
            for (k, container) in ev.containers.enumerated() where schema.containers[k].individualResponse != nil {
                let s = container.scope
                guard ev.scopes[s].kind == .member, !skippedRoster[ev.scopes[s].roster] else { continue }
                for i in 0..<frames[s].count {
                    let c = ctx(scope: s, instance: i)
                    guard containerApplies(k, c) else { continue }
                    if let w = container.individualResponse, eval(w, c) != .bool(true) { continue }
                    individual.append(IndividualResponseEligibility(section: schema.containers[k].id, path: basePath(scope: s, instance: i)))
                }
            }
        }
        var evaluation = Evaluation(findings: findings, applicable: applicable, derived: derivedOut, applicableCount: applicableCount, answeredCount: answeredCount)
        evaluation.declinedVoluntary = declined
        evaluation.individualResponses = individual
        return evaluation
    }

    /// Whether roster `r` is asked only because an ending before it has a condition that is not
    /// known (`end people when any_visitors contains none` with `any_visitors` not answered): an
    /// unknown condition does not end anything, so the members listed are read as usual, but
    /// whether the list is asked at all is open. Its minimum number of members is then not
    /// required: the unanswered question is reported (`required`), not a second finding that
    /// asks for members the household may not have.
    func isAskedOnlyForWantOfAnAnswer(roster r: Int) -> Bool {
        var container = plan.rosterContainer[r]
        var steps = 0
        while container >= 0, steps <= ev.containers.count {
            // Endings of the household's scope (a roster lists members of the household).
            for j in cEndings.range(container) where plan.eScope[cEndings[j]] == 0 {
                let e = cEndings[j]
                let c = Ctx()
                let standing = plan.eContainer[e] < 0 || containerApplies(plan.eContainer[e], c)
                if standing, plan.eWhenNode[e] >= 0, !value(plan.eWhenNode[e], c).isKnown { return true }
            }
            container = plan.cParent[container]
            steps += 1
        }
        return false
    }

    func reportOutOfRange(_ s: Int, _ q: Int, _ i: Int, _ gi: Int) {
        let (lo, hi, _) = range(s, q, i)
        let value = frames[s].answers[i * frames[s].nQ + q]
        add("out_of_range", .error, path(scope: s, instance: i, local: q),
            outOfRangeMessage(s: s, q: q, i: i, shown: value.description, low: lo, high: hi), question: ev.schema.questions[gi].id)
    }

    /// "`shown` is outside the allowed range (low to high)". For a question with bounds, those not
    /// given here are evaluated; a bound that is open or unknown is "…", except for numbers: the
    /// largest exact whole number (±``Value/maximumExactInteger``) or the largest decimal (±1.8e308).
    func outOfRangeMessage(s: Int, q: Int, i: Int, shown: String, low: Value, high: Value) -> String {
        let gi = questionIndex(s, q)
        let c = ctx(scope: s, instance: i)
        let lo = low.isKnown ? low : value(plan.qMinNode[gi], c)
        let hi = high.isKnown ? high : value(plan.qMaxNode[gi], c)
        // An open bound of a number is the limit of what an answer can hold.
        let limit: String? = plan.qTag[gi] == 1 ? String(Value.maximumExactInteger) : plan.qTag[gi] == 2 ? "1.8e308" : nil
        let loText = lo.isKnown ? lo.description : limit.map { "-" + $0 } ?? "…"
        let hiText = hi.isKnown ? hi.description : limit ?? "…"
        return message("out_of_range", [shown, loText, hiText])
    }

    /// A JSON number as a message shows it: an integer in full, others in Swift's shortest
    /// spelling; one beyond every `Double` as "1.8e308 or more".
    static func describe(_ number: JSONValue) -> String {
        switch number {
        case .integer(let n): return String(n)
        case .double(let d) where d.isFinite: return d.rounded() == d && d.magnitude < 1e16 ? String(Int(d)) : String(d)
        case .double(let d): return d < 0 ? "-1.8e308 or less" : "1.8e308 or more"
        default: return number.kindName
        }
    }

    /// Whether roster `r`'s first member is the respondent (`respondent first when ...` holds).
    func isRespondentFirst(_ r: Int) -> Bool {
        let w = plan.rosterRespondentFirstNode[r]
        guard w >= 0, memberCount[r] > 0 else { return false }
        return holds(w, Ctx())
    }

    /// Whether check `k` fires for instance `i` of its scope: its container applies, no ending
    /// before it has fired, and its condition is known true.
    package func checkFires(_ k: Int, _ s: Int, _ i: Int) -> Bool {
        let c = ctx(scope: s, instance: i)
        let container = plan.kContainer[k]
        if container >= 0, !containerApplies(container, c) { return false }
        for j in kEndings.range(k) where endingFires(kEndings[j], c) { return false }
        return holds(plan.kWhenNode[k], c)
    }

    func runCheck(_ k: Int, _ s: Int, _ i: Int) {
        guard checkFires(k, s, i) else { return }
        // Only a check that fires needs its wording (a confirmed one not even that).
        if plan.kConfirm[k], confirmed[k]?.contains(i) == true { return }
        let info = ev.checks[k]
        let c = ctx(scope: s, instance: i)
        let check = ev.schema.checks[k]
        var path = basePath(scope: s, instance: i)
        if info.target >= 0 {
            let tq = ev.questions[info.target]
            if tq.scope == s {
                path += "." + ev.schema.questions[info.target].id
            } else if tq.scope == 0 {
                path = "$." + ev.schema.questions[info.target].id
            } else if case .pair = ev.scopes[s].kind {
                // A pair check aimed at a member question: point at the person described.
                path = basePath(scope: tq.scope, instance: c.person) + "." + ev.schema.questions[info.target].id
            }
        } else if info.targetRoster >= 0 {
            path = "$." + ev.rosters[info.targetRoster].id
        }
        let severity: Finding.Severity
        switch check.severity {
        case .error: severity = .error
        case .warning: severity = .warning
        case .confirm: severity = .confirm
        }
        add(
            (check.severity == .confirm ? "confirm." : "check.") + check.id, severity, path,
            render(localized(check.message), scope: s, instance: i, container: info.container), check: check.id)
    }

    func localized(_ text: LocalizedText) -> String {
        text[language] ?? ev.schema.languages.first.flatMap { text[$0] } ?? text.values.first ?? ""
    }
}
