/// The optimistic byte-level reader: decodes a well-formed, clean response straight from its
/// UTF-8 bytes into the evaluation frames, without building a `JSONValue` tree.
///
/// It accepts only what the general path (strict ``JSONParser`` + ``Run/decode``) would accept
/// *without any finding* about the answers' shapes, and must then leave exactly the same frames.
/// On anything else (an escape in a string, an unknown key, an invalid option, a duplicate key,
/// a number that is not a plain integer, malformed JSON, ...) it returns `false` and the caller
/// re-reads the response on the general path, which produces the precise findings.
struct FastCursor {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0

    init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }

    @inline(__always) var atEnd: Bool { i >= b.count }
    @inline(__always) var peek: UInt8 { i < b.count ? b[i] : 0 }

    @inline(__always) mutating func ws() {
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { return }
        }
    }

    @inline(__always) mutating func eat(_ c: UInt8) -> Bool {
        ws()
        if i < b.count && b[i] == c { i += 1; return true }
        return false
    }

    /// A string with no escapes and no control characters: the range of its content.
    @inline(__always) mutating func plainString() -> Range<Int>? {
        ws()
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        let start = i
        // Eight bytes at a time while none of them can end the string or be refused (a quote, a
        // backslash, a control character): keys and answers are mostly plain letters, and a
        // byte at a time was most of the reader's scanning. A word that may hold one (the test
        // can also flag a byte after a true one) is read byte by byte below.
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= b.count {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if FastCursor.mayEndString(w) { break }
                i += 8
            }
        }
        while i < b.count {
            let c = b[i]
            // Most bytes (lower-case letters, '_', UTF-8 continuation bytes) are above '\\': one comparison.
            if c <= UInt8(ascii: "\\") {
                if c == UInt8(ascii: "\"") { let r = start..<i; i += 1; return r }
                if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            }
            i += 1
        }
        return nil
    }

    /// Whether any byte of the 8 in `w` may be a quote, a backslash or below 0x20 (the classic
    /// "has a zero byte" test on `w` xor the byte, and on `w` minus 0x20 for the control
    /// characters; no byte that is one is missed).
    @inline(__always)
    static func mayEndString(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let found = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w)
        return found & highs != 0
    }

    func string(_ r: Range<Int>) -> String? {
        let slice = UnsafeBufferPointer(rebasing: b[r])
        var ascii = true
        for byte in slice where byte >= 0x80 { ascii = false; break }
        if ascii { return String(decoding: slice, as: UTF8.self) }
        return String(validating: slice, as: UTF8.self)
    }

    /// Whether the bytes in `r` are `s`'s UTF-8 (lengths first: most keys compared are not `s`).
    @inline(__always)
    func equals(_ r: Range<Int>, _ s: String) -> Bool {
        var s = s
        return s.withUTF8 { u in
            guard u.count == r.count else { return false }
            var k = 0
            while k < u.count {
                if b[r.lowerBound + k] != u[k] { return false }
                k += 1
            }
            return true
        }
    }

    /// A JSON integer without fraction or exponent (and without leading zeros).
    @inline(__always) mutating func integer() -> Int? {
        ws()
        var negative = false
        if i < b.count && b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        let start = i
        var value = 0
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(b[i] - 0x30))
            if o1 || o2 { return nil }
            value = a
            i += 1
        }
        let digits = i - start
        if digits == 0 || (digits > 1 && b[start] == 0x30) { return nil }
        if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") { return nil }
        return negative ? -value : value
    }

    @inline(__always) mutating func null() -> Bool {
        ws()
        if i + 4 <= b.count, b[i] == UInt8(ascii: "n"), b[i + 1] == UInt8(ascii: "u"), b[i + 2] == UInt8(ascii: "l"), b[i + 3] == UInt8(ascii: "l") {
            i += 4
            return true
        }
        return false
    }

    /// Skips one value (validating structure loosely; strings must be plain). Counts array elements
    /// when the value is an array. Returns `nil` on anything it does not accept.
    mutating func skip(depth: Int = 0) -> Int? {
        guard depth < 64 else { return nil }
        ws()
        guard i < b.count else { return nil }
        switch b[i] {
        case UInt8(ascii: "\""): return plainString() == nil ? nil : 0
        case UInt8(ascii: "{"):
            i += 1
            if eat(UInt8(ascii: "}")) { return 0 }
            repeat {
                guard plainString() != nil, eat(UInt8(ascii: ":")), skip(depth: depth + 1) != nil else { return nil }
            } while eat(UInt8(ascii: ","))
            return eat(UInt8(ascii: "}")) ? 0 : nil
        case UInt8(ascii: "["):
            i += 1
            if eat(UInt8(ascii: "]")) { return 0 }
            var n = 0
            repeat {
                guard skip(depth: depth + 1) != nil else { return nil }
                n += 1
            } while eat(UInt8(ascii: ","))
            return eat(UInt8(ascii: "]")) ? n : nil
        case UInt8(ascii: "t"):
            guard i + 4 <= b.count, b[i + 1] == UInt8(ascii: "r"), b[i + 2] == UInt8(ascii: "u"), b[i + 3] == UInt8(ascii: "e") else { return nil }
            i += 4
            return 0
        case UInt8(ascii: "f"):
            guard i + 5 <= b.count, b[i + 1] == UInt8(ascii: "a"), b[i + 2] == UInt8(ascii: "l"), b[i + 3] == UInt8(ascii: "s"), b[i + 4] == UInt8(ascii: "e") else { return nil }
            i += 5
            return 0
        case UInt8(ascii: "n"): return null() ? 0 : nil
        default: return integer() == nil ? nil : 0
        }
    }

    @inline(__always) func digits(_ start: Int, _ count: Int) -> Int? {
        var v = 0
        for k in start..<(start + count) {
            let c = b[k]
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }
}

