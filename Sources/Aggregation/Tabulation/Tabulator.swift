import Foundation
import Questionnaire

/// A category of a tabulation dimension.
public struct TableCategory: Sendable, Hashable, Codable {
    /// The option id, band (`16-19`, `85+`), `true`/`false`, or `no_answer` / `not_asked`.
    public var code: String
    /// For people (the option's label in the form's first language).
    public var label: String
}

/// A tabulation checked against the export's layout: where each dimension's value comes from
/// and its categories.
struct CompiledTable: Sendable {
    /// A class, never changed once made: every record is counted through each of its table's
    /// dimensions, and handing the counting a struct of a string, an array and a dictionary
    /// copied it (an outlined copy and destroy, a retain and a release of each) every time; a
    /// reference costs one retain and release at most.
    final class Dimension: Sendable {
        let variable: String
        /// The layout table and column the value is read from (the unit's, or households').
        let table: Int
        let column: Int
        let categories: [TableCategory]
        enum Kind: Sendable { case code([String: Int]), bands([(low: Int, high: Int?)]), boolean }
        let kind: Kind
        let noAnswer: Int
        let notAsked: Int?
        /// A derived value (else a question).
        let isDerived: Bool

        init(variable: String, table: Int, column: Int, categories: [TableCategory], kind: Kind, noAnswer: Int,
             notAsked: Int?, isDerived: Bool) {
            self.variable = variable
            self.table = table
            self.column = column
            self.categories = categories
            self.kind = kind
            self.noAnswer = noAnswer
            self.notAsked = notAsked
            self.isDerived = isDerived
        }
    }

    var definition: TableDefinition
    /// The layout table of the unit counted.
    var unitTable: Int
    var dimensions: [Dimension]
    var cellsPerArea: Int { dimensions.reduce(1) { $0 * $1.categories.count } }
}

/// Counts records into the cells of every tabulation, per local authority, with the sum of the
/// records' keys (cell key perturbation): both additive, so a run can take a household back.
struct Tabulator: Sendable {
    let tables: [CompiledTable]
    let layout: ExportLayout

