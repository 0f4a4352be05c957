import Foundation
import Questionnaire
import ResponseStore

/// Where a household is, from the address frame.
struct Geography: Sendable, Hashable {
    var localAuthority: String
    var lsoa: String
    var outputArea: String
    /// The LSOA's index in the run's area list (``AreaList``), for the tallies.
    var lsoaIndex: Int
}

/// What the aggregator takes from a household's versions: the authoritative return (the
/// store's rules, ``AuthoritativeReturn``) and the first return (the earliest received online
/// submission or paper return: the day the household counts as returned, and the mode the
/// online share counts). A household with versions but no return (online saves only) is
/// *in progress*.
///
/// The versions given may include those of the household's individual returns (keys
/// `H/i1`, ``IndividualReturn``): each person's individual return (``AuthoritativeReturn``,
/// rules 5-7) is kept to be read over the household's return, and none of them counts in
/// choosing the household's authoritative or first return.
struct HouseholdState: Sendable, Equatable {
    var authoritative: ResponseVersion?
    var firstReturn: ResponseVersion?
    /// Each person's individual return, by person key (`i1`).
    var individuals: [String: ResponseVersion] = [:]

    var isReturned: Bool { firstReturn != nil }
    var isInProgress: Bool { firstReturn == nil && authoritative != nil }

    init(_ versions: some Sequence<ResponseVersion>) {
        var all: [ResponseVersion] = []
        var theirs: [String: [ResponseVersion]] = [:]
        for v in versions {
            if let person = IndividualReturn.split(v.householdID).person {
                theirs[person, default: []].append(v)
                continue
            }
            all.append(v)
            guard v.kind != .partial else { continue }
            if let f = firstReturn, (f.receivedAt, f.version) <= (v.receivedAt, v.version) { continue }
            firstReturn = v
        }
        authoritative = AuthoritativeReturn.choose(from: all)
        individuals = theirs.compactMapValues(AuthoritativeReturn.chooseIndividual(from:))
    }

    /// Two states with the same signature give the same rows and the same counts.
    var signature: [Int64] {
        [authoritative?.version ?? -1, firstReturn?.version ?? -1] + individuals.values.map(\.version).sorted()
    }

    static func == (a: HouseholdState, b: HouseholdState) -> Bool { a.signature == b.signature }
}

/// Everything about one returned household that goes into its rows.
struct HouseholdContext {
    var householdID: String
    var geography: Geography
    var state: HouseholdState
    var householdKey: Int
}

/// Turns one read response into rows of every table, and counts what the data dictionary
/// reports about each variable (its universe in the data).
struct RecordWriter {
    let layout: ExportLayout
    /// Per table, per column: where its value comes from, with nothing reference counted in it
    /// (the question ids of ``ColumnSource`` are in ``questionIDs``): read for every cell of
    /// every row, where copying a source's id string cost a retain and a release per cell.
    private let cells: [[CellSource]]
    /// Per table, per column: the question id of an answer column ("" for the others), for
    /// `not_answered`.
    private let questionIDs: [[String]]
    /// Per table, per column: for a `_detail` column, the options of its question that take a
    /// "please specify" text (looked up once here, not per row).
    private let specifying: [[Set<String>?]]

    init(layout: ExportLayout) {
        self.layout = layout
        cells = layout.tables.map { $0.columns.map { CellSource($0.source) } }
        questionIDs = layout.tables.map { $0.columns.map { if case .answer(let id, _) = $0.source { id } else { "" } } }
        var specifying: [String: Set<String>] = [:]
        for schema in layout.schemas {
            for q in schema.questions {
                guard let list = q.type.choiceList, let options = schema.choiceLists.first(where: { $0.id == list })?.options else { continue }
                specifying[q.id, default: []].formUnion(options.filter { $0.specify != nil }.map(\.id))
            }
        }
        self.specifying = layout.tables.map { table in
            table.columns.map { column -> Set<String>? in
                if case .answer(let id, .detail) = column.source { return specifying[id] }
                return nil
            }
        }
    }

    /// Writes the household's rows into `encoders` (one per table, when `writing`) and adds
    /// `sign` (+1, or -1 to take back an earlier return) to the dictionary's counts.
    /// `memberKeys(r)`: the record keys of roster `r`'s members
    /// (``RecordKeys/members(_:roster:count:)``, made once per household for the rows and the
    /// tables).
    func write(_ context: HouseholdContext, reader: ResponseReader, binding: SchemaBinding, memberKeys: (Int) -> [Int],
               encoders: inout [RowEncoder], writing: Bool, counts: inout VariableCounts, sign: Int) {
        // The per-cell counts through a pointer for the household: an element of the array
        // written in place checked the array's uniqueness for every cell.
        counts.states.withUnsafeMutableBufferPointer { states in
            write(context, reader: reader, binding: binding, memberKeys: memberKeys, encoders: &encoders, writing: writing,
                  rows: &counts.rows, offsets: counts.offsets, states: states, sign: sign)
        }
    }

