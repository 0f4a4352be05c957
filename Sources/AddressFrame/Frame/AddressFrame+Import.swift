import DurableFiles
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// The outcome of a successful import.
/// What an import (or a generated frame) put into the frame.
public struct FrameImportSummary: Sendable {
    /// Households imported.
    public var households: Int
    /// Distinct local authorities among them.
    public var localAuthorities: Int

    package init(households: Int, localAuthorities: Int) {
        self.households = households
        self.localAuthorities = localAuthorities
    }
}

extension AddressFrame {
    /// Imports a frame CSV file: all rows or none.
    ///
    /// The file starts with the header
    /// `household_id,address_line_1,address_line_2,address_line_3,postcode,output_area,lsoa,local_authority`
    /// (columns may come in any order). Each row is checked:
    ///
    /// - the number of fields matches the header;
    /// - `household_id` is 1–32 letters, digits, `-` or `_`, and is not
    ///   repeated in the file or already in the frame;
    /// - `address_line_1` is not empty;
    /// - `postcode` is a UK postcode (normalised to `AA9A 9AA` form);
    /// - `output_area`, `lsoa` and `local_authority` are GSS codes (a
    ///   letter and 8 digits).
    ///
    /// Every bad row is reported with its line number in a
    /// ``FrameImportError``, and then nothing is imported. Otherwise all rows
    /// are inserted in one transaction.
    @discardableResult
    public func importCSV(at url: URL) throws -> FrameImportSummary {
        try importCSV(AddressFrame.readCSV(url), name: url.path)
    }

    /// The bytes of a frame CSV file (standard input for a file named `-`), or
    /// ``FrameError/unreadableCSV(path:reason:)`` with the system's reason. Read with plain
    /// POSIX calls, so that pipes and devices (`/dev/stdin`, `/dev/null`) read like files.
    static func readCSV(_ url: URL) throws -> Data {
        let stdin = url.lastPathComponent == "-" && !FileManager.default.fileExists(atPath: url.path)
        let name = stdin ? "standard input" : url.path
        var isDirectory: ObjCBool = false
        if !stdin {
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw FrameError.unreadableCSV(path: name, reason: "no such file")
            }
            if isDirectory.boolValue { throw FrameError.unreadableCSV(path: name, reason: "it is a directory") }
        }
        let fd = stdin ? 0 : Glibc.open(url.path, O_RDONLY)
        guard fd >= 0 else { throw FrameError.unreadableCSV(path: name, reason: String(cString: strerror(errno))) }
        defer { if fd != 0 { Glibc.close(fd) } }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw FrameError.unreadableCSV(path: name, reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        return data
    }

    /// Imports a frame CSV file into the frame file at `frameURL`
    /// (`census frame import`), creating the frame if it does not exist.
    /// All or nothing, and nothing is left half-created:
    ///
    /// - The CSV is read and checked before anything is written.
    /// - **New frame:** the frame is built in a temporary file beside
    ///   `frameURL` (`.frame.sqlite.importing-…`), closed (which checkpoints
    ///   its WAL into it), and only then linked to its final name, never over
    ///   an existing file. On any failure the temporary file is removed, and
    ///   so are the directories this call created: no empty `frame.sqlite` is
    ///   left behind.
    /// - **Existing frame:** the rows are inserted in one transaction, after
    ///   every row has been checked; on failure the frame is unchanged.
    ///
    /// - throws: ``FrameImportError`` for bad rows, ``FrameError`` otherwise.
    @discardableResult
    public static func importCSV(at csv: URL, intoFrameAt frameURL: URL) throws -> FrameImportSummary {
        let data = try readCSV(csv)
        let name = csv.lastPathComponent == "-" && !FileManager.default.fileExists(atPath: csv.path) ? "standard input" : csv.path
        if FileManager.default.fileExists(atPath: frameURL.path) {
            let frame = try open(at: frameURL)
            defer { try? frame.close() }
            do { return try frame.importCSV(data, name: name) } catch { throw FrameError.map(error, path: frameURL.path) }
        }
        return try buildNew(at: frameURL) { try $0.importCSV(data, name: name) }
    }

