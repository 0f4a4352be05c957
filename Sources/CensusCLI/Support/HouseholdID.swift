import AddressFrame
import ArgumentParser
import Foundation

/// A household id as the address frame has them. A typo such as a trailing space would
/// otherwise file the response under a household that does not exist.
func checkHouseholdID(_ id: String) throws {
    guard !id.isEmpty else { throw ValidationError("give a household id (as in the address frame), not an empty string") }
    guard FrameValidation.isHouseholdID(id) else {
        throw ValidationError("'\(id.count > 40 ? id.prefix(40) + "…" : id)' is not a household id: ids are 1-32 letters, digits, '-' or '_', as in the address frame")
    }
}

/// The household id argument of `store where` and `store show`, checked like every other.
struct HouseholdArgument: ParsableArguments {
    @Argument(help: "Household id, as in the address frame.")
    var id: String

    func validate() throws { try checkHouseholdID(id) }
}