extension Run {
    struct TopSpan {
        var code: Int
        var start: Int
    }

    /// Reads a clean response into the frames; `false` means "use the general path".
    func readFast(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var c = FastCursor(bytes)
        guard c.eat(UInt8(ascii: "{")) else { return false }
        // One pass: household answers and roster members are decoded where they stand (member
        // frames grow as members are read); pairs and confirmations, which need the roster
        // sizes, are only located and read afterwards.
        allocate(households: true, members: true, pairs: false)
        var deferred: [TopSpan] = []
        sawUnanswered = false
        var sawChannel = false, sawSchema = false
        var seenReserved = 0
        if !c.eat(UInt8(ascii: "}")) {
            repeat {
                guard let key = c.plainString(), c.eat(UInt8(ascii: ":")), let code = plan.topTable.lookup(bytes, key) else { return false }
                c.ws()
                let start = c.i
                if code < 100_000 {
                    guard readAnswerFast(&c, scope: 0, instance: 0, local: code) else { return false }
                } else if code < 200_000 {
                    let r = code - 100_000
                    guard !rosterPresent[r] else { return false }
                    rosterPresent[r] = true
                    guard readMembersFast(&c, roster: r) else { return false }
                } else if code < 300_000 {
                    guard !deferred.contains(where: { $0.code == code }), c.skip() != nil else { return false }
                    deferred.append(TopSpan(code: code, start: start))
                } else {
                    let bit = 1 << (code - 300_000)
                    if seenReserved & bit != 0 { return false }
                    seenReserved |= bit
                    if code == 300_005 {
                        guard c.skip() != nil else { return false }
                        deferred.append(TopSpan(code: code, start: start))
                    } else {
                        guard readReservedFast(code - 300_000, &c) else { return false }
                    }
                    if code == 300_000 { sawSchema = true }
                    if code == 300_001 { sawChannel = true }
                }
            } while c.eat(UInt8(ascii: ","))
            guard c.eat(UInt8(ascii: "}")) else { return false }
        }
        c.ws()
        // A form with variants needs the response's variant (missing: the general path reports it).
        guard c.atEnd, sawSchema, sawChannel, ev.schema.variants.isEmpty || variant != nil else { return false }
        allocate(households: false, members: false, pairs: true)
        for span in deferred where span.code < 300_000 {
            c.i = span.start
            guard readPairsFast(&c, roster: span.code - 200_000) else { return false }
        }
        for span in deferred where span.code == 300_005 {
            c.i = span.start
            guard readConfirmationsFast(&c) else { return false }
        }
        // "Seen but unanswered" marks back to absent (most responses have none: no sweep).
        if sawUnanswered { clearSeenUnanswered() }
        return true
    }

