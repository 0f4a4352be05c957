/// The tables an evaluator resolves from its schema once, and the flat plan the hot path reads.
extension Evaluator {
    package enum ScopeKind { case household, member, pair }

    package struct ScopeInfo {
        var scope: Scope
        package var kind: ScopeKind
        package var roster: Int
        package var questions: [Int] = []
        package var questionIndex: [String: Int] = [:]
        package var derived: [Int] = []
        var derivedIndex: [String: Int] = [:]
        var containers: [Int] = []
        package var checks: [Int] = []
        /// How many endings are of this scope (their `local` numbers).
        var endings = 0
    }

    package struct RosterInfo {
        package var id: String
        package var container: Int
        package var memberScope: Int
        package var pairScope: Int = -1
        package var pairBlock: String?
        var pairContainer: Int = -1
        package var minMembers: Int
        package var maxMembers: Int
        /// Member 1 is the respondent when this holds (household scope).
        var respondentFirst: CExpr?
    }

    package final class ChoiceInfo: @unchecked Sendable {
        let id: String
        package let order: [String]
        /// By position: the option as an answer's value (`.option(id)`), made once.
        let optionValues: UnsafeMutablePointer<Value>
        package let index: [String: (exclusive: Bool, specifyMax: Int?)]
        /// For the byte-level reader: option position by id bytes, and each option's flags.
        let table: ByteTable
        let exclusive: [Bool]
        let specifyMax: [Int]
        /// For the general path: option position by id (the last option of an id, as in `index`).
        let position: KeyRanks

        /// The option's position in the list, by id.
        package func positionOf(_ id: String) -> Int? { position.rank(of: id) }
        /// By position: the most characters of written-in detail, `nil` for none (or a number detail).
        let specify: [Int?]
        /// By position: the range of a whole-number detail, `nil` for none (or a text detail).
        package let specifyNumber: [ChoiceList.NumberRange?]
        /// Whether any option is offered only under a condition.
        let hasConditionalOptions: Bool
        init(_ list: ChoiceList) {
            id = list.id
            order = list.options.map(\.id)
            optionValues = .allocate(capacity: max(1, order.count))
            optionValues.initialize(from: order.map(Value.option), count: order.count)
            table = ByteTable(list.options.enumerated().map { ($0.element.id, $0.offset) })
            exclusive = list.options.map(\.exclusive)
            // -1: the option takes no text detail (none, or a number detail: see specifyNumber).
            specifyMax = list.options.map { $0.specify.map { $0.number == nil ? $0.maxLength : -1 } ?? -1 }
            specifyNumber = list.options.map { $0.specify?.number }
            hasConditionalOptions = list.options.contains { $0.when != nil }
            var index: [String: (exclusive: Bool, specifyMax: Int?)] = [:]
            for o in list.options { index[o.id] = (o.exclusive, o.specify.flatMap { $0.number == nil ? $0.maxLength : nil }) }
            self.index = index
            var position: [String: Int] = [:]
            for (k, o) in list.options.enumerated() { position[o.id] = k }
            self.position = KeyRanks(position)
            specify = list.options.map { $0.specify.flatMap { $0.number == nil ? $0.maxLength : nil } }
        }

        deinit {
            optionValues.deinitialize(count: order.count)
            optionValues.deallocate()
        }
    }

    package enum AnswerKind {
        case text(maxLength: Int, pattern: String?, regex: Regex<AnyRegexOutput>?)
        case integer, decimal, date, monthYear
        case oneOf(ChoiceInfo)
        case anyOf(ChoiceInfo)
        case address(ukOnly: Bool)
    }

    package struct QuestionInfo {
        package var scope: Int
        package var local: Int
        package var when: CExpr?
        package var container: Int
        package var kind: AnswerKind
        package var min: CExpr?
        package var max: CExpr?
        /// Endings that skip this question when they fire.
        var endedBy: [Int] = []
        /// By option position, for lists with conditional options: when each is offered.
        package var optionWhen: [CExpr?]?
        /// The id of the checkbox that answers a text question instead of the text.
        var noneOption: String?
        /// Text questions: whether the answer may hold tabs and line breaks (a text area).
        var multiline = false
        /// Hints' conditions, by hint (nil: always shown).
        var hintWhen: [CExpr?] = []
    }

