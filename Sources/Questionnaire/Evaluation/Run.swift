/// Where an expression is being evaluated: the roster member, or the pair (with its two members).
struct Ctx {
    var member: Int = -1
    var pair: Int = -1
    var person: Int = -1
    var other: Int = -1
}

/// The answers and memoised routing of every instance of one scope.
struct Frame {
    var count = 0
    var nQ = 0, nD = 0, nC = 0
    var answers: [Value] = []
    /// 0 absent, 1 a usable answer, 2 present but not a valid value.
    var present: [UInt8] = []
    /// 0 not yet computed, 1 applies, 2 does not, 3 being computed.
    var qState: [UInt8] = []
    var cState: [UInt8] = []
    var dState: [UInt8] = []
    var dValues: [Value] = []
    /// For pairs: the index of the pair's object in the response array (-1 when missing).
    var responseIndex: [Int] = []
    /// For pairs: the two members of each pair (person after other).
    var pairPerson: [Int] = []
    var pairOther: [Int] = []

    init() {}

    init(count: Int, nQ: Int, nD: Int, nC: Int) {
        reset(count: count, nQ: nQ, nD: nD, nC: nC)
    }

    /// Sizes the frame for `count` instances, keeping the arrays' storage when it is big enough.
    mutating func reset(count: Int, nQ: Int, nD: Int, nC: Int) {
        self.count = count
        self.nQ = nQ
        self.nD = nD
        self.nC = nC
        answers.removeAll(keepingCapacity: true)
        answers.append(contentsOf: repeatElement(Value.unknown, count: count * nQ))
        present.removeAll(keepingCapacity: true)
        present.append(contentsOf: repeatElement(0, count: count * nQ))
        qState.removeAll(keepingCapacity: true)
        qState.append(contentsOf: repeatElement(0, count: count * nQ))
        cState.removeAll(keepingCapacity: true)
        cState.append(contentsOf: repeatElement(0, count: count * nC))
        dState.removeAll(keepingCapacity: true)
        dState.append(contentsOf: repeatElement(0, count: count * nD))
        dValues.removeAll(keepingCapacity: true)
        dValues.append(contentsOf: repeatElement(Value.unknown, count: count * nD))
        responseIndex.removeAll(keepingCapacity: true)
        pairPerson.removeAll(keepingCapacity: true)
        pairOther.removeAll(keepingCapacity: true)
    }

    /// Adds one instance (a roster member read from the response), with nothing answered.
    mutating func appendInstance() {
        count += 1
        answers.append(contentsOf: repeatElement(Value.unknown, count: nQ))
        present.append(contentsOf: repeatElement(0, count: nQ))
        qState.append(contentsOf: repeatElement(0, count: nQ))
        cState.append(contentsOf: repeatElement(0, count: nC))
        dState.append(contentsOf: repeatElement(0, count: nD))
        dValues.append(contentsOf: repeatElement(Value.unknown, count: nD))
    }
}

/// One evaluation of one response.
final class Run {
    let ev: Evaluator
    let plan: Evaluator.Plan
    let options: EvaluationOptions
    var language: String
    /// One frame per scope. Pointers (not arrays in `var`s) keep the hot path free of
    /// exclusivity checks and copies.
    let frames: UnsafeMutablePointer<Frame>
    let scopeCount: Int
    let memberCount: UnsafeMutablePointer<Int>
    var findings: [Finding] = []
    /// Findings about answer values, reported only when the question applies.
    var pending: [Pending] = []

    struct Pending {
        var scope: Int
        var index: Int
        var finding: Finding
    }
    /// Per check: the instances whose confirmation the response records.
    var confirmed: [Int: Set<Int>] = [:]
    var rosterPresent: [Bool]
    /// The real length of a roster array longer than ``hardMemberLimit``, for its roster_size message.
    var rosterLength: [Int: Int] = [:]

    /// Members beyond this are not evaluated (a hostile response cannot make the evaluator quadratic).
    static let hardMemberLimit = 500

