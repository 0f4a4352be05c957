extension Run {
    // MARK: Reading the response

    package func evaluate(_ response: JSONValue) -> Evaluation {
        guard case .object(let top) = response else {
            return single("type", "$", message("type", ["a JSON object", response.kindName]))
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
        if let members = Run.inKeyOrder(top, plan.topRank) {
            for packed in members.order {
                let (key, kind) = plan.topByRank[packed >> 32]
                readTop(key, kind, members.values[packed & 0xFFFF_FFFF])
            }
        } else {
            for key in top.keys.sorted() { readTop(key, ev.topKeys[key], top[key]!) }
        }
        if top["channel"] == nil {
            add("invalid_field", .error, "$.channel", message("invalid_field", ["channel", "missing: expected \"online\" or \"paper\""]))
        }
        if top["variant"] == nil, !ev.schema.variants.isEmpty {
            add("invalid_field", .error, "$.variant", message("invalid_field", ["variant", "missing: expected one of \(ev.schema.variants.joined(separator: ", "))"]))
        }
        return finish()
    }

    func readTop(_ key: String, _ kind: Evaluator.TopKey?, _ value: JSONValue) {
        switch kind {
        case .reserved?: readReserved(key, value)
        case .household(let q)?: decode(value, scope: 0, instance: 0, local: q)
        case .roster(let r)?: readRoster(r, value)
        case .pairs(let r)?: readPairs(r, value)
        case nil:
            let candidates = ev.topKeys.keys
            let hint = ev.suggestion(for: key, among: candidates)
            add("unknown_key", .error, FindingPath.member("$", key), message("unknown_key", [Echo.quoted(key)]) + didYouMean(hint), question: key)
        }
    }

    /// The members of `object` in key order, when every key has a rank in
    /// `ranks` (known keys ranked in `String` order: comparing ranks orders them as comparing the
    /// keys would, with one look-up per key and no string comparison); `nil` when a key is unknown.
    /// `order` holds `rank << 32 | k` for the k-th of `values`, sorted (sorting plain integers).
    static func inKeyOrder(_ object: [String: JSONValue], _ ranks: KeyRanks) -> (order: [Int], values: [JSONValue])? {
        var order: [Int] = []
        order.reserveCapacity(object.count)
        var values: [JSONValue] = []
        values.reserveCapacity(object.count)
        for (key, value) in object {
            guard let rank = ranks.rank(of: key) else { return nil }
            order.append(rank << 32 | values.count)
            values.append(value)
        }
        order.sort()
        return (order, values)
    }

    /// Allocates every scope's frame for the member counts in ``memberCount``.
    package func allocate() { allocate(households: true, members: true, pairs: true) }

    /// Allocates the frames of the scopes of the given kinds only (the fast reader sizes pairs
    /// after it has read the members). Reads the plan's plain arrays: no scope table is copied.
    func allocate(households: Bool, members: Bool, pairs: Bool) {
        for s in 0..<scopeCount {
            let kind = plan.scopeKind[s]
            let roster = plan.scopeRoster[s]
            let count: Int
            switch kind {
            case .household:
                guard households else { continue }
                count = 1
            case .member:
                guard members else { continue }
                count = memberCount[roster]
            case .pair:
                guard pairs else { continue }
                let n = memberCount[roster]
                count = n * (n - 1) / 2
            }
            let sizes = plan.scopeSizes[s]
            frames[s].reset(count: count, nQ: sizes.questions, nD: sizes.derived, nC: sizes.containers, nE: sizes.endings)
            if frames[s].hasRange.count != sizes.questions { frames[s].hasRange = plan.scopeQuestions[s].map { plan.qHasRange[$0] } }
            if kind == .pair {
                frames[s].responseIndex.append(contentsOf: repeatElement(-1, count: count))
                let n = memberCount[roster]
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
            return "This response was written for questionnaire '\(Echo.quoted(id))', not '\(schema.id)' (version \(schema.version)); validate it with that questionnaire's schema"
        }
        if hash != schema.hash {
            let version = o["version"]?.stringValue.map { " (version \(Echo.quoted($0)))" } ?? ""
            return "This response was written for another version of '\(id)'\(version), schema \(Echo.quoted(hash, maximumCharacters: 80)); this schema is version \(schema.version), \(schema.hash). Validate it with the schema it was written for"
        }
        return nil
    }

    func readReserved(_ key: String, _ value: JSONValue) {
        switch key {
        case "channel":
            if value.stringValue != "online" && value.stringValue != "paper" {
                add("invalid_field", .error, "$.channel", message("invalid_field", ["channel", "expected \"online\" or \"paper\""]))
            }
        case "startedAt", "submittedAt":
            if let s = value.stringValue, Run.isTimestamp(s) {
                // The day it is given: submittedAt, else startedAt.
                if key == "submittedAt" || today == nil { today = CalendarDate(timestampPrefix: s) }
                return
            }
            add("invalid_field", .error, "$." + key, message("invalid_field", [key, "expected an ISO 8601 timestamp such as 2021-03-21T10:15:00Z"]))
        case "confirmations": readConfirmations(value)
        case "variant":
            if let v = value.stringValue, ev.schema.variants.contains(v) { variant = v; return }
            let expected = ev.schema.variants.isEmpty ? "this form has no variants" : "expected one of \(ev.schema.variants.joined(separator: ", "))"
            add("invalid_field", .error, "$.variant", message("invalid_field", ["variant", expected]))
        case "language":
            if let l = value.stringValue, ev.schema.languages.contains(l) { return }
            add("invalid_field", .error, "$.language", message("invalid_field", ["language", "expected one of \(ev.schema.languages.joined(separator: ", "))"]))
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
            add("type", .error, "$." + roster.id, message("type", ["an array of members", value.kindName]), question: roster.id)
            return
        }
        let s = roster.memberScope
        for (i, item) in items.prefix(Run.hardMemberLimit).enumerated() {
            guard case .object(let member) = item else {
                add("type", .error, "$.\(roster.id)[\(i)]", message("type", ["an object", item.kindName]), question: roster.id)
                continue
            }
            if let members = Run.inKeyOrder(member, plan.scopeRank[s]) {
                let byRank = plan.scopeByRank[s]
                for packed in members.order {
                    decode(members.values[packed & 0xFFFF_FFFF], scope: s, instance: i, local: byRank[packed >> 32])
                }
                continue
            }
            decodeAnswers(of: member, scope: s, instance: i, path: "$.\(roster.id)[\(i)]")
        }
    }

    /// Decodes each answer of a member or pair object in key order; a key that names no
    /// question of the scope is an `unknown_key` with a did-you-mean.
    func decodeAnswers(of object: [String: JSONValue], scope s: Int, instance: Int, path: String, skipping: Set<String> = []) {
        let index = ev.scopes[s].questionIndex
        for key in object.keys.sorted() where !skipping.contains(key) {
            if let q = index[key] {
                decode(object[key]!, scope: s, instance: instance, local: q)
            } else {
                let hint = ev.suggestion(for: key, among: index.keys)
                add("unknown_key", .error, FindingPath.member(path, key), message("unknown_key", [Echo.quoted(key)]) + didYouMean(hint), question: key)
            }
        }
    }

    func readPairs(_ r: Int, _ value: JSONValue) {
        let roster = ev.rosters[r]
        let block = roster.pairBlock!
        let s = roster.pairScope
        guard case .array(let items) = value else {
            add("type", .error, "$." + block, message("type", ["an array of pairs", value.kindName]), question: block)
            return
        }
        let n = memberCount[r]
        for (k, item) in items.prefix(Run.hardMemberLimit * 4).enumerated() {
            let path = "$.\(block)[\(k)]"
            guard case .object(let pair) = item, let p = pair["person"]?.intValue, let o = pair["other"]?.intValue else {
                add("invalid_pair", .error, path, message("invalid_pair", ["expected {\"person\": P, \"other\": O, ...} with member positions"]), question: block)
                continue
            }
            guard o >= 1, p > o, p <= n else {
                add("invalid_pair", .error, path, message("invalid_pair", ["person \(p), other \(o): need 1 <= other < person <= \(n)"]), question: block)
                continue
            }
            let instance = (p - 1) * (p - 2) / 2 + (o - 1)
            if frames[s].responseIndex[instance] >= 0 {
                add("duplicate_pair", .error, path, message("duplicate_pair", ["\(p)-\(o)"]), question: block)
                continue
            }
            frames[s].responseIndex[instance] = k
            decodeAnswers(of: pair, scope: s, instance: instance, path: path, skipping: ["person", "other"])
        }
    }

    func readConfirmations(_ value: JSONValue) {
        guard case .object(let o) = value else {
            add("invalid_confirmation", .error, "$.confirmations", message("invalid_confirmation", ["expected an object of check id to confirmations"]))
            return
        }
        for checkId in o.keys.sorted() {
            let v = o[checkId]!
            let path = FindingPath.member("$.confirmations", checkId)
            guard let k = ev.checkIndex[checkId], ev.schema.checks[k].severity == .confirm else {
                let hint = ev.suggestion(for: checkId, among: ev.schema.checks.filter { $0.severity == .confirm }.map(\.id))
                add("unknown_key", .error, path, message("unknown_key", [Echo.quoted(checkId)]) + didYouMean(hint), check: checkId)
                continue
            }
            let s = ev.checks[k].scope
            var set = Set<Int>()
            switch ev.scopes[s].kind {
            case .household:
                if v.boolValue == true { set.insert(0) } else if v.boolValue != false {
                    add("invalid_confirmation", .error, path, message("invalid_confirmation", ["expected true"]), check: checkId)
                }
            case .member:
                let n = memberCount[ev.scopes[s].roster]
                // The path names only what the response holds: a value that is not an array is
                // reported where it is, not at an element `[0]` it does not have.
                guard let items = v.arrayValue else {
                    add("invalid_confirmation", .error, path, message("invalid_confirmation", ["expected an array of member positions 1...\(n), such as [2]"]), check: checkId)
                    continue
                }
                for (i, item) in items.enumerated() {
                    if let p = item.intValue, p >= 1, p <= n { set.insert(p - 1) } else {
                        add("invalid_confirmation", .error, "\(path)[\(i)]", message("invalid_confirmation", ["expected member positions 1...\(n)"]), check: checkId)
                    }
                }
            case .pair:
                let n = memberCount[ev.scopes[s].roster]
                guard let items = v.arrayValue else {
                    add("invalid_confirmation", .error, path, message("invalid_confirmation", ["expected an array of [person, other] positions, such as [[2, 1]]"]), check: checkId)
                    continue
                }
                for (i, item) in items.enumerated() {
                    if let a = item.arrayValue, a.count == 2, let p = a[0].intValue, let q = a[1].intValue, q >= 1, p > q, p <= n {
                        set.insert((p - 1) * (p - 2) / 2 + (q - 1))
                    } else {
                        add("invalid_confirmation", .error, "\(path)[\(i)]", message("invalid_confirmation", ["expected [person, other] positions"]), check: checkId)
                    }
                }
            }
            confirmed[k] = set
        }
    }
}