    /// Marks answer `flat` of scope `s` as seen but not answered (null, blank or empty): a
    /// second key for it is then a duplicate, and ``readFast(_:)`` turns the mark back to absent.
    @inline(__always)
    func markSeenUnanswered(_ s: Int, _ flat: Int) {
        frames[s].present[flat] = 3
        sawUnanswered = true
    }

    func clearSeenUnanswered() {
        for s in 0..<scopeCount {
            let n = frames[s].present.count
            for k in 0..<n where frames[s].present[k] == 3 { frames[s].present[k] = 0 }
        }
    }

    func readReservedFast(_ which: Int, _ c: inout FastCursor) -> Bool {
        switch which {
        case 0:  // schema
            guard c.eat(UInt8(ascii: "{")) else { return false }
            var id = false, hash = false
            repeat {
                guard let key = c.plainString(), c.eat(UInt8(ascii: ":")), let value = c.plainString() else { return false }
                if c.equals(key, "id") { guard !id, c.equals(value, ev.schema.id) else { return false }; id = true }
                else if c.equals(key, "hash") { guard !hash, c.equals(value, ev.schema.hash) else { return false }; hash = true }
                else if c.equals(key, "version") { guard c.string(value) != nil else { return false } }
                else { return false }
            } while c.eat(UInt8(ascii: ","))
            return c.eat(UInt8(ascii: "}")) && id && hash
        case 1:  // channel
            guard let v = c.plainString() else { return false }
            return c.equals(v, "online") || c.equals(v, "paper")
        case 2, 3:
            guard let v = c.plainString() else { return false }
            // Timestamps that pass are ASCII, hence valid UTF-8.
            guard Run.isTimestamp(UnsafeBufferPointer(rebasing: c.b[v])) else { return false }
            if which == 3 || today == nil {
                let d = v.lowerBound
                today = CalendarDate(year: c.digits(d, 4) ?? 0, month: c.digits(d + 5, 2) ?? 0, day: c.digits(d + 8, 2) ?? 0)
            }
            return true
        case 4:
            guard let v = c.plainString(), let s = c.string(v), ev.schema.languages.contains(s) else { return false }
            if options.language == nil { language = s }
            return true
        case 5: return true  // confirmations: read after the answers
        case 6, 7:
            guard let v = c.plainString() else { return false }
            return c.string(v) != nil
        case 8:  // variant
            guard let v = c.plainString(), let id = ev.schema.variants.first(where: { c.equals(v, $0) }) else { return false }
            variant = id
            return true
        default: return false
        }
    }

    func readMembersFast(_ c: inout FastCursor, roster r: Int) -> Bool {
        let s = ev.rosters[r].memberScope
        let table = plan.scopeTables[s]
        guard c.eat(UInt8(ascii: "[")) else { return false }
        if c.eat(UInt8(ascii: "]")) { return true }
        var m = 0
        repeat {
            guard m < Run.hardMemberLimit, c.eat(UInt8(ascii: "{")) else { return false }
            frames[s].appendInstance()
            memberCount[r] = m + 1
            if !c.eat(UInt8(ascii: "}")) {
                repeat {
                    guard let key = c.plainString(), c.eat(UInt8(ascii: ":")), let q = table.lookup(c.b, key),
                        readAnswerFast(&c, scope: s, instance: m, local: q)
                    else { return false }
                } while c.eat(UInt8(ascii: ","))
                guard c.eat(UInt8(ascii: "}")) else { return false }
            }
            m += 1
        } while c.eat(UInt8(ascii: ","))
        return c.eat(UInt8(ascii: "]"))
    }

