import Crypto
import Foundation
import Questionnaire

/// The tables and columns of the export, derived from the compiled schemas alone: nothing
/// about the form is written by hand here.
///
/// - `households`: one row per household with a return; the household's questions and
///   derived values, after columns the export adds (geography, receipt, record key, …).
/// - one table per roster, named by the roster's id (`residents`, `visitors` on the census
///   form): one row per member, with the member's questions and derived values;
/// - one table per relationship block, named by its id (`household_relationships`): one row
///   per pair answered.
///
/// A store that accepted several schemas (versions of a form) gets the union of their
/// variables, matched by id; each row fills the columns its own schema has. A variable whose
/// type differs between schemas is refused (``AggregationError/incompatibleSchemas(variable:table:first:second:)``).
public struct ExportLayout: Sendable {
    /// The tables, in output order: `households` first, then each roster's, then each
    /// relationship block's.
    public let tables: [ExportTable]
    /// The schemas, in the order their variables were merged.
    public let schemas: [Schema]
    /// For each schema hash, where each column's value comes from in that schema.
    let bindings: [String: SchemaBinding]

    /// The table named `name`.
    public func table(_ name: String) -> ExportTable? { tables.first { $0.name == name } }

    /// A digest of the tables, columns and types: when it changes, earlier export files cannot
    /// be kept and the next run is a full one.
    public var fingerprint: String {
        var text = ""
        for t in tables {
            text += "table \(t.name) \(t.unit)\n"
            for c in t.columns { text += "  \(c.name) \(c.type.rawValue)\n" }
        }
        return "sha256:" + SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Builds the layout of `schemas` (at least one), merged in the order given.
    ///
    /// - throws: ``AggregationError/incompatibleSchemas(variable:table:first:second:)``,
    ///   ``AggregationError/columnClash(table:column:)``.
    public init(schemas: [Schema]) throws {
        precondition(!schemas.isEmpty, "a layout needs a schema")
        var tables: [ExportTable] = []
        var tableIndex: [String: Int] = [:]
        for schema in schemas {
            for (name, unit) in ExportLayout.units(of: schema) where tableIndex[name] == nil {
                tableIndex[name] = tables.count
                tables.append(ExportTable(name: name, unit: unit, columns: FixedColumn.columns(for: unit)))
            }
            for (name, unit) in ExportLayout.units(of: schema) {
                let t = tableIndex[name]!
                guard tables[t].unit == unit else {
                    throw AggregationError.incompatibleSchemas(variable: name, table: name, first: "\(tables[t].unit)", second: "\(unit)")
                }
                for column in ExportLayout.variableColumns(of: schema, unit: unit) {
                    if let existing = tables[t].columns.first(where: { $0.name == column.name }) {
                        if case .fixed = existing.source { throw AggregationError.columnClash(table: name, column: column.name) }
                        if existing.type != column.type || existing.source != column.source {
                            throw AggregationError.incompatibleSchemas(variable: column.name, table: name,
                                                                       first: existing.describedType, second: column.describedType)
                        }
                        continue
                    }
                    tables[t].columns.append(column)
                }
            }
        }
        for t in tables.indices {
            tables[t].columns.append(ExportColumn(name: "not_answered", source: .notAnswered, type: .string,
                                                  label: ["en": "Variables asked and not answered (or answered with no valid value), space-separated"]))
        }
        self.tables = tables
        self.schemas = schemas
        var bindings: [String: SchemaBinding] = [:]
        for schema in schemas { bindings[schema.hash] = SchemaBinding(schema: schema, tables: tables) }
        self.bindings = bindings
    }

    /// The tables a schema gives rise to, in order: households, rosters, relationship blocks.
    static func units(of schema: Schema) -> [(String, TableUnit)] {
        var out: [(String, TableUnit)] = [("households", .household)]
        for c in schema.containers where c.kind == .roster { out.append((c.id, .member(roster: c.id))) }
        for c in schema.containers where c.kind == .relationships {
            if let roster = c.roster { out.append((c.id, .pair(roster: roster))) }
        }
        return out
    }

    static func scope(of unit: TableUnit) -> Scope {
        switch unit {
        case .household: return .household
        case .member(let r): return .member(roster: r)
        case .pair(let r): return .pair(roster: r)
        }
    }

    /// The columns of the schema's variables in `unit`: its questions in flow order (an
    /// address takes seven columns, a choice with "please specify" options a detail column
    /// too), then its derived values.
    static func variableColumns(of schema: Schema, unit: TableUnit) -> [ExportColumn] {
        let scope = scope(of: unit)
        var columns: [ExportColumn] = []
        let lists = Dictionary(schema.choiceLists.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for q in schema.questions where q.scope == scope {
            switch q.type {
            case .text: columns.append(ExportColumn(name: q.id, source: .answer(q.id, .value), type: .string, label: q.label))
            case .integer: columns.append(ExportColumn(name: q.id, source: .answer(q.id, .value), type: .integer, label: q.label))
            case .decimal: columns.append(ExportColumn(name: q.id, source: .answer(q.id, .value), type: .number, label: q.label))
            case .date: columns.append(ExportColumn(name: q.id, source: .answer(q.id, .value), type: .date, label: q.label))
            case .monthYear: columns.append(ExportColumn(name: q.id, source: .answer(q.id, .value), type: .month, label: q.label))
            case .oneOf(let list), .anyOf(let list):
                let isList: Bool
                if case .anyOf = q.type { isList = true } else { isList = false }
                columns.append(ExportColumn(name: q.id, source: .answer(q.id, .value), type: isList ? .list : .code, label: q.label))
                if lists[list]?.options.contains(where: { $0.specify != nil }) == true {
                    columns.append(ExportColumn(name: q.id + "_detail", source: .answer(q.id, .detail), type: .string, label: q.label))
                }
            case .address:
                for n in 1...4 {
                    columns.append(ExportColumn(name: "\(q.id)_line_\(n)", source: .answer(q.id, .line(n)), type: .string, label: q.label))
                }
                columns.append(ExportColumn(name: q.id + "_town", source: .answer(q.id, .town), type: .string, label: q.label))
                columns.append(ExportColumn(name: q.id + "_postcode", source: .answer(q.id, .postcode), type: .string, label: q.label))
                columns.append(ExportColumn(name: q.id + "_country", source: .answer(q.id, .country), type: .string, label: q.label))
            }
        }
        for d in schema.derived where d.scope == scope {
            columns.append(ExportColumn(name: d.id, source: .derived(d.id), type: ColumnType(valueType: d.valueType), label: nil))
        }
        return columns
    }
}

/// What one export table is about.
public enum TableUnit: Sendable, Hashable, CustomStringConvertible {
    /// One row per household.
    case household
    /// One row per member of a roster.
    case member(roster: String)
    /// One row per answered pair of a roster's relationship block.
    case pair(roster: String)

    /// `households`, `members of ROSTER` or `pairs of ROSTER`, as the manifest and dictionary say it.
    public var description: String {
        switch self {
        case .household: return "households"
        case .member(let r): return "members of \(r)"
        case .pair(let r): return "pairs of \(r)"
        }
    }
}

/// One table of the export.
public struct ExportTable: Sendable {
    /// The table's name, also its directory under `export/`.
    public var name: String
    /// What one row is.
    public var unit: TableUnit
    /// The columns, in file order (the CSV header's, the NDJSON members'): the export's own
    /// columns, then the schemas' variables, then `not_answered`.
    public var columns: [ExportColumn]
}

/// The type of an export column, as the data dictionary and the readers see it.
public enum ColumnType: String, Sendable, Hashable {
    /// Text (CSV: a cell; NDJSON: a string).
    case string
    /// A whole number.
    case integer
    /// A number (decimal).
    case number
    /// `YYYY-MM-DD`.
    case date
    /// `YYYY-MM`.
    case month
    /// `true` / `false`.
    case boolean
    /// The id of one option of a choice list (its codes and labels are in the dictionary).
    case code
    /// Several option ids (NDJSON: an array; CSV: ids separated by `;`).
    case list
    /// A time (UTC, ISO 8601 with `Z`).
    case timestamp

    init(valueType: String) {
        switch valueType {
        case "integer": self = .integer
        case "decimal", "number": self = .number
        case "date": self = .date
        case "month_year", "month": self = .month
        case "bool", "boolean": self = .boolean
        default: self = .string
        }
    }
}

/// Where a column's value comes from.
public enum ColumnSource: Sendable, Hashable {
    /// A column the export adds (geography, record key, receipt, …).
    case fixed(FixedColumn)
    /// An answer: the question's id and which part of the answer.
    case answer(String, AnswerPart)
    /// A derived value, by id.
    case derived(String)
    /// The list of variables asked and not answered.
    case notAnswered
}

/// A part of an answer that takes a column of its own.
public enum AnswerPart: Sendable, Hashable {
    case value, detail, line(Int), town, postcode, country
}

/// The columns the export adds to every row, before the form's variables.
public enum FixedColumn: String, Sendable, Hashable, CaseIterable {
    case householdID = "household_id"
    case recordKey = "record_key"
    case localAuthority = "local_authority"
    case lsoa
    case outputArea = "output_area"
    case receipt
    case returnKind = "return_kind"
    case returnChannel = "return_channel"
    case receivedAt = "received_at"
    case firstReturnedAt = "first_returned_at"
    case firstReturnChannel = "first_return_channel"
    case completeness
    case schemaHash = "schema_hash"
    case personNumber = "person_number"
    case otherPersonNumber = "other_person_number"

    static func columns(for unit: TableUnit) -> [ExportColumn] {
        let list: [FixedColumn]
        switch unit {
        case .household:
            list = [.householdID, .recordKey, .localAuthority, .lsoa, .outputArea, .receipt, .returnKind, .returnChannel,
                    .receivedAt, .firstReturnedAt, .firstReturnChannel, .completeness, .schemaHash]
        case .member: list = [.householdID, .personNumber, .recordKey]
        case .pair: list = [.householdID, .personNumber, .otherPersonNumber]
        }
        return list.map { ExportColumn(name: $0.rawValue, source: .fixed($0), type: $0.type, label: ["en": $0.meaning]) }
    }

    var type: ColumnType {
        switch self {
        case .recordKey, .personNumber, .otherPersonNumber: return .integer
        case .completeness: return .number
        case .receivedAt, .firstReturnedAt: return .timestamp
        case .returnKind, .returnChannel, .firstReturnChannel: return .code
        default: return .string
        }
    }

    /// What the column means, for the data dictionary.
    public var meaning: String {
        switch self {
        case .householdID: return "The household's id in the address frame"
        case .recordKey: return "Random record key 0-255, assigned once to each household and person, used by cell key perturbation"
        case .localAuthority: return "Local authority (GSS code) of the household's address, from the address frame"
        case .lsoa: return "Lower layer super output area (GSS code), from the address frame"
        case .outputArea: return "Output area (GSS code), from the address frame"
        case .receipt: return "Receipt of the household's authoritative return (shard and version)"
        case .returnKind: return "Kind of the authoritative return: submitted (online), paper, or partial (an online save more complete than the household's returns)"
        case .returnChannel: return "How the authoritative return arrived: online or paper"
        case .receivedAt: return "When the authoritative return was received (UTC)"
        case .firstReturnedAt: return "When the household's first return (online submission or paper) was received (UTC): the day it counts as returned"
        case .firstReturnChannel: return "How the first return arrived: online or paper (the online share counts this)"
        case .completeness: return "Answered / applicable questions of the authoritative return (0-1), as the evaluator measured it"
        case .schemaHash: return "The compiled questionnaire schema the return answers"
        case .personNumber: return "The member's position in the roster (1-based); in a pair, the person described"
        case .otherPersonNumber: return "The earlier member the person is described relative to (1-based)"
        }
    }
}

/// One column of an export table.
public struct ExportColumn: Sendable {
    /// The column's name in the CSV header and the NDJSON member: the question's or derived
    /// value's id, or the added column's fixed name (`household_id`, `output_area`, ...).
    public var name: String
    /// Where the value comes from (a question, a derived value, or a column the export adds).
    public var source: ColumnSource
    /// The value's type, as the data dictionary states it.
    public var type: ColumnType
    /// The question's text (or the column's meaning), by language.
    public var label: LocalizedText?

    var describedType: String { type.rawValue }
}

/// Where each column's value comes from in one schema: a question index (into
/// ``Schema/questions``) or a derived-value index, or nothing when the schema lacks the variable.
struct SchemaBinding: Sendable {
    /// Per table (layout order), per column: question or derived index, or -1.
    var index: [[Int]]
    /// Per table: the roster's index among the schema's rosters (member and pair tables), or -1.
    var roster: [Int]

    init(schema: Schema, tables: [ExportTable]) {
        let questionIndex = Dictionary(schema.questions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let derivedIndex = Dictionary(schema.derived.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let rosters = schema.containers.filter { $0.kind == .roster }.map(\.id)
        index = tables.map { table in
            let scope = ExportLayout.scope(of: table.unit)
            return table.columns.map { column in
                switch column.source {
                case .answer(let id, _):
                    guard let q = questionIndex[id], schema.questions[q].scope == scope else { return -1 }
                    return q
                case .derived(let id):
                    guard let d = derivedIndex[id], schema.derived[d].scope == scope else { return -1 }
                    return d
                default: return -1
                }
            }
        }
        roster = tables.map { table in
            switch table.unit {
            case .household: return -1
            case .member(let r), .pair(let r): return rosters.firstIndex(of: r) ?? -1
            }
        }
    }
}
