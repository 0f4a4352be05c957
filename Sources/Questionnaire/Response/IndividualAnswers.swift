extension Evaluation {
    /// An individual return judged on what is the person's to answer: only the findings about
    /// member `position` (1-based) of the section's roster inside ``IndividualSection/questions``,
    /// and completeness counted over those questions alone. Needs an evaluation made with
    /// ``EvaluationOptions/includeApplicable`` (the counts come from its applicable questions).
    public func limited(to section: IndividualSection, position: Int) -> Evaluation {
        func mine(_ path: String, _ question: String?) -> Bool {
            guard let (index, q) = section.member(of: path), index == position - 1 else { return false }
            return section.questions.contains(question ?? q)
        }
        var e = self
        e.findings = findings.filter { mine($0.path, $0.question) }
        e.applicable = applicable.filter { mine($0.path, $0.question) }
        e.applicableCount = e.applicable.count
        e.answeredCount = e.applicable.filter(\.answered).count
        e.declinedVoluntary = e.applicable.filter { !$0.answered && section.voluntary.contains($0.question) }.count
        e.individualResponses = []
        return e
    }

    /// A household's return without the sections of the members who answer separately (at
    /// 1-based `positions` of the section's roster): their findings there are left out, and
    /// their questions there are not counted in completeness. Needs an evaluation made with
    /// ``EvaluationOptions/includeApplicable``.
    public func excluding(_ section: IndividualSection, positions: Set<Int>) -> Evaluation {
        if positions.isEmpty { return self }
        func theirs(_ path: String, _ question: String?) -> Bool {
            guard let (index, q) = section.member(of: path), positions.contains(index + 1) else { return false }
            return section.questions.contains(question ?? q)
        }
        var e = self
        e.findings = findings.filter { !theirs($0.path, $0.question) }
        let removed = applicable.filter { theirs($0.path, $0.question) }
        e.applicable = applicable.filter { !theirs($0.path, $0.question) }
        e.applicableCount = max(0, applicableCount - removed.count)
        e.answeredCount = max(0, answeredCount - removed.filter(\.answered).count)
        e.declinedVoluntary = max(0, declinedVoluntary - removed.filter { !$0.answered && section.voluntary.contains($0.question) }.count)
        return e
    }
}

/// Individual returns read together with their household's return: the rule that an
/// individual return takes priority over anything the household said about that person
/// (docs/storage.md, "Individual returns"; ResponseStore's `AuthoritativeReturn`).
public enum IndividualAnswers {
    /// The 1-based positions, in a household's response, of the members who answer
    /// separately: those whose name (``IndividualSection/nameKey(of:)``) is one of `names`
    /// (name keys). Each name matches one member, the first with it.
    public static func positions(in response: JSONValue, section: IndividualSection, names: [String]) -> Set<Int> {
        guard case .array(let members)? = response[section.roster] else { return [] }
        var wanted = names.filter { !$0.isEmpty }
        var found: Set<Int> = []
        for (index, member) in members.enumerated() {
            guard case .object(let answers) = member, let k = wanted.firstIndex(of: section.nameKey(of: answers)) else { continue }
            wanted.remove(at: k)
            found.insert(index + 1)
        }
        return found
    }

    /// The household's response with each individual return's member put in place of what the
    /// household said about that person:
    /// - the member of the household's roster with the same name (the first not already
    ///   replaced) is replaced, whole, by the individual's member object;
    /// - a person the household did not list is added at the end of the roster, while the
    ///   roster has room (``IndividualSection/maxMembers``);
    /// - the individual's confirmations of per-member checks (given as member 1) move to the
    ///   person's position; the household's confirmations for that position are dropped;
    /// - everything else (household answers, relationships, the envelope) is the household's.
    ///
    /// An individual return without a member of the roster changes nothing.
    ///
    /// - returns: the merged response, and how many individual returns were used.
    public static func merge(household: JSONValue, individuals: [JSONValue], section: IndividualSection) -> (response: JSONValue, merged: Int) {
        guard case .object(var top) = household else { return (household, 0) }
        var members: [JSONValue] = []
        if case .array(let list)? = top[section.roster] { members = list }
        var confirmations: [String: JSONValue] = [:]
        if case .object(let c)? = top["confirmations"] { confirmations = c }
        var replaced: Set<Int> = []
        var merged = 0
        for individual in individuals {
            guard case .array(let theirs)? = individual[section.roster], case .object(let person)? = theirs.first else { continue }
            let key = section.nameKey(of: person)
            var index = members.indices.first { i in
                guard !replaced.contains(i), case .object(let answers) = members[i] else { return false }
                return !key.isEmpty && section.nameKey(of: answers) == key
            }
            if index == nil {
                if let max = section.maxMembers, members.count >= max { continue }
                members.append(.null)
                index = members.count - 1
            }
            guard let i = index else { continue }
            members[i] = .object(person)
            replaced.insert(i)
            merged += 1
            let position = i + 1
            for check in section.confirmChecks {
                var positions = confirmations[check]?.arrayValue?.compactMap(\.intValue).filter { $0 != position } ?? []
                if individual["confirmations"]?[check]?.arrayValue?.contains(where: { $0.intValue == 1 }) == true {
                    positions.append(position)
                }
                confirmations[check] = positions.isEmpty ? nil : .array(positions.sorted().map { .integer($0) })
            }
        }
        if merged == 0 { return (household, 0) }
        top[section.roster] = .array(members)
        top["confirmations"] = confirmations.isEmpty ? nil : .object(confirmations)
        return (.object(top), merged)
    }
}