    private func write(_ context: HouseholdContext, reader: ResponseReader, binding: SchemaBinding, memberKeys: (Int) -> [Int],
                       encoders: inout [RowEncoder], writing: Bool, rows: inout [Int], offsets: [Int],
                       states: UnsafeMutableBufferPointer<Int>, sign: Int) {
        for (t, table) in layout.tables.enumerated() {
            let bound = binding.index[t]
            switch table.unit {
            case .household:
                rows[t] += sign
                row(t, bound, instance: 0, context: context, member: nil, reader: reader, into: &encoders[t], writing: writing,
                    base: offsets[t], states: states, sign: sign)
            case .member:
                let r = binding.roster[t]
                guard r >= 0, reader.rosterApplies(r) else { continue }
                let n = reader.memberCount(roster: r)
                if n == 0 { continue }
                let memberKeys = memberKeys(r)
                for i in 0..<n {
                    rows[t] += sign
                    row(t, bound, instance: i, context: context, member: (i, memberKeys[i], nil), reader: reader,
                        into: &encoders[t], writing: writing, base: offsets[t], states: states, sign: sign)
                }
            case .pair:
                let r = binding.roster[t]
                guard r >= 0 else { continue }
                for k in 0..<reader.pairCount(roster: r) {
                    // A row for each pair asked: some question of the block applies to it.
                    let asked = table.columns.indices.contains { c in
                        guard case .answer = cells[t][c], bound[c] >= 0 else { return false }
                        return reader.state(question: bound[c], instance: k) != .skipped
                    }
                    guard asked else { continue }
                    let (person, other) = reader.pair(roster: r, k)
                    rows[t] += sign
                    row(t, bound, instance: k, context: context, member: (person, 0, other), reader: reader,
                        into: &encoders[t], writing: writing, base: offsets[t], states: states, sign: sign)
                }
            }
        }
    }

    /// One row of table `t`: fixed columns, then each variable (bound to this schema or not),
    /// then the list of variables asked and not answered. The row's encoder is passed in place
    /// (`inout`), not looked up in the array of encoders for every cell.
    private func row(_ t: Int, _ bound: [Int], instance i: Int, context: HouseholdContext,
                     member: (position: Int, key: Int, other: Int?)?, reader: ResponseReader,
                     into e: inout RowEncoder, writing: Bool, base: Int, states: UnsafeMutableBufferPointer<Int>, sign: Int) {
        // The columns (ids in questionIDs[t]) asked and not answered so far in the row.
        var notAnswered: [Int] = []
        // The row's questions are read in flow order: their sections' routing once per run of them.
        var walk = ResponseReader.RoutingWalk()
        let cells = self.cells[t]
        for c in cells.indices {
            switch cells[c] {
            case .fixed(let fixed):
                if writing { writeFixed(fixed, context: context, member: member, into: &e) }
            case .notAnswered:
                guard writing else { continue }
                e.words(notAnswered, of: questionIDs[t])
            case .derived:
                let d = bound[c]
                let v = d >= 0 ? reader.derived(d, instance: i) : .unknown
                states[base + c * VariableCounts.stateCount + (d < 0 ? VariableCounts.notInForm : v.isKnown ? VariableCounts.answered : VariableCounts.notAnswered)] += sign
                if writing { e.value(v) }
            case .answer(let part):
                let q = bound[c]
                guard q >= 0 else {
                    states[base + c * VariableCounts.stateCount + VariableCounts.notInForm] += sign
                    if writing { e.null() }
                    continue
                }
                let (state, value) = reader.answer(question: q, instance: i, walk: &walk)
                states[base + c * VariableCounts.stateCount + Int(state.rawValue)] += sign
                if (state == .notAnswered || state == .invalid) && isFirstPart(part) { notAnswered.append(c) }
                guard writing else { continue }
                guard state == .answered else { e.null(); continue }
                switch part {
                case .value: e.value(value)
                case .detail:
                    // Only an option that takes a "please specify" text can have one.
                    var specifies = false
                    if let options = specifying[t][c] {
                        switch value {
                        case .option(let o): specifies = options.contains(o)
                        case .options(let os): specifies = os.contains { options.contains($0) }
                        default: break
                        }
                    }
                    let texts = specifies ? reader.specifiedTexts(question: q, instance: i) : []
                    // A one_of answer's text, or an any_of answer's texts joined with `; `.
                    if texts.isEmpty { e.null() } else { e.text(texts.count == 1 ? texts[0] : texts.joined(separator: "; ")) }
                case .line(let n):
                    guard case .address(let a) = value, n - 1 < a.lines.count, !a.lines[n - 1].isEmpty else {
                        e.null()
                        continue
                    }
                    e.text(a.lines[n - 1])
                case .town, .postcode, .country:
                    guard case .address(let a) = value else { e.null(); continue }
                    let text = part == .town ? a.town : part == .postcode ? a.postcode : a.country
                    if let text, !text.isEmpty { e.text(text) } else { e.null() }
                }
            }
        }
        if writing { e.end() }
    }

