import Foundation

/// How published tables are protected.
enum TableProtection {
    /// Cell key perturbation, then counts below the threshold withheld.
    case cellKey(PerturbationTable)
    /// None: exact counts, marked UNPROTECTED (only with `--unprotected`).
    case none
}

/// The tabulations as published: per table, per area (all areas, then each local
/// authority), every cell and every margin ("all" in a dimension), each a cell of its own
/// (its own records, count and key), so that the same cell has the same value in every table.
struct TableOutput {
    let tabulator: Tabulator
    let tallies: TableTallies
    let areas: AreaList
    let protection: TableProtection

    /// A published cell: the value, or nil when withheld.
    struct Cell {
        var categories: [Int?]
        var count: Int
        var keySum: Int
        var published: Int?
    }

    var isProtected: Bool { if case .none = protection { return false } else { return true } }

    /// The exact count and key sum of the records of `table` in area `area` (nil: all areas)
    /// whose category in each dimension is the one given (nil: any).
    func exact(_ k: Int, area: Int?, _ categories: [Int?]) -> (count: Int, keySum: Int) {
        let table = tabulator.tables[k]
        let cells = table.cellsPerArea
        var count = 0, keySum = 0
        let areaRange = area.map { $0...$0 } ?? 0...max(0, areas.authorities.count - 1)
        guard !areas.authorities.isEmpty else { return (0, 0) }
        for a in areaRange {
            for cell in 0..<cells {
                var rest = cell
                var matches = true
                for (d, dim) in table.dimensions.enumerated().reversed() {
                    let c = rest % dim.categories.count
                    rest /= dim.categories.count
                    if let want = categories[d], want != c { matches = false; break }
                }
                if !matches { continue }
                let v = tallies.cell(table: k, area: a, cell: cell, cellsPerArea: cells)
                count += v.count
                keySum += v.keySum
            }
        }
        return (count, keySum)
    }

    func cell(_ k: Int, area: Int?, _ categories: [Int?]) -> Cell {
        let (count, keySum) = exact(k, area: area, categories)
        let published: Int?
        switch protection {
        case .cellKey(let table): published = table.publish(count: count, keySum: keySum)
        case .none: published = count
        }
        return Cell(categories: categories, count: count, keySum: keySum, published: published)
    }

    /// Every combination of categories and margins of table `k`: each category, then "all",
    /// in every dimension.
    func combinations(_ k: Int) -> [[Int?]] {
        var out: [[Int?]] = [[]]
        for dim in tabulator.tables[k].dimensions {
            let choices: [Int?] = dim.categories.indices.map { Optional($0) } + [nil]
            out = out.flatMap { prefix in choices.map { prefix + [$0] } }
        }
        return out
    }

    var areaList: [(code: String, index: Int?)] { [("ALL", nil)] + areas.authorities.enumerated().map { ($1, Optional($0)) } }

    func fileName(_ k: Int) -> String {
        let id = tabulator.tables[k].definition.id
        return isProtected ? "tables/\(id).csv" : "tables/UNPROTECTED-\(id).csv"
    }

    func documents() -> [OutputDocument] {
        var out: [OutputDocument] = []
        for (k, table) in tabulator.tables.enumerated() {
            var csv = (["area_code"] + table.dimensions.flatMap { [$0.variable, $0.variable + "_label"] } + ["count", "status"]).joined(separator: ",") + "\n"
            var rows = 0
            for area in areaList {
                for combination in combinations(k) {
                    let c = cell(k, area: area.index, combination)
                    var cells = [CSVCell.string(area.code)]
                    for (d, dim) in table.dimensions.enumerated() {
                        let category = combination[d].map { dim.categories[$0] }
                        cells.append(CSVCell.string(category?.code ?? "all"))
                        cells.append(CSVCell.string(category?.label ?? "All"))
                    }
                    let status: String
                    if !isProtected { status = "UNPROTECTED" } else if c.count == 0 { status = "zero" } else if c.published == nil { status = "suppressed" } else { status = "perturbed" }
                    cells.append(c.published.map(String.init) ?? "")
                    cells.append(status)
                    csv += cells.joined(separator: ",") + "\n"
                    rows += 1
                }
            }
            out.append(OutputDocument(path: fileName(k), kind: "tables", format: "csv", rows: rows, data: Data(csv.utf8)))
        }
        out.append(OutputDocument(path: "tables/README.txt", kind: "tables", format: "txt", rows: nil, data: Data(readme.utf8)))
        return out
    }

    var readme: String {
        var text = "Tabulations per local authority (area_code ALL: all areas).\n"
        text += "Each cell, margin (\"all\") and total is counted from its own records, so the same cell has the same value in every table; tables need not add up.\n\n"
        switch protection {
        case .none:
            text += "UNPROTECTED: exact counts, produced with --unprotected. NOT FOR RELEASE.\n"
        case .cellKey(let p):
            text += """
                Protection: cell key perturbation.
                - Every household and person has a record key 0-255 (uniform, fixed: the export's record_key column).
                - A cell's key is the sum of its records' keys mod 256.
                - The published count is the count plus the noise the perturbation table gives for (count, cell key).
                - Perturbation table: noise from -\(p.maximumNoise) to +\(p.maximumNoise), variance about \(p.variance),
                  unbiased for counts above \(p.maximumNoise); never negative and never zero for a non-zero count;
                  zeros stay zero; every noise value that occurs for a count is given by at least \(p.minimumKeysPerNoise) of the 256 keys;
                  rows for counts 1 to \(p.rows), larger counts reuse the last \(p.cycle) rows.
                - Counts below \(p.threshold) after perturbation are not published (empty count, status "suppressed").
                Status: perturbed (published), suppressed (withheld), zero (no records: zeros stay zero).

                """
        }
        return text
    }
}