    package struct ContainerInfo {
        package var scope: Int
        var local: Int
        package var parent: Int
        package var when: CExpr?
        package var selfWhen: CExpr?
        var endedBy: [Int] = []
        /// For a per-member section a member may answer privately: who may (nil: everyone).
        var individualResponse: CExpr?
    }

    package struct EndingInfo {
        package var scope: Int
        var local: Int
        package var container: Int
        package var when: CExpr?
    }

    package struct CheckInfo {
        package var scope: Int
        package var container: Int
        package var when: CExpr
        var target: Int
        /// A household check about a roster's size points at the roster (`$.people`).
        var targetRoster: Int = -1
        var endedBy: [Int] = []
    }

    enum TopKey {
        case reserved
        case household(Int)
        case roster(Int)
        case pairs(Int)
    }

    final class Plan {
        let scopeKind: [ScopeKind]
        let scopeRoster: [Int]
        let scopeQuestions: [[Int]]
        /// ``scopeQuestions`` in one buffer: question `q` of scope `s` is at `scopeQuestionList[s]`'s `q`th position.
        let scopeQuestionList: IntLists
        let scopeDerived: [[Int]]
        let scopeChecks: [[Int]]
        /// Per scope: how many questions, derived values, containers and endings it has.
        let scopeSizes: [(questions: Int, derived: Int, containers: Int, endings: Int)]
        /// The conditions, bounds and derived values below, laid out flat (see ExpressionCode.swift);
        /// each `...Node` is a node of it, -1 for none.
        let code: FrozenExpressionCode
        let qWhenNode: [Int32]
        let qContainer: [Int]
        let qKind: [AnswerKind]
        let qRequired: [Bool]
        let qVoluntary: [Bool]
        let qHasRange: [Bool]
        /// Per question: the bounds of its range (-1: open).
        let qMinNode: [Int32]
        let qMaxNode: [Int32]
        /// Per question: the endings that skip it.
        let qEndings: IntLists
        /// Per question: option conditions by option position (-1: always offered), for lists with
        /// conditional options; empty for the others (``qHasOptionWhen`` false).
        let qOptionWhenNodes: [[Int32]]
        let qHasOptionWhen: [Bool]
        let cEndings: IntLists
        /// Per check: its container (-1: none), the endings that skip it, its condition, and
        /// whether it asks for a confirmation.
        let kContainer: [Int]
        let kEndings: IntLists
        let kWhenNode: [Int32]
        let kConfirm: [Bool]
        let eScope: [Int]
        let eLocal: [Int]
        let eContainer: [Int]
        let eWhenNode: [Int32]
        let cWhenNode: [Int32]
        let cParent: [Int]
        let cScope: [Int]
        let cLocal: [Int]
        /// The routing of each question, container and ending, one record each (the arrays above, for the hot path).
        let routes: RouteTable
        let dExprNode: [Int32]
        /// Per roster: its `respondent first when` condition (-1: none).
        let rosterRespondentFirstNode: [Int32]
        /// What each memoised value reads (see Dependencies.swift), and the index of each
        /// question and derived value within its scope.
        let graph: DependencyGraph
        let qLocal: [Int]
        let dLocal: [Int]
        /// Whether an answer or derived value names a roster member (see ``Evaluator/namesOfMembers()``).
        let qNamesMember: [Bool]
        let dNamesMember: [Bool]
        let rosterContainer: [Int]
        /// Byte-level key tables for the fast reader.
        let topTable: ByteTable
        let scopeTables: [ByteTable]
        let checkTable: ByteTable
        let reservedOrder: [String]
        let textRegex: [Bool]
        /// The answer kind split into plain arrays (switching on `AnswerKind` copies its payloads).
        /// Tags: 0 text, 1 integer, 2 decimal, 3 date, 4 month_year, 5 one_of, 6 any_of, 7 address.
        let qTag: [UInt8]
        let qChoice: [ChoiceInfo?]
        /// ``qChoice`` unretained (``qChoice`` keeps them), for the fast reader to borrow.
        let qChoiceRef: [Unmanaged<ChoiceInfo>?]
        let qMaxLength: [Int]
        /// For text questions: the id of the checkbox that answers instead of the text, if any.
        let qNoneOption: [String?]
        /// For text questions: whether the answer may hold tabs and line breaks (``TextOptions/multiline``).
        let qMultiline: [Bool]
        let qUKOnly: [Bool]
        /// The arrays above for the fast reader, one record per question in scope order.
        let answerShapes: AnswerShapes
        /// For the general path: the keys an object may hold, ranked in `String` order, so the
        /// members of an object whose keys are all known are put in key order by comparing ranks.
        /// Top level: key -> rank, and by rank the key and what it is.
        let topRank: KeyRanks
        let topByRank: [(key: String, kind: TopKey)]
        /// Per scope: question id -> rank, and by rank the local question index.
        let scopeRank: [KeyRanks]
        let scopeByRank: [[Int]]