    func readPairsFast(_ c: inout FastCursor, roster r: Int) -> Bool {
        let s = ev.rosters[r].pairScope
        let table = plan.scopeTables[s]
        let n = memberCount[r]
        guard c.eat(UInt8(ascii: "[")) else { return false }
        if c.eat(UInt8(ascii: "]")) { return true }
        var k = 0
        var pending: [(Int, Int)] = []
        repeat {
            guard c.eat(UInt8(ascii: "{")) else { return false }
            var person = -1, other = -1
            pending.removeAll(keepingCapacity: true)
            if !c.eat(UInt8(ascii: "}")) {
                repeat {
                    guard let key = c.plainString(), c.eat(UInt8(ascii: ":")) else { return false }
                    if c.equals(key, "person") {
                        guard person < 0, let v = c.integer() else { return false }
                        person = v
                    } else if c.equals(key, "other") {
                        guard other < 0, let v = c.integer() else { return false }
                        other = v
                    } else {
                        guard let q = table.lookup(c.b, key) else { return false }
                        c.ws()
                        pending.append((q, c.i))
                        guard c.skip() != nil else { return false }
                    }
                } while c.eat(UInt8(ascii: ","))
                guard c.eat(UInt8(ascii: "}")) else { return false }
            }
            guard other >= 1, person > other, person <= n else { return false }
            let instance = (person - 1) * (person - 2) / 2 + (other - 1)
            guard frames[s].responseIndex[instance] < 0 else { return false }
            frames[s].responseIndex[instance] = k
            let resume = c.i
            for (q, at) in pending {
                c.i = at
                guard readAnswerFast(&c, scope: s, instance: instance, local: q) else { return false }
            }
            c.i = resume
            k += 1
        } while c.eat(UInt8(ascii: ","))
        return c.eat(UInt8(ascii: "]"))
    }

    func readConfirmationsFast(_ c: inout FastCursor) -> Bool {
        guard c.eat(UInt8(ascii: "{")) else { return false }
        if c.eat(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = c.plainString(), c.eat(UInt8(ascii: ":")), let k = plan.checkTable.lookup(c.b, key),
                ev.schema.checks[k].severity == .confirm, confirmed[k] == nil
            else { return false }
            let s = ev.checks[k].scope
            var set = Set<Int>()
            let n = plan.scopeRoster[s] >= 0 ? memberCount[plan.scopeRoster[s]] : 0
            switch plan.scopeKind[s] {
            case .household:
                c.ws()
                guard c.skip() != nil, c.b[c.i - 1] == UInt8(ascii: "e"), c.b[c.i - 4] == UInt8(ascii: "t") else { return false }
                set.insert(0)
            case .member:
                guard c.eat(UInt8(ascii: "[")) else { return false }
                if !c.eat(UInt8(ascii: "]")) {
                    repeat {
                        guard let p = c.integer(), p >= 1, p <= n else { return false }
                        set.insert(p - 1)
                    } while c.eat(UInt8(ascii: ","))
                    guard c.eat(UInt8(ascii: "]")) else { return false }
                }
            case .pair:
                guard c.eat(UInt8(ascii: "[")) else { return false }
                if !c.eat(UInt8(ascii: "]")) {
                    repeat {
                        guard c.eat(UInt8(ascii: "[")), let p = c.integer(), c.eat(UInt8(ascii: ",")), let o = c.integer(), c.eat(UInt8(ascii: "]")),
                            o >= 1, p > o, p <= n
                        else { return false }
                        set.insert((p - 1) * (p - 2) / 2 + (o - 1))
                    } while c.eat(UInt8(ascii: ","))
                    guard c.eat(UInt8(ascii: "]")) else { return false }
                }
            }
            confirmed[k] = set
        } while c.eat(UInt8(ascii: ","))
        return c.eat(UInt8(ascii: "}"))
    }

