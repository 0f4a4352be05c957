import AddressFrame
import ArgumentParser
import CensusCommandLine
import Foundation

struct FrameLookup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Find the household of an access code (case, spaces and dashes are ignored)."
    )
    @OptionGroup var frame: FrameDirectory
    @Argument(help: "The access code as typed.")
    var code: String
    @OptionGroup var secret: SecretOptions

    func run() throws {
        let f = try AddressFrame.open(at: frame.file, readOnly: true)
        let hasher = try secret.hasher()
        do {
            let h = try f.lookup(code: code, hasher: hasher)
            print([h.householdID, h.addressLine1, h.addressLine2, h.addressLine3, h.postcode, h.localAuthority]
                .filter { !$0.isEmpty }.joined(separator: ", "))
        } catch {
            Console.error("\(error)")
            switch error {
            case .malformed, .notFound, .revoked: throw ExitCode.notInOrder  // the answer is "no household"
            case .secretMismatch, .frameUnavailable: throw ExitCode.notDone
            }
        }
    }
}
