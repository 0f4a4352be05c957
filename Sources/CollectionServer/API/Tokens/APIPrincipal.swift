import Foundation

/// Who an API request speaks for, from its bearer token, and what that lets it do.
///
/// | principal | `POST /api/v1/responses` | `GET /api/v1/households/{id}/status` |
/// |---|---|---|
/// | household token (`POST /api/v1/auth`) | its own household, channel `online` | its own household |
/// | machine token, role `ingest` | any household in the frame, channel `paper` | any household |
/// | machine token, role `status` | no (403) | any household |
enum APIPrincipal: Sendable, Equatable {
    /// A household signed in with its access code; the token expires at `expiresAt` (seconds since 1970).
    case household(id: String, expiresAt: Int64)
    /// A machine token made with `census token create`.
    case machine(MachineTokenRecord)

    /// For log lines: the kind of principal and, for a machine, the token's public id (never
    /// a household id or a token).
    var logDescription: String {
        switch self {
        case .household: return "household"
        case .machine(let record): return "machine:\(record.id)"
        }
    }

    /// Whether it may read this household's status.
    func maySeeStatus(of householdID: String) -> Bool {
        switch self {
        case .household(let id, _): return id == householdID
        case .machine: return true
        }
    }
}

/// The machine-token file, opened when it first exists: tokens made after the server
/// started work without a restart.
final class MachineTokenFile: @unchecked Sendable {
    let url: URL
    private let lock = NSLock()
    private var tokens: MachineTokens?

    init(url: URL) { self.url = url }

    /// The open token file, or nil while there is none.
    func open() throws -> MachineTokens? {
        if let tokens = lock.withLock({ tokens }) { return tokens }
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let opened = try MachineTokens.open(at: url)
        return lock.withLock {
            if let tokens { return tokens }
            tokens = opened
            return opened
        }
    }
}
