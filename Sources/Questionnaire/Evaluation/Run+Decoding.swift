extension Run {
    // MARK: Decoding answers

    func add(_ code: String, _ severity: Finding.Severity, _ path: String, _ message: String, question: String? = nil, check: String? = nil) {
        // Messages pipe answers from the response: no control character may break a line of output.
        findings.append(Finding(code: code, severity: severity, path: path, message: Echo.escapingControls(message), question: question, check: check))
    }

    /// One of the evaluator's messages (``EvaluatorMessage``) in the response's language, in the
    /// form's own wording when it gives one.
    func message(_ code: String, _ args: [String]) -> String {
        Messages.text(code, language, args, form: ev.schema.messages)
    }

    /// " (did you mean 'x'?)" in the response's language; "" without a suggestion.
    func didYouMean(_ suggestion: String?) -> String {
        Messages.didYouMean(suggestion, language, form: ev.schema.messages)
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
            message: self.message(message ?? code, args), question: ev.schema.questions[gi].id)
        pending.append(Pending(scope: s, index: i * frames[s].nQ + q, finding: f))
    }

    /// Reports a `control_character` finding at the answer's path (plus `suffix`) when `text`
    /// holds a character ``AnswerText/refusedCharacter(in:multiline:)`` refuses; the one check
    /// every text the evaluator reads goes through (answers, option details, address parts).
    ///
    /// - returns: `true` when `text` was refused (the finding is reported).
    func refuseHiddenCharacter(in text: String, multiline: Bool, _ s: Int, _ i: Int, _ q: Int, suffix: String = "") -> Bool {
        guard let refused = AnswerText.refusedCharacter(in: text, multiline: multiline) else { return false }
        problem(s, i, q, "control_character", [AnswerText.codePoint(refused)], suffix: suffix)
        return true
    }

    /// A number that is valid JSON but no value of the question's type can hold (an integer beyond
    /// ±``Value/maximumExactInteger``, `1e400`): an `out_of_range` finding at its path, whose
    /// message gives the question's bounds, evaluated when findings are reported.
    func numberOutOfRange(_ s: Int, _ i: Int, _ q: Int, _ json: JSONValue) {
        problem(s, i, q, "out_of_range", [])
        pending[pending.count - 1].outOfRange = json
    }

    package func decode(_ json: JSONValue, scope s: Int, instance i: Int, local q: Int) {
        let flat = i * frames[s].nQ + q
        if case .null = json { return }
        let gi = questionIndex(s, q)
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
        // On the plan's plain tags: switching on `AnswerKind` would copy (retain) its payloads.
        switch plan.qTag[gi] {
        case 0:
            if case .object(let o) = json, let none = ev.questions[gi].noneOption {
                // The checkbox that answers instead of the text: {"option": ID}.
                guard o.count == 1, let id = o["option"]?.stringValue else { typeError("text, or {\"option\": \"\(none)\"}"); break }
                guard id == none else {
                    problem(s, i, q, "invalid_option", [Echo.quoted(id), none])
                    ok = false
                    break
                }
                value = .option(id)
                break
            }
            guard case .string(let raw) = json else { typeError("text"); break }
            // Blank is not answered; blank characters around an answer are not part of it.
            guard let text = AnswerText.trimmed(raw) else { return }
            let maxLength = plan.qMaxLength[gi]
            if refuseHiddenCharacter(in: text, multiline: plan.qMultiline[gi], s, i, q) {
                ok = false
            } else if text.utf8.count > maxLength, text.count > maxLength {
                problem(s, i, q, "too_long", [String(text.count), String(maxLength)])
                ok = false
            } else if plan.textRegex[gi], case .text(_, _, let regex?) = plan.qKind[gi], (try? regex.wholeMatch(in: text)) == nil {
                problem(s, i, q, "pattern", [])
                ok = false
            }
            value = .text(text)
        case 1:
            // Whole numbers are exact or refused: beyond ±(2^53 - 1) a JSON reader (JavaScript,
            // most analysis tools) no longer holds every integer exactly (RFC 8259, section 6).
            switch json {
            case .integer(let n):
                guard n.magnitude <= Value.maximumExactInteger else { numberOutOfRange(s, i, q, json); ok = false; break }
                value = .int(n)
            case .double(let d) where !d.isFinite || (d.rounded() == d && d.magnitude > Double(Value.maximumExactInteger)):
                numberOutOfRange(s, i, q, json)
                ok = false
            case .double(let d) where d.rounded() == d:
                value = .int(Int(d))
            default:
                typeError("a whole number")
            }
        case 2:
            guard let d = json.doubleValue else { typeError("a number"); break }
            guard d.isFinite else { numberOutOfRange(s, i, q, json); ok = false; break }
            value = .dec(d)
        case 3:
            guard case .string(let text) = json, let d = CalendarDate(iso: text) else { dateError("a date YYYY-MM-DD", "####-##-##"); break }
            value = .date(d)
        case 4:
            guard case .string(let text) = json, let m = MonthYear(iso: text) else { dateError("a month and year YYYY-MM", "####-##"); break }
            value = .month(m)
        case 5:
            let list = plan.qChoice[gi].unsafelyUnwrapped
            guard let (id, detail) = choice(json) else { typeError("an option id"); break }
            if checkOption(id, detail, list, s, i, q, suffix: "") { value = .option(id) } else { ok = false }
        case 6:
            let list = plan.qChoice[gi].unsafelyUnwrapped
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
                    // Reported once, as a repeat: the exclusive rule below is about other options.
                    problem(s, i, q, "duplicate_option", [id], suffix: "[\(k)]")
                    ok = false
                    continue
                }
                if let o = list.position.rank(of: id), list.exclusive[o] { exclusive = id }
                ids.append(id)
            }
            if let exclusive, ids.count > 1 {
                problem(s, i, q, "exclusive_option", [exclusive])
                ok = false
            }
            value = .options(ids)
        default:
            switch checkAddress(json, ukOnly: plan.qUKOnly[gi], s, i, q) {
            case .notAnswered: return  // nothing written in any field, as a blank text
            case .refused: ok = false
            case .address(let address): value = .address(address)
            }
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
        guard let option = list.position.rank(of: id) else {
            let hint = didYouMean(ev.suggestion(for: id, among: list.order))
            problem(s, i, q, "invalid_option", [Echo.quoted(id), list.order.joined(separator: ", ") + hint], suffix: suffix)
            return false
        }
        guard let detail, !detail.isNull else { return true }
        if let range = list.specifyNumber[option] {
            guard let n = detail.intValue, n.magnitude <= Value.maximumExactInteger else {
                problem(s, i, q, "type", ["a whole number", detail.kindName], suffix: suffix + ".detail")
                return false
            }
            if let lo = range.min, n < lo { problem(s, i, q, "out_of_range", [String(n), String(lo), range.max.map(String.init) ?? "…"], suffix: suffix + ".detail"); return false }
            if let hi = range.max, n > hi { problem(s, i, q, "out_of_range", [String(n), range.min.map(String.init) ?? "…", String(hi)], suffix: suffix + ".detail"); return false }
            return true
        }
        guard let max = list.specify[option] else {
            problem(s, i, q, "detail_not_allowed", [id], suffix: suffix + ".detail")
            return false
        }
        guard case .string(let raw) = detail else {
            problem(s, i, q, "type", ["text", detail.kindName], suffix: suffix + ".detail")
            return false
        }
        // A blank detail is no detail; blank characters around one are not counted.
        guard let text = AnswerText.trimmed(raw) else { return true }
        if refuseHiddenCharacter(in: text, multiline: false, s, i, q, suffix: suffix + ".detail") { return false }
        if text.count > max {
            problem(s, i, q, "specify_too_long", [String(text.count), String(max)], suffix: suffix + ".detail")
            return false
        }
        return true
    }

    enum AddressReading {
        case address(AddressValue)
        /// Nothing written in any field: not answered, as a blank text is.
        case notAnswered
        /// What is wrong has been reported.
        case refused
    }

    /// An address: at least one line written (blank lines are skipped, so a screen may send its
    /// four line boxes as they are), at most 4 lines of at most 100 characters, text fields, and
    /// for `address uk` a UK postcode. Its parts are read without blank characters around them.
    func checkAddress(_ json: JSONValue, ukOnly: Bool, _ s: Int, _ i: Int, _ q: Int) -> AddressReading {
        guard case .object(let o) = json else {
            problem(s, i, q, "type", ["an address object", json.kindName])
            return .refused
        }
        for key in o.keys.sorted() where !["lines", "town", "postcode", "country"].contains(key) {
            problem(s, i, q, "invalid_address", ["unknown field '\(Echo.quoted(key))'"], suffix: FindingPath.member("", key))
            return .refused
        }
        var parts: [String: String] = [:]
        for key in ["town", "postcode", "country"] {
            guard let v = o[key], !v.isNull else { continue }
            guard let text = v.stringValue else {
                problem(s, i, q, "invalid_address", ["\(key): expected text"], suffix: "." + key)
                return .refused
            }
            parts[key] = AnswerText.trimmed(text)
            if let part = parts[key], refuseHiddenCharacter(in: part, multiline: false, s, i, q, suffix: "." + key) {
                return .refused
            }
        }
        var lines: [String] = []
        if let value = o["lines"], !value.isNull {
            guard let items = value.arrayValue, items.count <= 4, items.allSatisfy({ $0.stringValue != nil }) else {
                problem(s, i, q, "invalid_address", ["lines: expected 1 to 4 lines of text"], suffix: ".lines")
                return .refused
            }
            for (k, item) in items.enumerated() {
                guard let line = AnswerText.trimmed(item.stringValue ?? "") else { continue }
                if refuseHiddenCharacter(in: line, multiline: false, s, i, q, suffix: ".lines[\(k)]") { return .refused }
                if line.count > 100 {
                    problem(s, i, q, "invalid_address", ["line \(k + 1) is longer than 100 characters"], suffix: ".lines[\(k)]")
                    return .refused
                }
                lines.append(line)
            }
        }
        if lines.isEmpty && parts.isEmpty { return .notAnswered }
        if lines.isEmpty {
            problem(s, i, q, "invalid_address", ["lines: expected 1 to 4 lines of text"], suffix: ".lines")
            return .refused
        }
        if ukOnly {
            let postcode = parts["postcode"] ?? ""
            if !Run.isUKPostcode(postcode) {
                problem(s, i, q, "invalid_postcode", [Echo.quoted(postcode)], suffix: ".postcode")
                return .refused
            }
        }
        return .address(AddressValue(lines: lines, town: parts["town"], postcode: parts["postcode"], country: parts["country"]))
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