    /// Creates a new frame file at `frameURL` and fills it with `fill`, all or nothing: the
    /// frame is built in a temporary file beside it (`.frame.sqlite.importing-…`), closed
    /// (which checkpoints its WAL into it) and only then linked to its final name, never over
    /// an existing file. On any failure, or an interruption (``Interruption``), the temporary
    /// file and the directories this call created are removed.
    package static func buildNew<T>(at frameURL: URL, _ fill: (AddressFrame) throws -> T) throws -> T {
        let fm = FileManager.default
        let dir = frameURL.deletingLastPathComponent()
        var created: [String] = []
        var d = dir
        while !fm.fileExists(atPath: d.path), d.path != "/" {
            created.append(d.path)
            d = d.deletingLastPathComponent()
        }
        for p in created.reversed() { Interruption.register(p, .emptyDirectory) }
        do {
            try DurableFile.createDirectory(dir, what: "the directory")
        } catch {
            for p in created { Interruption.unregister(p) }
            throw FrameError.cannotCreate(path: frameURL.path, reason: DurableFile.reason(error))
        }
        let tmp = dir.appendingPathComponent(".\(frameURL.lastPathComponent).importing-\(UUID().uuidString)")
        Interruption.register(tmp.path)
        var published = false
        defer {
            for suffix in ["-wal", "-shm", "-journal"] { unlink(tmp.path + suffix) }
            unlink(tmp.path)
            if !published { for p in created { rmdir(p) } }  // innermost first; only empty ones go
            Interruption.unregister(tmp.path)
            for p in created { Interruption.unregister(p) }
        }
        let frame: AddressFrame
        do {
            frame = try open(at: tmp, create: true)
        } catch FrameError.unreadable(_, let reason) {
            throw FrameError.cannotCreate(path: frameURL.path, reason: reason)
        }
        let result: T
        do {
            result = try fill(frame)
            try frame.close()  // the last connection: SQLite checkpoints the WAL into the file
        } catch {
            try? frame.close()
            // Named by the file to be created, as the temporary one is gone.
            throw FrameError.map(error, path: frameURL.path)
        }
        if fm.fileExists(atPath: tmp.path + "-wal") {
            throw FrameError.cannotCreate(path: frameURL.path, reason: "the new frame's write-ahead log was not checkpointed")
        }
        try Interruption.uninterruptible {
            guard link(tmp.path, frameURL.path) == 0 else {
                let reason = errno == EEXIST ? "another process created it meanwhile" : String(cString: strerror(errno))
                throw FrameError.cannotCreate(path: frameURL.path, reason: reason)
            }
            published = true
            for p in created { Interruption.unregister(p) }
            Interruption.commitPoint()
        }
        DurableFile.syncDirectory(dir)
        return result
    }