        init(_ ev: Evaluator) {
            reservedOrder = Evaluator.reservedOrder
            var top: [(String, Int)] = []
            for (k, v) in ev.topKeys {
                switch v {
                case .household(let q): top.append((k, q))
                case .roster(let r): top.append((k, 100_000 + r))
                case .pairs(let r): top.append((k, 200_000 + r))
                case .reserved: top.append((k, 300_000 + (reservedOrder.firstIndex(of: k) ?? 99)))
                }
            }
            topTable = ByteTable(top)
            scopeTables = ev.scopes.map { ByteTable($0.questionIndex.map { ($0.key, $0.value) }) }
            checkTable = ByteTable(ev.schema.checks.enumerated().map { ($0.element.id, $0.offset) })
            textRegex = ev.questions.map { if case .text(_, let p, _) = $0.kind { return p != nil } else { return false } }
            qTag = ev.questions.map {
                switch $0.kind {
                case .text: return 0
                case .integer: return 1
                case .decimal: return 2
                case .date: return 3
                case .monthYear: return 4
                case .oneOf: return 5
                case .anyOf: return 6
                case .address: return 7
                }
            }
            let choices: [ChoiceInfo?] = ev.questions.map {
                switch $0.kind {
                case .oneOf(let c), .anyOf(let c): return c
                default: return nil
                }
            }
            qChoice = choices
            qChoiceRef = choices.map { $0.map { Unmanaged.passUnretained($0) } }
            qMaxLength = ev.questions.map { if case .text(let m, _, _) = $0.kind { return m } else { return 0 } }
            qNoneOption = ev.questions.map(\.noneOption)
            qMultiline = ev.questions.map(\.multiline)
            qUKOnly = ev.questions.map { if case .address(let uk) = $0.kind { return uk } else { return false } }
            scopeKind = ev.scopes.map(\.kind)
            scopeRoster = ev.scopes.map(\.roster)
            scopeQuestions = ev.scopes.map(\.questions)
            scopeQuestionList = IntLists(scopeQuestions)
            scopeDerived = ev.scopes.map(\.derived)
            scopeChecks = ev.scopes.map(\.checks)
            scopeSizes = ev.scopes.map { ($0.questions.count, $0.derived.count, $0.containers.count, $0.endings) }
            qContainer = ev.questions.map(\.container)
            qKind = ev.questions.map(\.kind)
            qRequired = ev.schema.questions.map(\.required)
            qVoluntary = ev.schema.questions.map(\.voluntary)
            qHasRange = ev.questions.map { $0.min != nil || $0.max != nil }
            qEndings = IntLists(ev.questions.map(\.endedBy))
            cEndings = IntLists(ev.containers.map(\.endedBy))
            kContainer = ev.checks.map(\.container)
            kEndings = IntLists(ev.checks.map(\.endedBy))
            kConfirm = ev.schema.checks.map { $0.severity == .confirm }
            eScope = ev.endings.map(\.scope)
            eLocal = ev.endings.map(\.local)
            eContainer = ev.endings.map(\.container)
            cParent = ev.containers.map(\.parent)
            cScope = ev.containers.map(\.scope)
            cLocal = ev.containers.map(\.local)
            var code = ExpressionCode()
            func node(_ e: CExpr?) -> Int32 { e.map { code.append($0) } ?? -1 }
            qWhenNode = ev.questions.map { node($0.when) }
            qMinNode = ev.questions.map { node($0.min) }
            qMaxNode = ev.questions.map { node($0.max) }
            qOptionWhenNodes = ev.questions.map { q in (q.optionWhen ?? []).map { node($0) } }
            qHasOptionWhen = ev.questions.map { $0.optionWhen != nil }
            kWhenNode = ev.checks.map { node($0.when) }
            eWhenNode = ev.endings.map { node($0.when) }
            cWhenNode = ev.containers.map { node($0.when) }
            dExprNode = ev.derived.map { node($0.expr) }
            rosterRespondentFirstNode = ev.rosters.map { node($0.respondentFirst) }
            answerShapes = AnswerShapes(
                scopeQuestions: scopeQuestions, qTag: qTag, qUKOnly: qUKOnly, textRegex: textRegex, qNoneOption: qNoneOption,
                qMultiline: qMultiline, qMaxLength: qMaxLength, qChoiceRef: qChoiceRef)
            routes = RouteTable(
                scopeQuestions: scopeQuestions, qContainer: qContainer, qWhenNode: qWhenNode, qEndings: qEndings.view,
                qHasRange: qHasRange, qHasOptionWhen: qHasOptionWhen, qRequired: qRequired, qVoluntary: qVoluntary,
                cScope: cScope, cLocal: cLocal, cParent: cParent, cWhenNode: cWhenNode, cEndings: cEndings.view,
                eScope: eScope, eLocal: eLocal, eContainer: eContainer, eWhenNode: eWhenNode)
            self.code = FrozenExpressionCode(code)
            graph = ev.buildDependencyGraph()
            qLocal = ev.questions.map(\.local)
            dLocal = ev.derived.map(\.local)
            (qNamesMember, dNamesMember) = ev.namesOfMembers(graph)
            rosterContainer = ev.rosters.map(\.container)
            let topSorted = ev.topKeys.sorted { $0.key < $1.key }
            topByRank = topSorted.map { (key: $0.key, kind: $0.value) }
            topRank = KeyRanks(topSorted.map(\.key))
            let scopeSorted = ev.scopes.map { $0.questionIndex.sorted { $0.key < $1.key } }
            scopeByRank = scopeSorted.map { $0.map(\.value) }
            scopeRank = scopeSorted.map { KeyRanks($0.map(\.key)) }
        }
    }
}