    /// Checks `definitions` against the layout.
    ///
    /// - throws: ``AggregationError/invalidTableDefinition(table:reason:)`` naming the table and
    ///   what is wrong (a variable the form does not have, a number without bands, …).
    init(_ definitions: TableDefinitions, layout: ExportLayout) throws {
        self.layout = layout
        var ids = Set<String>()
        tables = try definitions.tables.map { def in
            guard !def.id.isEmpty, def.id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw AggregationError.invalidTableDefinition(table: def.id, reason: "a table id is letters, digits and _ (it names the file tables/ID.csv)")
            }
            guard ids.insert(def.id).inserted else { throw AggregationError.invalidTableDefinition(table: def.id, reason: "defined twice") }
            guard (1...2).contains(def.dimensions.count) else {
                throw AggregationError.invalidTableDefinition(table: def.id, reason: "a table has one or two dimensions, not \(def.dimensions.count)")
            }
            let unitTable: Int
            if def.unit == "households" {
                unitTable = 0
            } else if let t = layout.tables.firstIndex(where: { if case .member(let r) = $0.unit { return r == def.unit } else { return false } }) {
                unitTable = t
            } else {
                let rosters = layout.tables.compactMap { t -> String? in if case .member(let r) = t.unit { return r } else { return nil } }
                throw AggregationError.invalidTableDefinition(table: def.id, reason: "unit '\(def.unit)' is neither households nor a roster of the form (rosters: \(rosters.joined(separator: ", ")))")
            }
            let dims = try def.dimensions.map { try Tabulator.compile($0, table: def.id, unitTable: unitTable, layout: layout) }
            let table = CompiledTable(definition: def, unitTable: unitTable, dimensions: dims)
            guard table.cellsPerArea <= Self.maximumCellsPerTable else {
                throw AggregationError.invalidTableDefinition(table: def.id, reason: "it has \(table.cellsPerArea) cells per local authority "
                    + "(\(dims.map { "\($0.categories.count)" }.joined(separator: " x ")) categories, 'no answer' and 'not asked' included); "
                    + "at most \(Self.maximumCellsPerTable) are tabulated: give its numbers wider bands")
            }
            return table
        }
        let cells = tables.reduce(0) { $0 + $1.cellsPerArea }
        guard cells <= Self.maximumCellsPerArea else {
            throw AggregationError.invalidTableDefinition(table: tables.map(\.definition.id).joined(separator: ", "),
                reason: "the tables have \(cells) cells per local authority together; at most \(Self.maximumCellsPerArea) are tabulated: fewer tables or wider bands")
        }
    }

    /// The most cells one table may have per local authority. Every cell of every area is held
    /// in memory (a count and a key sum) for the whole run: 10,000 cells over 331 local
    /// authorities is 53 MB. Single years of age by sex is about 470; a definition of two
    /// dimensions of 20,000 bands each once asked for 38 GB and the run was killed.
    static let maximumCellsPerTable = 10_000
    /// The most cells of all tables together per local authority (about 530 MB over 331).
    static let maximumCellsPerArea = 100_000

    static func compile(_ dim: TableDimension, table: String, unitTable: Int, layout: ExportLayout) throws -> CompiledTable.Dimension {
        var source: (table: Int, column: Int)?
        for t in unitTable == 0 ? [0] : [unitTable, 0] {
            if let c = layout.tables[t].columns.firstIndex(where: {
                switch $0.source {
                case .answer(let id, .value), .derived(let id): return id == dim.variable
                default: return false
                }
            }) {
                source = (t, c)
                break
            }
        }
        guard let (t, c) = source else {
            let where_ = unitTable == 0 ? "the household questions" : "\(layout.tables[unitTable].name) or the household questions"
            throw AggregationError.invalidTableDefinition(table: table, reason: "the form has no variable '\(dim.variable)' in \(where_); give tables that fit the form with --tables FILE")
        }
        let column = layout.tables[t].columns[c]
        var categories: [TableCategory] = []
        let kind: CompiledTable.Dimension.Kind
        switch column.type {
        case .code:
            var index: [String: Int] = [:]
            for schema in layout.schemas {
                guard let q = schema.questions.first(where: { $0.id == dim.variable }), let list = q.type.choiceList,
                      let options = schema.choiceLists.first(where: { $0.id == list })?.options else { continue }
                for o in options where index[o.id] == nil {
                    index[o.id] = categories.count
                    categories.append(TableCategory(code: o.id, label: o.label[schema.languages.first ?? "en"] ?? o.id))
                }
            }
            kind = .code(index)
        case .integer, .number:
            guard let bands = dim.bands, !bands.isEmpty else {
                throw AggregationError.invalidTableDefinition(table: table, reason: "'\(dim.variable)' is a number: give its bands, e.g. \"bands\": [[0, 15], [16, 64], [65, null]]")
            }
            var parsed: [(low: Int, high: Int?)] = []
            for b in bands {
                guard b.count == 2, let low = b[0], b[1].map({ $0 >= low }) ?? true else {
                    throw AggregationError.invalidTableDefinition(table: table, reason: "a band of '\(dim.variable)' is [low, high] with high ≥ low, or [low, null]")
                }
                if let last = parsed.last, last.high.map({ low <= $0 }) ?? true {
                    throw AggregationError.invalidTableDefinition(table: table, reason: "the bands of '\(dim.variable)' overlap or are not in increasing order")
                }
                parsed.append((low, b[1]))
                let code = b[1].map { $0 == low ? "\(low)" : "\(low)-\($0)" } ?? "\(low)+"
                categories.append(TableCategory(code: code, label: code))
            }
            kind = .bands(parsed)
        case .boolean:
            categories = [TableCategory(code: "true", label: "yes"), TableCategory(code: "false", label: "no")]
            kind = .boolean
        default:
            throw AggregationError.invalidTableDefinition(table: table, reason: "'\(dim.variable)' is \(column.type.rawValue): only choice questions, numbers in bands and true/false values can be tabulated")
        }
        let noAnswer = categories.count
        categories.append(TableCategory(code: "no_answer", label: "No answer"))
        var notAsked: Int?
        if case .answer = column.source, canBeSkipped(dim.variable, layout: layout) {
            notAsked = categories.count
            categories.append(TableCategory(code: "not_asked", label: "Not asked"))
        }
        var isDerived = false
        if case .derived = column.source { isDerived = true }
        return CompiledTable.Dimension(variable: dim.variable, table: t, column: c, categories: categories, kind: kind,
                                       noAnswer: noAnswer, notAsked: notAsked, isDerived: isDerived)
    }

    /// Whether the routing can skip the question in some schema (its `when`, or one of its
    /// containers').
    static func canBeSkipped(_ id: String, layout: ExportLayout) -> Bool {
        for schema in layout.schemas {
            guard let q = schema.questions.first(where: { $0.id == id }) else { continue }
            if q.when != nil { return true }
            var container = q.container
            while let c = container, let info = schema.containers.first(where: { $0.id == c }) {
                if info.when != nil { return true }
                container = info.parent
            }
        }
        return false
    }

    /// The category of dimension `dim` for one record.
    func category(_ dim: CompiledTable.Dimension, reader: ResponseReader, binding: SchemaBinding, instance: Int) -> Int {
        let index = binding.index[dim.table][dim.column]
        guard index >= 0 else { return dim.noAnswer }
        let i = dim.table == 0 ? 0 : instance
        let value: Value
        if dim.isDerived {
            value = reader.derived(index, instance: i)
        } else {
            let answer = reader.answer(question: index, instance: i)
            switch answer.state {
            case .skipped: return dim.notAsked ?? dim.noAnswer
            case .notAnswered, .invalid: return dim.noAnswer
            case .answered: value = answer.value
            }
        }
        switch dim.kind {
        case .code(let index):
            if case .option(let o) = value, let c = index[o] { return c }
        case .bands(let bands):
            let n: Int?
            switch value {
            case .int(let x): n = x
            case .dec(let x): n = x.isFinite ? Int(x.rounded(.down)) : nil
            default: n = nil
            }
            if let n, let b = bands.firstIndex(where: { n >= $0.low && ($0.high.map { n <= $0 } ?? true) }) { return b }
        case .boolean:
            if case .bool(let b) = value { return b ? 0 : 1 }
        }
        return dim.noAnswer
    }

    /// Adds `sign` times one household's records to `tallies` (area `area`, a local authority
    /// index).
    func tally(reader: ResponseReader, binding: SchemaBinding, area: Int, householdKey: Int,
               memberKeys: (Int) -> [Int], into tallies: inout TableTallies, sign: Int) {
        // By index, not `for … in`: iterating copies each table and dimension (and retains
        // what they hold) for every record.
        for k in tables.indices {
            let unitTable = tables[k].unitTable
            // The members' keys; nil for a household table (no array made for one key).
            var keys: [Int]?
            var instances = 1
            if unitTable != 0 {
                let r = binding.roster[unitTable]
                guard r >= 0, reader.rosterApplies(r) else { continue }
                instances = reader.memberCount(roster: r)
                if instances == 0 { continue }
                keys = memberKeys(r)
            }
            let cellsPerArea = tables[k].cellsPerArea
            for i in 0..<instances {
                var cell = 0
                for d in tables[k].dimensions.indices {
                    cell = cell * tables[k].dimensions[d].categories.count
                        + category(tables[k].dimensions[d], reader: reader, binding: binding, instance: i)
                }
                tallies.add(table: k, area: area, cell: cell, cellsPerArea: cellsPerArea, key: keys?[i] ?? householdKey, sign: sign)
            }
        }
    }
}

