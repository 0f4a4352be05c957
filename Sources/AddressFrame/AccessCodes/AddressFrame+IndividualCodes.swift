import DurableFiles
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// A person of a household who answers their own section of the form privately, on an
/// individual access code (docs/field.md, "Individual responses").
public struct IndividualRespondent: Sendable, Hashable {
    /// Who asked for the code.
    public enum Requester: String, Sendable, Hashable, CaseIterable {
        /// The household, from its online form.
        case household
        /// A supervisor, from the staff pages (the person asked in the field or by phone).
        case staff
    }

    /// The household the person lives in.
    public var householdID: String
    /// The person's key within the household: `i1`, `i2`, … in the order first asked. A new
    /// code for the same name is another code for the same person.
    public var person: String
    /// The first name given when the code was asked for, as given.
    public var firstName: String
    /// The last name given with it, as given.
    public var lastName: String
    /// Who asked for the person's first code.
    public var requestedBy: Requester
}

/// Why an individual access code was not issued (nothing was).
public enum IndividualCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A first or last name that is empty, longer than 100 characters, or holds control
    /// characters; `field` says which.
    case invalidName(field: String, reason: String)
    /// The household already has ``AddressFrame/maximumIndividuals`` people answering separately.
    case tooManyPeople(householdID: String, limit: Int)

    public var description: String {
        switch self {
        case .invalidName(let field, let reason): return "the \(field) \(reason)"
        case .tooManyPeople(let id, let limit): return "household \(id) already has \(limit) people answering separately"
        }
    }
}

extension AddressFrame {
    /// At most this many people of one household answer separately (the household roster's
    /// maximum of the census form).
    public static let maximumIndividuals = 30

