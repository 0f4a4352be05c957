import Foundation

/// One rejected row of a frame import.
public struct FrameRowError: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line of the file on which the row starts.
    public var line: Int
    /// What is wrong with the row (`postcode "XX1" is not a UK postcode`).
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// A frame import that was refused. Nothing was imported.
public struct FrameImportError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// The CSV file as named on the command line.
    public var file: String
    /// The rejected rows, at most ``reportLimit`` of them, in line order.
    public var errors: [FrameRowError]
    /// The total number of rejected rows (may exceed `errors.count`).
    public var totalErrors: Int
    /// The file was refused at its first line (not a frame CSV, or a header that is not the
    /// frame's): no row was read, and ``errors`` holds that one problem.
    public var stoppedAtHeader: Bool
    /// The most rejected rows kept for the report; the rest are only counted (``totalErrors``).
    public static let reportLimit = 1000

    /// Makes the error; the import makes it after reading the whole file.
    public init(file: String, errors: [FrameRowError], totalErrors: Int, stoppedAtHeader: Bool = false) {
        self.file = file
        self.errors = errors
        self.totalErrors = totalErrors
        self.stoppedAtHeader = stoppedAtHeader
    }

    public var description: String {
        if stoppedAtHeader, let first = errors.first {
            return "\(file): nothing was imported: line \(first.line): \(first.message)"
        }
        if errors.count > 1, errors.allSatisfy({ $0.message.hasSuffix("is already in the frame") }) {
            // One cause, not a thousand lines: the file was imported before.
            let what = totalErrors == errors.count
                ? "all \(totalErrors) bad rows are households already in the frame"
                : "\(totalErrors) bad rows, the first \(errors.count) of them households already in the frame"
            return "\(file): \(what) (was this file imported before?); nothing was imported. Import only new households, or import into a new directory.\n"
                + errors.prefix(3).map { "  " + $0.description }.joined(separator: "\n")
                + (totalErrors > 3 ? "\n  … and \(totalErrors - 3) more" : "")
        }
        var s = "\(file): \(totalErrors) bad row\(totalErrors == 1 ? "" : "s"); nothing was imported. Fix the rows and import the whole file again.\n"
        s += errors.map { "  " + $0.description }.joined(separator: "\n")
        if totalErrors > errors.count { s += "\n  … and \(totalErrors - errors.count) more" }
        return s
    }

    public var errorDescription: String? { description }
}

/// The bad rows of an import as they are found: the first ``FrameImportError/reportLimit`` kept,
/// all counted, so that a file of a million bad rows takes no more memory than one of a thousand.
struct FrameImportErrors {
    private(set) var kept: [FrameRowError] = []
    private(set) var total = 0
    /// The file could not be read to its end (not CSV text, a read error): the last row kept says why.
    var stopped = false
    /// The file was refused at its header (``FrameImportError/stoppedAtHeader``).
    private(set) var atHeader = false

    /// The header is not the frame's: that one problem replaces anything found before it.
    mutating func stopAtHeader(_ e: FrameRowError) {
        kept = [e]
        total = 1
        atHeader = true
    }

    mutating func add(_ e: FrameRowError) {
        total += 1
        if kept.count < FrameImportError.reportLimit { kept.append(e) }
    }

    func error(file: String) -> FrameImportError {
        FrameImportError(file: file, errors: kept.sorted { $0.line < $1.line }, totalErrors: total, stoppedAtHeader: atHeader)
    }
}
