import CensusTestSupport
import Foundation
import ResponseStore
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `census serve` killed with SIGKILL in the middle of API submissions: every
/// submission that got a 2xx before the kill is in the store after a restart, under its
/// receipt and its key.
final class APIKillTests: XCTestCase {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 16
        return URLSession(configuration: configuration)
    }()

    /// One blocking HTTP request (a load client needs nothing more).
    static func post(_ url: URL, token: String, key: String, body: Data, timeout: TimeInterval = 10) -> (status: Int, body: Data)? {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(key, forHTTPHeaderField: "Idempotency-Key")
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, Data)?
        session.dataTask(with: request) { data, response, error in
            if let http = response as? HTTPURLResponse { result = (http.statusCode, data ?? Data()) }
            if let error, ProcessInfo.processInfo.environment["CENSUS_TEST_VERBOSE"] != nil { print("request failed: \(error)") }
            done.signal()
        }.resume()
        done.wait()
        return result
    }

    static func receipt(_ data: Data) -> String? {
        (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["receiptId"] as? String
    }

    func testEveryAcknowledgedSubmissionSurvivesSIGKILL() throws {
        let served = try ServedStore()
        defer { served.remove() }
        try served.start()
        let url = served.baseURL.appendingPathComponent("api/v1/responses")

        struct Ack { var index: Int; var household: String; var key: String; var receipt: String }
        let lock = NSLock()
        nonisolated(unsafe) var acks: [Ack] = []
        nonisolated(unsafe) var next = 0
        nonisolated(unsafe) var failedAfterKill = 0
        let maxRequests = 3000
        let bodies = try (0..<maxRequests).map { try served.paperReturn(line: $0, household: served.households[$0 % served.households.count]) }
        let deadline = Date().addingTimeInterval(30)
        let workers = DispatchGroup()
        for _ in 0..<8 {
            workers.enter()
            Thread.detachNewThread {
                defer { workers.leave() }
                while Date() < deadline {
                    let i: Int = lock.withLock { defer { next += 1 }; return next }
                    guard i < maxRequests else { return }
                    let key = "kill-\(i)"
                    guard let (status, body) = Self.post(url, token: served.ingestToken, key: key, body: bodies[i]) else {
                        lock.withLock { failedAfterKill += 1 }
                        return   // the server is gone
                    }
                    if (200..<300).contains(status), let receipt = Self.receipt(body) {
                        lock.withLock { acks.append(Ack(index: i, household: served.households[i % served.households.count], key: key, receipt: receipt)) }
                    } else {
                        XCTFail("unexpected \(status): \(String(decoding: body, as: UTF8.self))")
                        return
                    }
                }
            }
        }
        // Kill it once some submissions are acknowledged and more are in flight.
        let killAt = Int.random(in: 100...400)
        while lock.withLock({ acks.count }) < killAt && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        let beforeKill = lock.withLock { acks.count }
        XCTAssertEqual(served.stop(SIGKILL), SIGKILL, "killed, not stopped")
        XCTAssertEqual(workers.wait(timeout: .now() + 60), .success, "the load stops by itself")
        let acknowledged = lock.withLock { acks }
        XCTAssertGreaterThanOrEqual(acknowledged.count, beforeKill)
        XCTAssertGreaterThan(acknowledged.count, 50, "the load reached the server")

        // Restarted: every acknowledged submission is there; a retry gets its receipt back.
        try served.start()
        let retryURL = served.baseURL.appendingPathComponent("api/v1/responses")
        for ack in acknowledged {
            let retry = Self.post(retryURL, token: served.ingestToken, key: ack.key, body: bodies[ack.index])
            XCTAssertEqual(retry?.status, 200, "submission \(ack.key) acknowledged before the kill was not found again")
            XCTAssertEqual(retry.flatMap { Self.receipt($0.body) }, ack.receipt)
        }
        XCTAssertEqual(served.stop(SIGTERM), 0)

        let store = try ResponseStore.open(at: served.store)
        defer { store.close() }
        for ack in acknowledged {
            let versions = try store.versions(of: ack.household)
            XCTAssertTrue(versions.contains { $0.receiptID == ack.receipt && $0.idempotencyKey == ack.key && $0.kind == .paper },
                          "\(ack.receipt) (\(ack.key)) is not in the store")
        }
        let check = try census(["store", "check", "--dir", "st"], in: served.root)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }
}