    /// Issues an individual access code to a named person of a household and writes it, once,
    /// to a new letters file for the print run (CSV:
    /// `household_id,person,letter,access_code,first_name,last_name,address_line_1,address_line_2,address_line_3,postcode`),
    /// as safely as ``issueCodes(_:letter:hasher:lettersFile:revokePrevious:now:progress:)``
    /// (the same run record: the code is committed before its letter is published, and a run
    /// killed in between is settled by the next `codes issue`). The code opens the person's
    /// own section only: it is kept apart from household codes, which ``lookup(code:hasher:)``
    /// reads, and found by ``lookupIndividual(code:hasher:)``.
    ///
    /// A name already given for the household (compared by its words, ignoring case) is the
    /// same person: they get a new code under the same key, and earlier codes keep working.
    ///
    /// - returns: the person, with their key.
    /// - throws: ``IndividualCodeError`` for a name that cannot be used or a household with
    ///   too many; ``FrameError/unknownHousehold(_:)``, ``FrameError/lettersFileExists(path:)``,
    ///   and the frame's errors as for ``issueCodes(_:letter:hasher:lettersFile:revokePrevious:now:progress:)``.
    @discardableResult
    public func issueIndividualCode(householdID: String, firstName: String, lastName: String,
                                    requestedBy: IndividualRespondent.Requester, hasher: AccessCodeHasher,
                                    lettersFile: URL, now: Date = Date()) throws -> IndividualRespondent {
        let first = try Self.checkedName(firstName, field: "first name")
        let last = try Self.checkedName(lastName, field: "last name")
        let target = lettersFile.standardizedFileURL
        var st = stat()
        if lstat(target.path, &st) == 0 { throw FrameError.lettersFileExists(path: target.path) }
        try DurableFile.createDirectory(target.deletingLastPathComponent(), what: "the directory of the letters file")
        let micros = Int64((now.timeIntervalSince1970 * 1_000_000).rounded())
        let letters = try LettersFile(beside: target)
        defer { letters.discard() }
        var drawing = AccessCodeDrawing(source: SystemRandomSource())
        var respondent: IndividualRespondent?
        // This connection's own commits leave its data_version as it was: forget what
        // individuals(of:) kept, whatever the outcome.
        defer { individualsCache.forget() }
        try issueTransaction(publishing: letters, as: target, now: micros) { db in
            try checkSecret(hasher, db: db, record: true)
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM household WHERE household_id = ?", arguments: [householdID]) else {
                throw FrameError.unknownHousehold(householdID)
            }
            let household = AddressFrame.household(row)
            let known = try Self.individuals(db, householdID)
            let key = Self.nameKey(first, last)
            let person: IndividualRespondent
            if let same = known.first(where: { Self.nameKey($0.firstName, $0.lastName) == key }) {
                person = same
            } else {
                guard known.count < Self.maximumIndividuals else {
                    throw IndividualCodeError.tooManyPeople(householdID: householdID, limit: Self.maximumIndividuals)
                }
                let next = (known.compactMap { Int($0.person.dropFirst()) }.max() ?? 0) + 1
                person = IndividualRespondent(householdID: householdID, person: "i\(next)", firstName: first, lastName: last,
                                              requestedBy: requestedBy)
            }
            try db.execute(sql: """
                INSERT INTO code_issue (letters_file, partial_file, codes, letters_sha256, issued_at) VALUES (?, ?, 0, '', ?)
                """, arguments: [target.path, letters.path, micros])
            let issueID = db.lastInsertedRowID
            var attempts = 0
            while true {
                let code = try drawing.next()
                let hash = hasher.hash(code)
                let taken = try Bool.fetchOne(db, sql: """
                    SELECT 1 FROM access_code WHERE code_hash = ? UNION ALL SELECT 1 FROM individual_code WHERE code_hash = ?
                    """, arguments: [hash, hash]) ?? false
                if !taken {
                    try db.execute(sql: """
                        INSERT INTO individual_code (code_hash, household_id, person, first_name, last_name, requested_by, issued_at, issue_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [hash, householdID, person.person, first, last, requestedBy.rawValue, micros, issueID])
                    try letters.write(CSV.line(["household_id", "person", "letter", "access_code", "first_name", "last_name",
                                                "address_line_1", "address_line_2", "address_line_3", "postcode"]))
                    try letters.write(CSV.line([householdID, person.person, "individual", code.formatted, first, last,
                                                household.addressLine1, household.addressLine2, household.addressLine3, household.postcode]))
                    break
                }
                attempts += 1
                if attempts >= AccessCodeDrawing<SystemRandomSource>.maximumCollisions {
                    throw AccessCodeRandomnessError.repeating(attempts: attempts)
                }
            }
            let sha256 = try letters.finish()
            try db.execute(sql: "UPDATE code_issue SET codes = 1, letters_sha256 = ? WHERE id = ?", arguments: [sha256, issueID])
            respondent = person
            return issueID
        }
        guard let respondent else { throw FrameError.failed(path: path, reason: "no individual code was issued") }
        return respondent
    }

    /// Finds the person an individual access code was issued to: the sign-in of a person
    /// answering privately. Household codes are not individual codes (``lookup(code:hasher:)``).
    ///
    /// - throws: ``CodeLookupError``, as ``lookup(code:hasher:)``.
    public func lookupIndividual(code typed: String, hasher: AccessCodeHasher) throws(CodeLookupError) -> IndividualRespondent {
        let hash = try Self.storedHash(ofTyped: typed, hasher)
        do {
            return try queue.read { db in
                try checkSecret(hasher, db: db, record: false)
                guard try db.tableExists("individual_code"),
                      let row = try Row.fetchOne(db, sql: "SELECT * FROM individual_code WHERE code_hash = ?", arguments: [hash]) else {
                    throw CodeLookupError.notFound
                }
                if let revokedAt: Int64 = row["revoked_at"] {
                    throw CodeLookupError.revoked(householdID: row["household_id"], at: Date(timeIntervalSince1970: Double(revokedAt) / 1_000_000))
                }
                guard let person = try Self.individuals(db, row["household_id"]).first(where: { $0.person == row["person"] as String }) else {
                    throw CodeLookupError.notFound
                }
                return person
            }
        } catch {
            throw lookupError(error)
        }
    }

    /// The people of a household who answer separately (each once, by key, with the name and
    /// requester of their first code), in key order; none for a household without any.
    ///
    /// Kept in memory while the frame is unchanged (``IndividualsCache``): asking costs one
    /// `PRAGMA data_version` on one of the frame's connections, not a read transaction, for a
    /// household asked before.
    public func individuals(of householdID: String) throws -> [IndividualRespondent] {
        let (version, connection) = try queue.unsafeRead { db in
            (try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0, ObjectIdentifier(db))
        }
        let (known, generation) = individualsCache.lookup(householdID, connection: connection, dataVersion: version)
        if let known { return known }
        let people = try queue.read { db in try Self.individuals(db, householdID) }
        individualsCache.keep(people, for: householdID, generation: generation)
        return people
    }

    static func individuals(_ db: Database, _ householdID: String) throws -> [IndividualRespondent] {
        guard try db.tableExists("individual_code") else { return [] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT person, first_name, last_name, requested_by FROM individual_code
            WHERE household_id = ? ORDER BY issued_at, person
            """, arguments: [householdID])
        var seen: [String: IndividualRespondent] = [:]
        for row in rows {
            let person: String = row["person"]
            if seen[person] != nil { continue }
            seen[person] = IndividualRespondent(householdID: householdID, person: person, firstName: row["first_name"],
                                                lastName: row["last_name"],
                                                requestedBy: IndividualRespondent.Requester(rawValue: row["requested_by"]) ?? .staff)
        }
        return seen.values.sorted { (Int($0.person.dropFirst()) ?? 0) < (Int($1.person.dropFirst()) ?? 0) }
    }

    /// A name as stored: trimmed; refused when empty, over 100 characters or with control characters.
    static func checkedName(_ text: String, field: String) throws(IndividualCodeError) -> String {
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { throw .invalidName(field: field, reason: "is empty") }
        if name.count > 100 { throw .invalidName(field: field, reason: "is \(name.count) characters long, at most 100") }
        if name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) {
            throw .invalidName(field: field, reason: "contains control characters")
        }
        return name
    }

    /// Names compared by their words, ignoring case (the rule of Questionnaire's
    /// `IndividualSection.nameKey`, which finds the person in the household's roster).
    static func nameKey(_ first: String, _ last: String) -> String {
        (first + " " + last).lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