    init(_ ev: Evaluator, options: EvaluationOptions) {
        self.ev = ev
        self.options = options
        plan = ev.plan
        language = options.language ?? ev.schema.languages.first ?? "en"
        scopeCount = ev.scopes.count
        frames = .allocate(capacity: scopeCount)
        frames.initialize(repeating: Frame(), count: scopeCount)
        memberCount = .allocate(capacity: max(1, ev.rosters.count))
        memberCount.initialize(repeating: 0, count: max(1, ev.rosters.count))
        rosterPresent = [Bool](repeating: false, count: ev.rosters.count)
    }

    /// Clears everything read from a response, keeping the storage, so one run can serve many.
    func reset() {
        language = options.language ?? ev.schema.languages.first ?? "en"
        for r in 0..<ev.rosters.count {
            memberCount[r] = 0
            rosterPresent[r] = false
        }
        findings.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        if !confirmed.isEmpty { confirmed.removeAll() }
        if !rosterLength.isEmpty { rosterLength.removeAll() }
    }

    deinit {
        frames.deinitialize(count: scopeCount)
        frames.deallocate()
        memberCount.deallocate()
    }

    /// The two members (0-based) of pair `k` of roster `r`'s relationship block.
    func pair(_ r: Int, _ k: Int) -> (person: Int, other: Int) {
        let s = ev.rosters[r].pairScope
        return (frames[s].pairPerson[k], frames[s].pairOther[k])
    }

    // MARK: Reading the response

    func evaluate(_ response: JSONValue) -> Evaluation {
        guard case .object(let top) = response else {
            return single("type", "$", Messages.text("type", language, ["a JSON object", response.kindName]))
        }
        if options.language == nil, let l = top["language"]?.stringValue, ev.schema.languages.contains(l) { language = l }
        if let mismatch = schemaMismatch(top["schema"]) {
            return single("schema_mismatch", "$.schema", mismatch)
        }

        // Sizes first, so every frame is allocated once.
        for (r, roster) in ev.rosters.enumerated() {
            if let v = top[roster.id] {
                rosterPresent[r] = true
                if case .array(let items) = v {
                    memberCount[r] = min(items.count, Run.hardMemberLimit)
                    if items.count > Run.hardMemberLimit { rosterLength[r] = items.count }
                }
            }
        }
        allocate()

        // Keys in sorted order: findings must not depend on dictionary iteration order.
        for key in top.keys.sorted() {
            let value = top[key]!
            switch ev.topKeys[key] {
            case .reserved?: readReserved(key, value)
            case .household(let q)?: decode(value, scope: 0, instance: 0, local: q)
            case .roster(let r)?: readRoster(r, value)
            case .pairs(let r)?: readPairs(r, value)
            case nil:
                let candidates = ev.topKeys.keys
                let hint = ev.suggestion(for: key, among: candidates) ?? ""
                add("unknown_key", .error, "$." + key, Messages.text("unknown_key", language, [key, hint]), question: key)
            }
        }
        if top["channel"] == nil {
            add("invalid_field", .error, "$.channel", Messages.text("invalid_field", language, ["channel", "missing: expected \"online\" or \"paper\""]))
        }
        return finish()
    }

    /// Allocates every scope's frame for the member counts in ``memberCount``.
    func allocate() { allocate(kinds: nil) }

    /// Allocates the frames of the scopes of the given kinds only (all when `nil`).
    func allocate(kinds: Set<Evaluator.ScopeKind>?) {
        for (s, info) in ev.scopes.enumerated() where kinds?.contains(info.kind) ?? true {
            let count: Int
            switch info.kind {
            case .household: count = 1
            case .member: count = memberCount[info.roster]
            case .pair:
                let n = memberCount[info.roster]
                count = n * (n - 1) / 2
            }
            frames[s].reset(count: count, nQ: info.questions.count, nD: info.derived.count, nC: info.containers.count)
            if info.kind == .pair {
                frames[s].responseIndex.append(contentsOf: repeatElement(-1, count: count))
                let n = memberCount[info.roster]
                for p in 0..<n {
                    for o in 0..<p {
                        frames[s].pairPerson.append(p)
                        frames[s].pairOther.append(o)
                    }
                }
            }
        }

    }