/// Keys and their numbers (ranks in `String` order, option positions). An ASCII key is looked up by its bytes (``ByteTable``, no
/// `String` hashing) when every ranked key is ASCII too: ASCII strings are equal exactly when
/// their bytes are. Any other key is looked up as a `String` (canonical equivalence).
struct KeyRanks {
    let byName: [String: Int]
    let table: ByteTable
    let allASCII: Bool

    /// Numbered in order.
    init(_ sortedKeys: [String]) {
        self.init(Dictionary(uniqueKeysWithValues: sortedKeys.enumerated().map { ($0.element, $0.offset) }))
    }

    init(_ numbers: [String: Int]) {
        byName = numbers
        table = ByteTable(numbers.map { ($0.key, $0.value) })
        allASCII = numbers.keys.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
    }

    @inline(__always)
    func rank(of key: String) -> Int? {
        if allASCII {
            var key = key
            let found: Int?? = key.withUTF8 { u in
                for b in u where b >= 0x80 { return nil }
                return .some(table.lookup(u, 0..<u.count))
            }
            if let found { return found }
        }
        return byName[key]
    }
}

/// Lists of small integers in one buffer (the endings that skip each question, container or
/// check): reading one reads plain memory, with no array retained and released per look-up as
/// iterating an array of arrays does.
final class IntLists: @unchecked Sendable {
    struct View {
        let starts: UnsafePointer<Int32>
        let values: UnsafePointer<Int32>

        /// The positions of list `i`'s values.
        @inline(__always) func range(_ i: Int) -> Range<Int> { Int(starts[i])..<Int(starts[i + 1]) }
        /// The value at a position of ``range(_:)``.
        @inline(__always) subscript(j: Int) -> Int { Int(values[j]) }
    }

    let view: View

    init(_ lists: [[Int]]) {
        let starts = UnsafeMutablePointer<Int32>.allocate(capacity: lists.count + 1)
        let total = lists.reduce(0) { $0 + $1.count }
        let values = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, total))
        var k = 0
        for (i, list) in lists.enumerated() {
            starts[i] = Int32(k)
            for v in list {
                values[k] = Int32(v)
                k += 1
            }
        }
        starts[lists.count] = Int32(k)
        view = View(starts: starts, values: values)
    }

    deinit {
        UnsafeMutablePointer(mutating: view.starts).deallocate()
        UnsafeMutablePointer(mutating: view.values).deallocate()
    }
}