    private func isFirstPart(_ part: AnswerPart) -> Bool {
        switch part {
        case .value, .line(1): return true
        default: return false
        }
    }

    private func writeFixed(_ fixed: FixedColumn, context: HouseholdContext, member: (position: Int, key: Int, other: Int?)?,
                            into e: inout RowEncoder) {
        let auth = context.state.authoritative
        let first = context.state.firstReturn
        switch fixed {
        case .householdID: e.plain(context.householdID)
        case .recordKey: e.integer(member?.key ?? context.householdKey)
        case .localAuthority: e.text(context.geography.localAuthority)
        case .lsoa: e.text(context.geography.lsoa)
        case .outputArea: e.text(context.geography.outputArea)
        case .receipt: if let auth { e.plain(auth.receiptID) } else { e.null() }
        case .returnKind: if let auth { e.plain(auth.kind.rawValue) } else { e.null() }
        case .returnChannel: if let auth { e.plain(auth.channel.rawValue) } else { e.null() }
        case .receivedAt: if let auth { e.timestamp(auth.receivedAt) } else { e.null() }
        case .firstReturnedAt: if let first { e.timestamp(first.receivedAt) } else { e.null() }
        case .firstReturnChannel: if let first { e.plain(first.channel.rawValue) } else { e.null() }
        case .completeness:
            if let auth { e.number((auth.completeness * 10_000).rounded() / 10_000) } else { e.null() }
        case .schemaHash: if let auth { e.plain(auth.schemaHash) } else { e.null() }
        case .personNumber: e.integer((member?.position ?? 0) + 1)
        case .otherPersonNumber: e.integer((member?.other ?? 0) + 1)
        }
    }
}

/// ``ColumnSource`` without its ids: what ``RecordWriter`` switches on for every cell.
private enum CellSource {
    case fixed(FixedColumn)
    case answer(AnswerPart)
    case derived
    case notAnswered

    init(_ source: ColumnSource) {
        switch source {
        case .fixed(let f): self = .fixed(f)
        case .answer(_, let part): self = .answer(part)
        case .derived: self = .derived
        case .notAnswered: self = .notAnswered
        }
    }
}

/// Per table and column: how many rows had the variable answered, not answered, answered
/// invalidly, skipped by routing, or not in the row's form at all (a store with several
/// schemas); and rows per table. Additive, so runs can add and take back households.
struct VariableCounts: Sendable, Codable, Equatable {
    static let stateCount = 5
    // Indices match ResponseReader.AnswerState's raw values, then "not in the form".
    static let skipped = 0, notAnswered = 1, invalid = 2, answered = 3, notInForm = 4

    var rows: [Int]
    var states: [Int]
    let offsets: [Int]

    init(layout: ExportLayout) {
        rows = Array(repeating: 0, count: layout.tables.count)
        var offsets: [Int] = []
        var total = 0
        for t in layout.tables {
            offsets.append(total)
            total += t.columns.count * Self.stateCount
        }
        self.offsets = offsets
        states = Array(repeating: 0, count: total)
    }

    func offset(table t: Int) -> Int { offsets[t] }

    /// The counts of one column: [skipped, not answered, invalid, answered, not in form].
    func states(table t: Int, column c: Int) -> ArraySlice<Int> {
        let base = offsets[t] + c * Self.stateCount
        return states[base..<(base + Self.stateCount)]
    }

    mutating func add(_ other: VariableCounts) {
        for i in rows.indices { rows[i] += other.rows[i] }
        for i in states.indices { states[i] += other.states[i] }
    }
}

/// Times as the export writes them: UTC, ISO 8601, to the second (`2021-03-21T10:05:00Z`).
enum Timestamps {
    static func iso(_ date: Date) -> String {
        var b: [UInt8] = []
        append(date, to: &b)
        return String(decoding: b, as: UTF8.self)
    }

    /// ``iso(_:)`` appended to `out` (nothing for a date outside the calendar's range).
    static func append(_ date: Date, to out: inout [UInt8]) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - day * 86_400
        guard let d = CalendarDate(dayNumber: day) else { return }
        appendISODate(d, to: &out)
        out.append(UInt8(ascii: "T"))
        appendPadded(rest / 3600, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(rest % 3600 / 60, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(rest % 60, 2, to: &out)
        out.append(UInt8(ascii: "Z"))
    }
}