    /// One answer at the cursor. `false` for anything the general path would report on.
    func readAnswerFast(_ c: inout FastCursor, scope s: Int, instance i: Int, local q: Int) -> Bool {
        let flat = i * frames[s].nQ + q
        if frames[s].present[flat] != 0 { return false }  // a duplicate key
        if c.null() { markSeenUnanswered(s, flat); return true }
        let shape = answerShapes[Int(scopeQuestionList.starts[s]) + q]
        let value: Value
        switch shape.tag {
        case 0:
            if c.peek == UInt8(ascii: "{"), shape.hasNoneOption, let none = plan.qNoneOption[Int(shape.global)] {
                // The checkbox that answers instead of the text: exactly {"option": ID}, its own ID.
                guard c.eat(UInt8(ascii: "{")), let key = c.plainString(), c.equals(key, "option"), c.eat(UInt8(ascii: ":")),
                    let r = c.plainString(), c.equals(r, none), c.eat(UInt8(ascii: "}"))
                else { return false }
                value = .option(none)
                break
            }
            guard let r = c.plainString() else { return false }
            if r.isEmpty { markSeenUnanswered(s, flat); return true }
            guard let raw = c.string(r) else { return false }
            guard let text = AnswerText.trimmed(raw) else { markSeenUnanswered(s, flat); return true }
            if AnswerText.refusedCharacter(in: text, multiline: shape.multiline) != nil { return false }
            let maxLength = shape.maxLength
            if text.utf8.count > maxLength && text.count > maxLength { return false }
            if shape.hasPattern {
                guard case .text(_, _, let regex?) = plan.qKind[Int(shape.global)], (try? regex.wholeMatch(in: text)) != nil else { return false }
            }
            value = .text(text)
        case 1:
            guard let n = c.integer(), n.magnitude <= Value.maximumExactInteger else { return false }
            value = .int(n)
        case 3:
            guard let r = c.plainString(), r.count == 10, c.b[r.lowerBound + 4] == UInt8(ascii: "-"), c.b[r.lowerBound + 7] == UInt8(ascii: "-"),
                let y = c.digits(r.lowerBound, 4), let m = c.digits(r.lowerBound + 5, 2), let d = c.digits(r.lowerBound + 8, 2),
                let date = CalendarDate(year: y, month: m, day: d)
            else { return false }
            value = .date(date)
        case 4:
            guard let r = c.plainString(), r.count == 7, c.b[r.lowerBound + 4] == UInt8(ascii: "-"),
                let y = c.digits(r.lowerBound, 4), let m = c.digits(r.lowerBound + 5, 2), let my = MonthYear(year: y, month: m)
            else { return false }
            value = .month(my)
        case 5:
            // The plan holds the list: borrowed for the read, not retained and released per answer.
            guard let list = shape.choice else { return false }
            var detail: String?
            guard let v = list._withUnsafeGuaranteedRef({ list in
                readChoiceFast(&c, list, detail: &detail).map { list.optionValues[$0] }
            }) else { return false }
            if let detail { specifiedTexts[SpecifiedKey(scope: s, flat: flat)] = [detail] }
            value = v
        case 6:
            guard let list = shape.choice, c.eat(UInt8(ascii: "[")) else { return false }
            if c.eat(UInt8(ascii: "]")) { markSeenUnanswered(s, flat); return true }
            var details: [String] = []
            guard let v = list._withUnsafeGuaranteedRef({ readOptionsFast(&c, $0, details: &details) }) else { return false }
            if !details.isEmpty { specifiedTexts[SpecifiedKey(scope: s, flat: flat)] = details }
            value = v
        case 7:
            switch readAddressFast(&c, ukOnly: shape.ukOnly) {
            case nil, .refused?: return false
            case .notAnswered?: markSeenUnanswered(s, flat); return true
            case .address(let address)?: value = .address(address)
            }
        default:
            return false
        }
        frames[s].present[flat] = 1
        // Moved into the frame: copied, it was retained there and released here, for every
        // answer of every response read.
        frames[s].answers[flat] = consume value
        return true
    }

    /// The options of an any_of answer after its `[`, up to its `]` (not empty, no option twice,
    /// an exclusive option alone), or `nil` for anything the general path reports on. The
    /// options' text details that are not empty are appended to `details`, in answer order.
    func readOptionsFast(_ c: inout FastCursor, _ list: Evaluator.ChoiceInfo, details: inout [String]) -> Value? {
        var ids: [String] = []
        var seen: UInt64 = 0  // the positions below 64 chosen so far
        var exclusive = false
        repeat {
            var detail: String?
            guard let o = readChoiceFast(&c, list, detail: &detail) else { return nil }
            if let detail { details.append(detail) }
            // An id is looked up to one position (its first), so a repeated id is a repeated position.
            if o < 64 {
                if seen & (1 << UInt64(o)) != 0 { return nil }
                seen |= 1 << UInt64(o)
            } else if ids.contains(list.order[o]) {
                return nil
            }
            if list.exclusive[o] { exclusive = true }
            ids.append(list.order[o])
        } while c.eat(UInt8(ascii: ","))
        guard c.eat(UInt8(ascii: "]")), !(exclusive && ids.count > 1) else { return nil }
        return .options(ids)
    }

