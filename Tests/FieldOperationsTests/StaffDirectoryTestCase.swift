import CensusTestSupport
import FieldOperations
import Foundation
import XCTest

/// The set-up the staff accounts' tests share: a temporary directory for each test, a password
/// the account rules accept, and the directory's staff accounts opened at bcrypt's cheapest
/// cost (4: the tests check the rules, not the hash's strength).
class StaffDirectoryTestCase: XCTestCase {
    var directory: URL!
    let password = "correct horse battery"

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = try makeTempDirectory(self, name)
    }

    func open() throws -> StaffDirectory {
        try StaffDirectory.open(at: directory.appendingPathComponent(StaffDirectory.fileName), bcryptCost: 4)
    }
}
