import CensusCollection
import Foundation
import Hummingbird
import Questionnaire
import ResponseStore

extension APIFace {
    /// `GET /api/v1/households/{id}/status`: whether the household has a return (an online
    /// submission or a paper return; saves do not count), and the channel, time and receipt
    /// of the one that counts (``AuthoritativeReturn``):
    /// `{"householdId", "hasReturn", "channel", "receivedAt", "receiptId"}` (the last three
    /// null without a return). A household token sees only its own household (403 for
    /// another); a machine token any (404 for an id not in the frame).
    func status(_ request: Request, _ context: CensusRequestContext) throws -> Response {
        let householdID = try context.parameters.require("id")
        guard let principal = context.principal else { throw APIError(.unauthorized, "unauthenticated", "this request needs a bearer token") }
        guard principal.maySeeStatus(of: householdID) else {
            throw APIError(.forbidden, "wrong_household", "a household token can only see its own household's status")
        }
        let lookup = Result { () throws(CollectionError) -> Void in _ = try collector.household(householdID) }
        if case .failure(let error) = lookup {
            if case .unknownHousehold = error {
                throw APIError(.notFound, "unknown_household", "household \(APIError.quoted(householdID)) is not in the address frame")
            }
            throw error
        }
        let versions: [ResponseVersion]
        do { versions = try collector.store.versions(of: householdID) } catch {
            throw CollectionError.storeUnavailable(error)
        }
        let authoritative = AuthoritativeReturn.choose(from: versions.filter { $0.kind != .partial })
        return APIBody.json([
            "householdId": .string(householdID),
            "hasReturn": .bool(authoritative != nil),
            "channel": authoritative.map { .string($0.channel.rawValue) } ?? .null,
            "receivedAt": authoritative.map { .string($0.receivedAt.rfc3339) } ?? .null,
            "receiptId": authoritative.map { .string($0.receiptID) } ?? .null,
        ])
    }
}
