import DurableFiles
import Foundation
import Questionnaire

/// The tabulations to produce, per local authority: which unit is counted (households, or the
/// members of a roster) by which variables (one or two dimensions).
///
/// A JSON file (`census aggregate --tables FILE`):
///
/// ```json
/// {"tables": [
///   {"id": "age_by_sex", "title": "Usual residents by age and sex", "unit": "residents",
///    "dimensions": [{"variable": "age", "bands": [[0, 15], [16, 64], [65, null]]},
///                   {"variable": "sex"}]},
///   {"id": "tenure", "title": "Households by tenure", "unit": "households",
///    "dimensions": [{"variable": "tenure"}]}
/// ]}
/// ```
///
/// `unit` is `households` or a roster id. A variable is a question or derived value of the
/// unit (or, for a roster, of the household: tenure per person). Choice questions use the
/// form's options as categories; whole numbers need `bands` (`[low, high]`, `high` null for
/// "and over"). Every table also has a category for "no answer" and, when the routing can skip
/// the question, "not asked". Nothing here names a question of a particular form except the
/// defaults (``censusDefaults``), which fail clearly on a form without those variables.
public struct TableDefinitions: Codable, Sendable, Equatable {
    /// The tabulations, in the order they are written and listed in the report.
    public var tables: [TableDefinition]

    /// Definitions of these tables (checked against the export's layout when a run starts, not here).
    public init(tables: [TableDefinition]) { self.tables = tables }

    /// Reads a definitions file.
    ///
    /// - throws: ``AggregationError/invalidInput(path:reason:)``.
    public static func read(_ url: URL) throws -> TableDefinitions {
        let data = try InputFile.read(url, limit: InputFile.definitionsLimit)
        do { return try JSONDecoder().decode(TableDefinitions.self, from: data) } catch {
            throw AggregationError.invalidInput(path: url.path, reason: "not a table definitions file: \(DurableFile.decodingProblem(error))")
        }
    }

    /// The default tables, for the census household form (variables `age`, `sex`, `tenure`,
    /// `resident_count`, `country_of_birth`; roster `residents`).
    public static let censusDefaults = TableDefinitions(tables: [
        TableDefinition(id: "age_by_sex", title: "Usual residents by age and sex", unit: "residents", dimensions: [
            TableDimension(variable: "age", bands: [[0, 4], [5, 9], [10, 15], [16, 19], [20, 24], [25, 34], [35, 49], [50, 64], [65, 74], [75, 84], [85, nil]]),
            TableDimension(variable: "sex"),
        ]),
        TableDefinition(id: "sex", title: "Usual residents by sex", unit: "residents", dimensions: [TableDimension(variable: "sex")]),
        TableDefinition(id: "tenure", title: "Households by tenure", unit: "households", dimensions: [TableDimension(variable: "tenure")]),
        TableDefinition(id: "household_size", title: "Households by number of usual residents (as listed)", unit: "households", dimensions: [
            TableDimension(variable: "resident_count", bands: [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6, nil]]),
        ]),
        TableDefinition(id: "country_of_birth", title: "Usual residents by country of birth", unit: "residents", dimensions: [
            TableDimension(variable: "country_of_birth"),
        ]),
    ])
}

/// One tabulation.
public struct TableDefinition: Codable, Sendable, Equatable {
    /// Its id, also its file name (`tables/ID.csv`): letters, digits and `_`.
    public var id: String
    /// The heading a reader sees in the report.
    public var title: String
    /// `households`, or the id of a roster (`residents`).
    public var unit: String
    /// One or two variables.
    public var dimensions: [TableDimension]

    /// A tabulation of `unit` by `dimensions` (see ``TableDefinitions`` for what each may be).
    public init(id: String, title: String, unit: String, dimensions: [TableDimension]) {
        self.id = id
        self.title = title
        self.unit = unit
        self.dimensions = dimensions
    }
}

/// One variable of a tabulation, with bands for numbers.
public struct TableDimension: Codable, Sendable, Equatable {
    /// The id of a question or derived value of the table's unit (or of the household).
    public var variable: String
    /// For numbers: `[low, high]` inclusive, `high` null for "and over".
    public var bands: [[Int?]]?

    /// A dimension by `variable`'s categories, or by `bands` for a whole number.
    public init(variable: String, bands: [[Int?]]? = nil) {
        self.variable = variable
        self.bands = bands
    }
}