    func single(_ code: String, _ path: String, _ message: String) -> Evaluation {
        Evaluation(
            findings: [Finding(code: code, severity: .error, path: path, message: message)], applicable: [], derived: [],
            applicableCount: 0, answeredCount: 0)
    }

    func schemaMismatch(_ value: JSONValue?) -> String? {
        let schema = ev.schema
        guard let o = value?.objectValue, let id = o["id"]?.stringValue, let hash = o["hash"]?.stringValue else {
            return "The response does not say which schema it was written for: it needs \"schema\": {\"id\": \"\(schema.id)\", \"hash\": \"\(schema.hash)\"}"
        }
        if id != schema.id {
            return "This response was written for questionnaire '\(id)', not '\(schema.id)' (version \(schema.version)); validate it with that questionnaire's schema"
        }
        if hash != schema.hash {
            let version = o["version"]?.stringValue.map { " (version \($0))" } ?? ""
            return "This response was written for another version of '\(id)'\(version), schema \(hash); this schema is version \(schema.version), \(schema.hash). Validate it with the schema it was written for"
        }
        return nil
    }

    func readReserved(_ key: String, _ value: JSONValue) {
        switch key {
        case "channel":
            if value.stringValue != "online" && value.stringValue != "paper" {
                add("invalid_field", .error, "$.channel", Messages.text("invalid_field", language, ["channel", "expected \"online\" or \"paper\""]))
            }
        case "startedAt", "submittedAt":
            if let s = value.stringValue, Run.isTimestamp(s) { return }
            add("invalid_field", .error, "$." + key, Messages.text("invalid_field", language, [key, "expected an ISO 8601 timestamp such as 2021-03-21T10:15:00Z"]))
        case "confirmations": readConfirmations(value)
        case "language":
            if let l = value.stringValue, ev.schema.languages.contains(l) { return }
            add("invalid_field", .error, "$.language", Messages.text("invalid_field", language, ["language", "expected one of \(ev.schema.languages.joined(separator: ", "))"]))
        default: break
        }
    }

    /// `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`.
    static func isTimestamp(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { isTimestamp($0) }
    }

    static func isTimestamp(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        func digits(_ a: Int, _ n: Int) -> Int? {
            var v = 0
            for k in a..<(a + n) {
                guard u[k] >= 0x30, u[k] <= 0x39 else { return nil }
                v = v * 10 + Int(u[k] - 0x30)
            }
            return v
        }
        guard u.count >= 17, u.count <= 40, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"), u[10] == UInt8(ascii: "T"),
            let y = digits(0, 4), let m = digits(5, 2), let d = digits(8, 2), CalendarDate(year: y, month: m, day: d) != nil
        else { return false }
        let last = u[u.count - 1]
        return last == UInt8(ascii: "Z") || (u.count >= 22 && (u[u.count - 6] == UInt8(ascii: "+") || u[u.count - 6] == UInt8(ascii: "-")))
    }

    func readRoster(_ r: Int, _ value: JSONValue) {
        let roster = ev.rosters[r]
        guard case .array(let items) = value else {
            add("type", .error, "$." + roster.id, Messages.text("type", language, ["an array of members", value.kindName]), question: roster.id)
            return
        }
        let s = roster.memberScope
        let index = ev.scopes[s].questionIndex
        for (i, item) in items.prefix(Run.hardMemberLimit).enumerated() {
            guard case .object(let member) = item else {
                add("type", .error, "$.\(roster.id)[\(i)]", Messages.text("type", language, ["an object", item.kindName]), question: roster.id)
                continue
            }
            for key in member.keys.sorted() {
                let v = member[key]!
                if let q = index[key] {
                    decode(v, scope: s, instance: i, local: q)
                } else {
                    let hint = ev.suggestion(for: key, among: index.keys) ?? ""
                    add("unknown_key", .error, "$.\(roster.id)[\(i)].\(key)", Messages.text("unknown_key", language, [key, hint]), question: key)
                }
            }
        }
    }