/// Per tabulation, per local authority, per cell: the number of records and the sum of their
/// record keys. Both are additive.
struct TableTallies: Sendable, Codable, Equatable {
    /// Per table: counts then key sums, interleaved per cell: [area][cell][count, keySum].
    var cells: [[Int]]

    init(tableCount: Int) { cells = Array(repeating: [], count: tableCount) }

    mutating func add(table k: Int, area: Int, cell: Int, cellsPerArea: Int, key: Int, sign: Int) {
        let i = (area * cellsPerArea + cell) * 2
        if cells[k].count <= i + 1 { cells[k].append(contentsOf: repeatElement(0, count: (area + 1) * cellsPerArea * 2 - cells[k].count)) }
        cells[k][i] += sign
        cells[k][i + 1] += sign * key
    }

    mutating func add(_ other: TableTallies) {
        for k in cells.indices {
            if cells[k].count < other.cells[k].count { cells[k].append(contentsOf: repeatElement(0, count: other.cells[k].count - cells[k].count)) }
            for i in other.cells[k].indices { cells[k][i] += other.cells[k][i] }
        }
    }

    /// The count and key sum of one cell (zero when never touched).
    func cell(table k: Int, area: Int, cell: Int, cellsPerArea: Int) -> (count: Int, keySum: Int) {
        let i = (area * cellsPerArea + cell) * 2
        guard i + 1 < cells[k].count else { return (0, 0) }
        return (cells[k][i], cells[k][i + 1])
    }
}