    /// `"id"` or `{"value": "id", "detail": ...}`: a text detail on options that take one, a
    /// whole number within its range on options that take a number ("5 or more": how many).
    /// A text detail that is not empty is given back in `detail`, exactly as written.
    func readChoiceFast(_ c: inout FastCursor, _ list: Evaluator.ChoiceInfo, detail text: inout String?) -> Int? {
        c.ws()
        if c.peek == UInt8(ascii: "\"") {
            guard let r = c.plainString() else { return nil }
            return list.table.lookup(c.b, r)
        }
        guard c.eat(UInt8(ascii: "{")) else { return nil }
        var option: Int?
        var detail: Range<Int>?
        var number: Int?
        var detailSeen = false
        repeat {
            guard let key = c.plainString(), c.eat(UInt8(ascii: ":")) else { return nil }
            if c.equals(key, "value") {
                guard option == nil, let r = c.plainString(), let o = list.table.lookup(c.b, r) else { return nil }
                option = o
            } else if c.equals(key, "detail") {
                guard !detailSeen else { return nil }
                detailSeen = true
                if c.null() { continue }
                c.ws()
                if c.peek == UInt8(ascii: "\"") {
                    guard let r = c.plainString() else { return nil }
                    detail = r
                } else {
                    // Only a plain integer; a decimal spelling of one goes to the general path.
                    guard let n = c.integer() else { return nil }
                    number = n
                }
            } else {
                return nil
            }
        } while c.eat(UInt8(ascii: ","))
        guard c.eat(UInt8(ascii: "}")), let option else { return nil }
        if let detail {
            let max = list.specifyMax[option]
            guard max >= 0, let raw = c.string(detail) else { return nil }
            if let text = AnswerText.trimmed(raw), text.utf8.count > max && text.count > max || AnswerText.refusedCharacter(in: text, multiline: false) != nil {
                return nil
            }
            if !raw.isEmpty { text = raw }
        }
        if let number {
            // As Run.checkOption: a number detail only where the option takes one, within its range.
            guard let range = list.specifyNumber[option], number.magnitude <= Value.maximumExactInteger else { return nil }
            if let lo = range.min, number < lo { return nil }
            if let hi = range.max, number > hi { return nil }
        }
        return option
    }

    /// An address as ``Run/checkAddress`` reads it, or `nil` for anything the general path
    /// reports on (`.refused` is not returned: those go to the general path too).
    func readAddressFast(_ c: inout FastCursor, ukOnly: Bool) -> AddressReading? {
        guard c.eat(UInt8(ascii: "{")) else { return nil }
        var address = AddressValue(lines: [])
        var seen = 0
        if !c.eat(UInt8(ascii: "}")) {
            repeat {
                guard let key = c.plainString(), c.eat(UInt8(ascii: ":")) else { return nil }
                let bit: Int
                if c.equals(key, "lines") {
                    bit = 1
                    guard c.eat(UInt8(ascii: "[")) else { return nil }
                    if !c.eat(UInt8(ascii: "]")) {
                        var items = 0
                        repeat {
                            guard let r = c.plainString(), let raw = c.string(r) else { return nil }
                            items += 1
                            // Blank line boxes are skipped; blank characters around a line are not part of it.
                            guard let line = AnswerText.trimmed(raw) else { continue }
                            guard line.count <= 100, AnswerText.refusedCharacter(in: line, multiline: false) == nil else { return nil }
                            address.lines.append(line)
                        } while c.eat(UInt8(ascii: ","))
                        guard c.eat(UInt8(ascii: "]")), items <= 4 else { return nil }
                    }
                } else if c.equals(key, "town") || c.equals(key, "country") || c.equals(key, "postcode") {
                    bit = c.equals(key, "town") ? 2 : (c.equals(key, "country") ? 4 : 8)
                    guard let r = c.plainString(), let raw = c.string(r) else { return nil }
                    let text = AnswerText.trimmed(raw)
                    if let text, AnswerText.refusedCharacter(in: text, multiline: false) != nil { return nil }
                    switch bit {
                    case 2: address.town = text
                    case 4: address.country = text
                    default: address.postcode = text
                    }
                } else {
                    return nil
                }
                if seen & bit != 0 { return nil }
                seen |= bit
            } while c.eat(UInt8(ascii: ","))
            guard c.eat(UInt8(ascii: "}")) else { return nil }
        }
        if address.lines.isEmpty {
            let written = address.town != nil || address.country != nil || address.postcode != nil
            return written ? nil : .notAnswered
        }
        if ukOnly && !Run.isUKPostcode(address.postcode ?? "") { return nil }
        return .address(address)
    }
}