    func readPairs(_ r: Int, _ value: JSONValue) {
        let roster = ev.rosters[r]
        let block = roster.pairBlock!
        let s = roster.pairScope
        guard case .array(let items) = value else {
            add("type", .error, "$." + block, Messages.text("type", language, ["an array of pairs", value.kindName]), question: block)
            return
        }
        let n = memberCount[r]
        let index = ev.scopes[s].questionIndex
        for (k, item) in items.prefix(Run.hardMemberLimit * 4).enumerated() {
            let path = "$.\(block)[\(k)]"
            guard case .object(let pair) = item, let p = pair["person"]?.intValue, let o = pair["other"]?.intValue else {
                add("invalid_pair", .error, path, Messages.text("invalid_pair", language, ["expected {\"person\": P, \"other\": O, ...} with member positions"]), question: block)
                continue
            }
            guard o >= 1, p > o, p <= n else {
                add("invalid_pair", .error, path, Messages.text("invalid_pair", language, ["person \(p), other \(o): need 1 <= other < person <= \(n)"]), question: block)
                continue
            }
            let instance = (p - 1) * (p - 2) / 2 + (o - 1)
            if frames[s].responseIndex[instance] >= 0 {
                add("duplicate_pair", .error, path, Messages.text("duplicate_pair", language, ["\(p)-\(o)"]), question: block)
                continue
            }
            frames[s].responseIndex[instance] = k
            for key in pair.keys.sorted() where key != "person" && key != "other" {
                let v = pair[key]!
                if let q = index[key] {
                    decode(v, scope: s, instance: instance, local: q)
                } else {
                    let hint = ev.suggestion(for: key, among: index.keys) ?? ""
                    add("unknown_key", .error, "\(path).\(key)", Messages.text("unknown_key", language, [key, hint]), question: key)
                }
            }
        }
    }

    func readConfirmations(_ value: JSONValue) {
        guard case .object(let o) = value else {
            add("invalid_confirmation", .error, "$.confirmations", Messages.text("invalid_confirmation", language, ["expected an object of check id to confirmations"]))
            return
        }
        for checkId in o.keys.sorted() {
            let v = o[checkId]!
            let path = "$.confirmations.\(checkId)"
            guard let k = ev.checkIndex[checkId], ev.schema.checks[k].severity == .confirm else {
                let hint = ev.suggestion(for: checkId, among: ev.schema.checks.filter { $0.severity == .confirm }.map(\.id)) ?? ""
                add("unknown_key", .error, path, Messages.text("unknown_key", language, [checkId, hint]), check: checkId)
                continue
            }
            let s = ev.checks[k].scope
            var set = Set<Int>()
            switch ev.scopes[s].kind {
            case .household:
                if v.boolValue == true { set.insert(0) } else if v.boolValue != false {
                    add("invalid_confirmation", .error, path, Messages.text("invalid_confirmation", language, ["expected true"]), check: checkId)
                }
            case .member:
                let n = memberCount[ev.scopes[s].roster]
                for (i, item) in (v.arrayValue ?? [v]).enumerated() {
                    if let p = item.intValue, p >= 1, p <= n { set.insert(p - 1) } else {
                        add("invalid_confirmation", .error, "\(path)[\(i)]", Messages.text("invalid_confirmation", language, ["expected member positions 1...\(n)"]), check: checkId)
                    }
                }
            case .pair:
                let n = memberCount[ev.scopes[s].roster]
                for (i, item) in (v.arrayValue ?? []).enumerated() {
                    if let a = item.arrayValue, a.count == 2, let p = a[0].intValue, let q = a[1].intValue, q >= 1, p > q, p <= n {
                        set.insert((p - 1) * (p - 2) / 2 + (q - 1))
                    } else {
                        add("invalid_confirmation", .error, "\(path)[\(i)]", Messages.text("invalid_confirmation", language, ["expected [person, other] positions"]), check: checkId)
                    }
                }
            }
            confirmed[k] = set
        }
    }

    // MARK: Decoding answers

    func add(_ code: String, _ severity: Finding.Severity, _ path: String, _ message: String, question: String? = nil, check: String? = nil) {
        findings.append(Finding(code: code, severity: severity, path: path, message: message, question: question, check: check))
    }

    func path(scope s: Int, instance i: Int, local q: Int) -> String {
        let id = ev.schema.questions[ev.scopes[s].questions[q]].id
        return basePath(scope: s, instance: i) + "." + id
    }

