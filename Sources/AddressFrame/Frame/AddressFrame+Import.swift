import DurableFiles
import Foundation
import GRDB
import UnfinishedOutput

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
    ///
    /// The file is read as a stream (``CSV/Reader``): memory does not grow with its size, and
    /// a file that is not CSV text (`/dev/zero`, a binary file) stops the import at once.
    ///
    /// - Throws: ``FrameImportError`` listing the bad rows (or the header that is not the
    ///   frame's); ``FrameError/unreadableCSV(path:reason:)`` when the file cannot be read; GRDB's
    ///   `DatabaseError` when the insert fails (rolled back). Nothing is imported in every case.
    @discardableResult
    public func importCSV(at url: URL) throws -> FrameImportSummary {
        let input = try CSVInput(url)
        defer { input.close() }
        var reader = CSV.Reader(fileDescriptor: input.fd)
        return try importCSV(&reader, name: input.name)
    }

    /// A frame CSV file opened for reading (standard input for a file named `-`), or
    /// ``FrameError/unreadableCSV(path:reason:)`` with the system's reason. Read with plain
    /// POSIX calls, so that pipes and devices (`/dev/stdin`, `/dev/null`) read like files.
    struct CSVInput {
        let fd: Int32
        let name: String

        init(_ url: URL) throws {
            let stdin = url.lastPathComponent == "-" && !FileManager.default.fileExists(atPath: url.path)
            name = stdin ? "standard input" : url.path
            if !stdin {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                    throw FrameError.unreadableCSV(path: name, reason: "no such file")
                }
                if isDirectory.boolValue { throw FrameError.unreadableCSV(path: name, reason: "it is a directory") }
            }
            fd = stdin ? 0 : Glibc.open(url.path, O_RDONLY)
            guard fd >= 0 else { throw FrameError.unreadableCSV(path: name, reason: String(cString: strerror(errno))) }
        }

        func close() { if fd != 0 { Glibc.close(fd) } }
    }

    /// Imports a frame CSV file into the frame file at `frameURL`
    /// (`census frame import`), creating the frame if it does not exist.
    /// All or nothing, and nothing is left half-created:
    ///
    /// - The CSV is read as a stream and checked row by row inside one transaction, which
    ///   is committed only if every row is good.
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
        let input = try CSVInput(csv)
        defer { input.close() }
        var reader = CSV.Reader(fileDescriptor: input.fd)
        if SQLiteFileCheck.inspect(frameURL.path) != .missing {
            let frame = try open(at: frameURL)
            defer { try? frame.close() }
            do { return try frame.importCSV(&reader, name: input.name) } catch { throw FrameError.map(error, path: frameURL.path) }
        }
        return try buildNew(at: frameURL) { try $0.importCSV(&reader, name: input.name) }
    }

    /// Creates a new frame file at `frameURL` and fills it with `fill`, all or nothing: the
    /// frame is built in a temporary file beside it (`.frame.sqlite.importing-…`), closed
    /// (which checkpoints its WAL into it) and only then linked to its final name, never over
    /// an existing file. On any failure, or an interruption (``Interruption``), the temporary
    /// file and the directories this call created are removed. Temporary frames of `frameURL`
    /// left by a killed run (not locked by a live process: ``TemporaryFile``) are removed first.
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
        TemporaryFile.removeStale(beside: frameURL, tag: "importing")
        let locked: TemporaryFile
        do { locked = try TemporaryFile(beside: frameURL, tag: "importing") } catch {
            for p in created { rmdir(p); Interruption.unregister(p) }
            throw FrameError.cannotCreate(path: frameURL.path, reason: DurableFile.reason(error))
        }
        let tmp = URL(fileURLWithPath: locked.path)
        var published = false
        defer {
            for suffix in ["-wal", "-shm", "-journal"] { unlink(tmp.path + suffix) }
            unlink(tmp.path)
            locked.close()  // after SQLite's connection is closed (POSIX locks)
            if !published { for p in created { rmdir(p) } }  // innermost first; only empty ones go
            Interruption.unregister(tmp.path)
            for p in created { Interruption.unregister(p) }
        }
        let frame: AddressFrame
        do {
            frame = try open(at: tmp, create: true, readOnly: false, newEmptyFile: true)
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

    /// "line 1 is not the frame's header": what the first line is instead (from the first bytes
    /// of the file, quoted by ``Echo``: capped, control characters escaped), and what the file
    /// looks like.
    static func notAFrameCSV(_ start: [UInt8], expected: String) -> String {
        let firstLine = start.prefix { $0 != 10 && $0 != 13 }
        let first = start.first { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        let kind = first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? " (it looks like JSON)" : ""
        return "this is not a frame CSV\(kind): its first line should be the header \(expected), but it is \(Echo.quoted(String(decoding: firstLine, as: UTF8.self)))"
    }

    /// Imports frame CSV content held in memory; the same checks and errors as ``importCSV(at:)``.
    @discardableResult
    public func importCSV(_ data: Data, name: String = "frame CSV") throws -> FrameImportSummary {
        var reader = CSV.Reader(data: data)
        return try importCSV(&reader, name: name)
    }

    /// Imports the records of `reader`, all or none, in one transaction: each good row is
    /// inserted as it is read (memory does not grow with the file); the first bad row stops the
    /// inserts, the rest is still checked so that every bad row is reported, and the
    /// transaction is rolled back. Ids repeated within the file are found through a temporary
    /// table (`temp.import_seen`: id and line), not a set in memory.
    func importCSV(_ reader: inout CSV.Reader, name: String) throws -> FrameImportSummary {
        var errors = FrameImportErrors()
        // The first bytes: to recognise UTF-16, and to quote the first line of a file that is
        // not a frame CSV at all.
        let start = try Self.readable(name, errors: &errors) { try reader.peek(256) } ?? []
        if start.starts(with: [0xFF, 0xFE]) || start.starts(with: [0xFE, 0xFF]) {
            // One cause, said once (not a garbled error for every line).
            throw FrameImportError(file: name, errors: [FrameRowError(line: 1, message: "the file is UTF-16 text; save it as UTF-8 (e.g. \"CSV UTF-8\" in Excel)")], totalErrors: 1)
        }
        var summary = FrameImportSummary(households: 0, localAuthorities: 0)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS import_seen (household_id TEXT PRIMARY KEY NOT NULL, line INTEGER NOT NULL) WITHOUT ROWID")
            defer { try? db.execute(sql: "DROP TABLE IF EXISTS temp.import_seen") }
            try db.inTransaction(.immediate) {
                try db.execute(sql: "DELETE FROM temp.import_seen")
                summary = try importRows(&reader, name: name, start: start, db: db, errors: &errors)
                if errors.total > 0 { return .rollback }
                return .commit
            }
        }
        if errors.total > 0 { throw errors.error(file: name) }
        return summary
    }

    /// - parameter start: the first bytes of the file, quoted when its first line is not the
    ///   frame's header.
    private func importRows(_ reader: inout CSV.Reader, name: String, start: [UInt8], db: Database,
                            errors: inout FrameImportErrors) throws -> FrameImportSummary {
        /// The next good record, or nil at the end (bad records are reported and skipped).
        func nextRecord() throws -> CSV.Record? {
            while let element = try Self.readable(name, errors: &errors, { try reader.next() }) {
                switch element {
                case .record(let r): return r
                case .invalid(let e): errors.add(FrameRowError(line: e.line, message: e.message))
                }
            }
            return nil
        }
        let expected = Household.csvHeader.joined(separator: ",")
        let none = FrameImportSummary(households: 0, localAuthorities: 0)
        // The header: line 1. Without it no row can be read, so a file whose first line is not
        // a CSV record (JSON by mistake) stops there, with one message, not one per line.
        guard let first = try Self.readable(name, errors: &errors, { try reader.next() }) else {
            if errors.total == 0 { errors.add(FrameRowError(line: 1, message: "empty file: expected the header \(expected)")) }
            return none
        }
        guard case .record(let header) = first, header.line == 1 else {
            errors.stopAtHeader(FrameRowError(line: 1, message: Self.notAFrameCSV(start, expected: expected)))
            return none
        }
        let names = header.fields.map { CSV.restored($0).trimmingCharacters(in: .whitespaces).lowercased() }
        var column: [String: Int] = [:]
        for (i, n) in names.enumerated() where column[n] == nil { column[n] = i }
        let missing = Household.csvHeader.filter { column[$0] == nil }
        let unknown = names.filter { !Household.csvHeader.contains($0) }
        if missing.count == Household.csvHeader.count && (names.count > 1 || ![";", "\t", "|"].contains(where: { names[0].contains($0) })) {
            // Not one column of the frame's: another file altogether (JSON, another export).
            // One message, not one per line of it.
            errors.stopAtHeader(FrameRowError(line: 1, message: Self.notAFrameCSV(start, expected: expected)))
            return none
        }
        if !missing.isEmpty || !unknown.isEmpty || names.count != Set(names).count {
            var msg = "bad header"
            if !missing.isEmpty { msg += "; missing column(s) \(missing.joined(separator: ", "))" }
            if !unknown.isEmpty {
                msg += "; unknown column(s) \(unknown.prefix(5).map { Echo.quoted($0) }.joined(separator: ", "))"
                if unknown.count > 5 { msg += " and \(unknown.count - 5) more" }
            }
            if names.count != Set(names).count { msg += "; repeated column(s)" }
            msg += ". Expected: \(Household.csvHeader.joined(separator: ","))"
            if names.count == 1, let sep = [";", "\t", "|"].first(where: { names[0].contains($0) }) {
                msg += " (the file separates columns with '\(sep == "\t" ? "\\t" : sep)'; save it with commas)"
            }
            // The rows cannot be read without a header: its problem alone.
            errors.stopAtHeader(FrameRowError(line: header.line, message: msg))
            return none
        }
        let positions = Household.csvHeader.compactMap { column[$0] }
        let remember = try db.makeStatement(sql: "INSERT INTO temp.import_seen (household_id, line) VALUES (?, ?) ON CONFLICT DO NOTHING")
        let firstLine = try db.makeStatement(sql: "SELECT line FROM temp.import_seen WHERE household_id = ?")
        let exists = try db.makeStatement(sql: "SELECT 1 FROM main.household WHERE household_id = ?")
        let insert = try db.makeStatement(sql: """
            INSERT INTO household (household_id, address_line_1, address_line_2, address_line_3,
                                   postcode, output_area, lsoa, local_authority)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var households = 0
        while let record = try nextRecord() {
            let f = record.fields
            guard f.count == names.count else {
                errors.add(FrameRowError(line: record.line, message: "\(f.count) fields, expected \(names.count)"))
                continue
            }
            // In header order. Newlines trimmed too: a last line ending in a lone CR would
            // otherwise keep it, invisibly.
            let values = positions.map { CSV.restored(f[$0]).trimmingCharacters(in: .whitespacesAndNewlines) }
            let (id, line1, line2, line3, rawPostcode, oa, lsoa, la) =
                (values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7])
            var problems: [String] = []
            for (c, v) in zip(Household.csvHeader, values) {
                if let p = FrameValidation.fieldProblem(v) { problems.append("\(c) \(p)") }
            }
            if !FrameValidation.isHouseholdID(id) {
                problems.append(id.isEmpty ? "household_id is empty" : "household_id \(Echo.quoted(id)) must be 1-32 letters, digits, '-' or '_'")
            } else {
                try remember.execute(arguments: [id, record.line])
                if db.changesCount == 0 {
                    let first = try Int.fetchOne(firstLine, arguments: [id]) ?? 0
                    problems.append("household_id \(id) repeats line \(first)")
                } else if try Bool.fetchOne(exists, arguments: [id]) == true {
                    problems.append("household_id \(id) is already in the frame")
                }
            }
            if line1.isEmpty { problems.append("address_line_1 is empty") }
            let postcode = FrameValidation.normalizedPostcode(rawPostcode)
            if postcode == nil { problems.append("postcode \(Echo.quoted(rawPostcode)) is not a UK postcode") }
            for (c, v) in [("output_area", oa), ("lsoa", lsoa), ("local_authority", la)] where !FrameValidation.isGSSCode(v) {
                problems.append("\(c) \(Echo.quoted(v)) is not a GSS code (a letter and 8 digits, e.g. E00123456)")
            }
            guard problems.isEmpty, let postcode else {
                errors.add(FrameRowError(line: record.line, message: problems.joined(separator: "; ")))
                continue
            }
            households += 1
            // Once a row is bad nothing will be committed: check the rest, insert no more.
            if errors.total == 0 {
                try insert.execute(arguments: [id, line1, line2, line3, postcode, oa, lsoa, la])
            }
        }
        if households == 0 && errors.total == 0 {
            // A header alone is a wrong or truncated export, not a frame of no households.
            errors.add(FrameRowError(line: header.line + 1, message: "no households: the file has only the header line; expected one household per line after it"))
        }
        let authorities = try Int.fetchOne(db, sql: """
            SELECT count(DISTINCT local_authority) FROM main.household
            WHERE household_id IN (SELECT household_id FROM temp.import_seen)
            """) ?? 0
        return FrameImportSummary(households: households, localAuthorities: authorities)
    }

    /// Runs a read of the CSV; a file that cannot be read on (not CSV text, a read error) is
    /// recorded as the last bad row and ends the reading (nil).
    private static func readable<T>(_ name: String, errors: inout FrameImportErrors,
                                    _ body: () throws -> T?) throws -> T? {
        do { return try body() } catch let error as CSV.Unreadable {
            errors.add(FrameRowError(line: error.line, message: error.message))
            errors.stopped = true
            return nil
        }
    }

    /// Inserts households in one transaction.
    package func insert(_ households: [Household]) throws {
        try queue.write { db in
            let stmt = try db.makeStatement(sql: """
                INSERT INTO household (household_id, address_line_1, address_line_2, address_line_3,
                                       postcode, output_area, lsoa, local_authority)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for h in households { try stmt.execute(arguments: StatementArguments(h.csvFields)) }
        }
    }
}