    /// Imports frame CSV content; see ``importCSV(at:)``.
    @discardableResult
    public func importCSV(_ data: Data, name: String = "frame CSV") throws -> FrameImportSummary {
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            // One cause, said once (not a garbled error for every line).
            let e = FrameRowError(line: 1, message: "the file is UTF-16 text; save it as UTF-8 (e.g. \"CSV UTF-8\" in Excel)")
            throw FrameImportError(file: name, errors: [e], totalErrors: 1)
        }
        let (records, syntaxErrors) = CSV.parse(data)
        var errors = syntaxErrors.map { FrameRowError(line: $0.line, message: $0.message) }
        var households: [Household] = []
        guard let header = records.first else {
            errors.append(FrameRowError(line: 1, message: "empty file: expected the header \(Household.csvHeader.joined(separator: ","))"))
            throw FrameImportError(file: name, errors: errors, totalErrors: errors.count)
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var column: [String: Int] = [:]
        for (i, n) in names.enumerated() { column[n] = i }
        let missing = Household.csvHeader.filter { column[$0] == nil }
        let unknown = names.filter { !Household.csvHeader.contains($0) }
        if !missing.isEmpty || !unknown.isEmpty || names.count != Set(names).count {
            var msg = "bad header"
            if !missing.isEmpty { msg += "; missing column(s) \(missing.joined(separator: ", "))" }
            if !unknown.isEmpty { msg += "; unknown column(s) \(unknown.joined(separator: ", "))" }
            if names.count != Set(names).count { msg += "; repeated column(s)" }
            msg += ". Expected: \(Household.csvHeader.joined(separator: ","))"
            if names.count == 1, let sep = [";", "\t", "|"].first(where: { names[0].contains($0) }) {
                msg += " (the file separates columns with '\(sep == "\t" ? "\\t" : sep)'; save it with commas)"
            }
            errors.append(FrameRowError(line: header.line, message: msg))
            throw FrameImportError(file: name, errors: errors.sorted { $0.line < $1.line }, totalErrors: errors.count)
        }
        let existing = Set(try queue.read { try String.fetchAll($0, sql: "SELECT household_id FROM household") })
        var seen: [String: Int] = [:]
        households.reserveCapacity(records.count)
        for record in records.dropFirst() {
            let f = record.fields
            guard f.count == names.count else {
                errors.append(FrameRowError(line: record.line, message: "\(f.count) fields, expected \(names.count)"))
                continue
            }
            // Newlines too: a last line ending in a lone CR would otherwise keep it, invisibly.
            func value(_ c: String) -> String { f[column[c]!].trimmingCharacters(in: .whitespacesAndNewlines) }
            var problems: [String] = []
            for c in Household.csvHeader {
                if let p = FrameValidation.fieldProblem(value(c)) { problems.append("\(c) \(p)") }
            }
            let id = value("household_id")
            if !FrameValidation.isHouseholdID(id) {
                problems.append(id.isEmpty ? "household_id is empty" : "household_id '\(id)' must be 1-32 letters, digits, '-' or '_'")
            } else if let first = seen[id] {
                problems.append("household_id \(id) repeats line \(first)")
            } else if existing.contains(id) {
                problems.append("household_id \(id) is already in the frame")
            }
            if !id.isEmpty && seen[id] == nil { seen[id] = record.line }
            let line1 = value("address_line_1")
            if line1.isEmpty { problems.append("address_line_1 is empty") }
            let postcode = FrameValidation.normalizedPostcode(value("postcode"))
            if postcode == nil { problems.append("postcode '\(value("postcode"))' is not a UK postcode") }
            for c in ["output_area", "lsoa", "local_authority"] where !FrameValidation.isGSSCode(value(c)) {
                problems.append("\(c) '\(value(c))' is not a GSS code (a letter and 8 digits, e.g. E00123456)")
            }
            if !problems.isEmpty {
                errors.append(FrameRowError(line: record.line, message: problems.joined(separator: "; ")))
                continue
            }
            households.append(Household(
                householdID: id, addressLine1: line1, addressLine2: value("address_line_2"),
                addressLine3: value("address_line_3"), postcode: postcode!, outputArea: value("output_area"),
                lsoa: value("lsoa"), localAuthority: value("local_authority")))
        }
        if records.count == 1 && errors.isEmpty {
            // A header alone is a wrong or truncated export, not a frame of no households.
            errors.append(FrameRowError(line: 2, message: "no households: the file has only the header line; expected one household per line after it"))
        }
        if !errors.isEmpty {
            errors.sort { $0.line < $1.line }
            throw FrameImportError(file: name, errors: Array(errors.prefix(FrameImportError.reportLimit)), totalErrors: errors.count)
        }
        try insert(households)
        return FrameImportSummary(households: households.count,
                                  localAuthorities: Set(households.map(\.localAuthority)).count)
    }

    /// Inserts households in one transaction.
    package func insert(_ households: [Household]) throws {
        try queue.write { db in
            let stmt = try db.makeStatement(sql: """
                INSERT INTO household (household_id, address_line_1, address_line_2, address_line_3,
                                       postcode, output_area, lsoa, local_authority)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for h in households {
                stmt.setUncheckedArguments(StatementArguments(h.csvFields))
                try stmt.execute()
            }
        }
    }
}