    func basePath(scope s: Int, instance i: Int) -> String {
        let info = ev.scopes[s]
        switch info.kind {
        case .household: return "$"
        case .member: return "$.\(ev.rosters[info.roster].id)[\(i)]"
        case .pair:
            let block = ev.rosters[info.roster].pairBlock!
            let k = frames[s].responseIndex[i]
            if k >= 0 { return "$.\(block)[\(k)]" }
            return "$.\(block)[?(@.person==\(frames[s].pairPerson[i] + 1)&&@.other==\(frames[s].pairOther[i] + 1))]"
        }
    }

    func problem(_ s: Int, _ i: Int, _ q: Int, _ code: String, _ args: [String], suffix: String = "", message: String? = nil) {
        let gi = ev.scopes[s].questions[q]
        let f = Finding(
            code: code, severity: .error, path: path(scope: s, instance: i, local: q) + suffix,
            message: Messages.text(message ?? code, language, args), question: ev.schema.questions[gi].id)
        pending.append(Pending(scope: s, index: i * frames[s].nQ + q, finding: f))
    }

    func decode(_ json: JSONValue, scope s: Int, instance i: Int, local q: Int) {
        let flat = i * frames[s].nQ + q
        if case .null = json { return }
        let kind = plan.qKind[plan.scopeQuestions[s][q]]
        var value = Value.unknown
        var ok = true
        func typeError(_ expected: String) {
            problem(s, i, q, "type", [expected, json.kindName])
            ok = false
        }
        /// "1990-02-30" has the right shape but is no day of the calendar: saying "expected a date
        /// YYYY-MM-DD, found a string" would not tell the respondent what is wrong.
        func dateError(_ expected: String, _ shape: String) {
            guard case .string(let text) = json, text.count == shape.count,
                zip(text, shape).allSatisfy({ $1 == "#" ? $0.isASCII && $0.isNumber : $0 == $1 })
            else { return typeError(expected) }
            problem(s, i, q, "type", [text], message: "no_such_date")
            ok = false
        }
        switch kind {
        case .text(let maxLength, _, let regex):
            guard case .string(let text) = json else { typeError("text"); break }
            if text.isEmpty { return }
            if text.utf8.count > maxLength, text.count > maxLength {
                problem(s, i, q, "too_long", [String(text.count), String(maxLength)])
                ok = false
            } else if let regex, (try? regex.wholeMatch(in: text)) == nil {
                problem(s, i, q, "pattern", [])
                ok = false
            }
            value = .text(text)
        case .integer:
            guard let n = json.intValue else { typeError("a whole number"); break }
            value = .int(n)
        case .decimal:
            guard let d = json.doubleValue else { typeError("a number"); break }
            value = .dec(d)
        case .date:
            guard case .string(let text) = json, let d = CalendarDate(iso: text) else { dateError("a date YYYY-MM-DD", "####-##-##"); break }
            value = .date(d)
        case .monthYear:
            guard case .string(let text) = json, let m = MonthYear(iso: text) else { dateError("a month and year YYYY-MM", "####-##"); break }
            value = .month(m)
        case .oneOf(let list):
            guard let (id, detail) = choice(json) else { typeError("an option id"); break }
            if checkOption(id, detail, list, s, i, q, suffix: "") { value = .option(id) } else { ok = false }
        case .anyOf(let list):
            guard case .array(let items) = json else { typeError("an array of option ids"); break }
            if items.isEmpty { return }
            var ids: [String] = []
            ids.reserveCapacity(items.count)
            var exclusive: String?
            for (k, item) in items.enumerated() {
                guard let (id, detail) = choice(item) else {
                    problem(s, i, q, "type", ["an option id", item.kindName], suffix: "[\(k)]")
                    ok = false
                    continue
                }
                if !checkOption(id, detail, list, s, i, q, suffix: "[\(k)]") { ok = false; continue }
                if ids.contains(id) {
                    problem(s, i, q, "duplicate_option", [id], suffix: "[\(k)]")
                    ok = false
                }
                if list.index[id]?.exclusive == true { exclusive = id }
                ids.append(id)
            }
            if let exclusive, ids.count > 1 {
                problem(s, i, q, "exclusive_option", [exclusive])
                ok = false
            }
            value = .options(ids)
        case .address(let ukOnly):
            ok = checkAddress(json, ukOnly: ukOnly, s, i, q)
            value = .present
        }
        frames[s].present[flat] = ok ? 1 : 2
        if ok { frames[s].answers[flat] = value }
    }

