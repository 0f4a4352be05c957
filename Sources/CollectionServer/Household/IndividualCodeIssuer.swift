import AddressFrame
import Foundation
import NIOPosix
import ResponseStore

/// Issues individual access codes from the server: a household asking from its form for a
/// member who wants to answer separately, and a supervisor on the staff pages. The same
/// ``AddressFrame/issueIndividualCode(householdID:firstName:lastName:requestedBy:hasher:lettersFile:now:)``
/// as everywhere: the code is committed durably before its letter is published, to a new file
/// `STORE/letters/individual-TIME-HOUSEHOLD-….csv` for the print run. The code is never shown
/// in a browser: it goes to the person by post.
struct IndividualCodeIssuer: Sendable {
    /// The frame file the server reads (opened for writing for each issue, as a reissue does).
    let framePath: String
    /// Where letters files go.
    let lettersDirectory: URL
    let hasher: AccessCodeHasher
    /// One issue at a time in this process: each opens the frame for writing.
    private static let lock = NSLock()

    init(site: HouseholdSite) {
        framePath = site.frame.path
        lettersDirectory = site.configuration.storeDirectory.appendingPathComponent("letters")
        hasher = site.hasher
    }

    /// Issues a code to the named person of `householdID`, off the event loop.
    ///
    /// - returns: the person (a name already given for the household is the same person) and
    ///   the letters file written.
    /// - throws: ``IndividualCodeError`` for a name that cannot be used; the frame's errors.
    func issue(householdID: String, firstName: String, lastName: String,
               requestedBy: IndividualRespondent.Requester) async throws -> (IndividualRespondent, URL) {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let letters = lettersDirectory.appendingPathComponent("individual-\(stamp)-\(householdID)-\(UUID().uuidString.prefix(8)).csv")
        let (framePath, hasher, directory) = (framePath, hasher, lettersDirectory)
        let person = try await NIOThreadPool.singleton.runIfActive {
            try Self.lock.withLock {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let frame = try AddressFrame.open(at: URL(fileURLWithPath: framePath))
                defer { try? frame.close() }
                return try frame.issueIndividualCode(householdID: householdID, firstName: firstName, lastName: lastName,
                                                     requestedBy: requestedBy, hasher: hasher, lettersFile: letters)
            }
        }
        return (person, letters)
    }
}