    /// `"id"` or `{"value": "id", "detail": "..."}`.
    @inline(__always)
    func choice(_ json: JSONValue) -> (String, JSONValue?)? {
        switch json {
        case .string(let s): return (s, nil)
        case .object(let o):
            guard let v = o["value"]?.stringValue, o.count <= 2, o.count == 1 || o["detail"] != nil else { return nil }
            return (v, o["detail"])
        default: return nil
        }
    }

    func checkOption(_ id: String, _ detail: JSONValue?, _ list: Evaluator.ChoiceInfo, _ s: Int, _ i: Int, _ q: Int, suffix: String) -> Bool {
        guard let option = list.index[id] else {
            let hint = ev.suggestion(for: id, among: list.order).map { " (did you mean '\($0)'?)" } ?? ""
            problem(s, i, q, "invalid_option", [id, list.order.joined(separator: ", ") + hint], suffix: suffix)
            return false
        }
        guard let detail, !detail.isNull else { return true }
        guard let max = option.specifyMax else {
            problem(s, i, q, "detail_not_allowed", [id], suffix: suffix + ".detail")
            return false
        }
        guard case .string(let text) = detail else {
            problem(s, i, q, "type", ["text", detail.kindName], suffix: suffix + ".detail")
            return false
        }
        if text.count > max {
            problem(s, i, q, "specify_too_long", [String(text.count), String(max)], suffix: suffix + ".detail")
            return false
        }
        return true
    }

    func checkAddress(_ json: JSONValue, ukOnly: Bool, _ s: Int, _ i: Int, _ q: Int) -> Bool {
        guard case .object(let o) = json else {
            problem(s, i, q, "type", ["an address object", json.kindName])
            return false
        }
        for key in o.keys.sorted() where !["lines", "town", "postcode", "country"].contains(key) {
            problem(s, i, q, "invalid_address", ["unknown field '\(key)'"], suffix: "." + key)
            return false
        }
        guard let lines = o["lines"]?.arrayValue, !lines.isEmpty, lines.count <= 4,
            lines.allSatisfy({ ($0.stringValue?.count ?? 999) <= 100 })
        else {
            problem(s, i, q, "invalid_address", ["lines: expected 1 to 4 lines of text"], suffix: ".lines")
            return false
        }
        for key in ["town", "postcode", "country"] {
            if let v = o[key], v.stringValue == nil {
                problem(s, i, q, "invalid_address", ["\(key): expected text"], suffix: "." + key)
                return false
            }
        }
        if ukOnly {
            let postcode = o["postcode"]?.stringValue ?? ""
            if !Run.isUKPostcode(postcode) {
                problem(s, i, q, "invalid_postcode", [postcode], suffix: ".postcode")
                return false
            }
        }
        return true
    }

    /// The shape of a UK postcode: outward code (A9, A99, AA9, AA99, A9A, AA9A), a space, inward code (9AA).
    static func isUKPostcode(_ text: String) -> Bool {
        let u = Array(text.uppercased().utf8).filter { $0 != UInt8(ascii: " ") }
        guard (5...7).contains(u.count) else { return false }
        func letter(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
        func digit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        let inward = u.suffix(3)
        guard digit(inward[inward.startIndex]), letter(inward[inward.startIndex + 1]), letter(inward[inward.startIndex + 2]) else { return false }
        let out = Array(u.prefix(u.count - 3))
        guard letter(out[0]) else { return false }
        switch out.count {
        case 2: return digit(out[1])
        case 3: return (letter(out[1]) && digit(out[2])) || (digit(out[1]) && (digit(out[2]) || letter(out[2])))
        case 4: return letter(out[1]) && digit(out[2]) && (digit(out[3]) || letter(out[3]))
        default: return false
        }
    }
}
