import CensusTestSupport
import Foundation
import XCTest
@testable import ResponseStore

/// Kills a writer process with SIGKILL in the middle of a load and checks
/// that every acknowledged submission survived.
final class CrashTests: XCTestCase {
    struct Ack: Hashable {
        var household: String
        var key: String
        var receipt: String
    }

    func testAcknowledgedSubmissionsSurviveSIGKILL() throws {
        let bench = try benchExecutable()
        let dir = try makeTempDirectory(self)
        try ResponseStore.create(at: dir, shardCount: 4).close()
        let testDeadline = Date().addingTimeInterval(50)
        // Kill after this many acknowledgements (or after 4 s), round by round.
        let killAfter = [200, 1500, 50, 4000, 700]
        var totalAcked = 0

        for (round, limit) in killAfter.enumerated() where Date() < testDeadline {
            let prefix = "r\(round)"
            let process = Process()
            process.executableURL = bench
            process.arguments = ["store-writer", "--dir", dir.path, "--count", "1000000", "--in-flight", "256", "--prefix", prefix]
            let out = Pipe()
            let errFile = dir.appendingPathComponent("writer-\(round).err")
            _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
            process.standardOutput = out
            process.standardError = try FileHandle(forWritingTo: errFile)
            try process.run()
            let pid = process.processIdentifier
            // Watchdog: whatever happens, the child dies within 15 s.
            DispatchQueue.global().asyncAfter(deadline: .now() + 15) { kill(pid, SIGKILL) }

            var text = Data()
            var ackLines = 0
            let roundDeadline = Date().addingTimeInterval(4)
            let reader = out.fileHandleForReading
            while ackLines < limit && Date() < roundDeadline {
                let chunk = reader.availableData
                if chunk.isEmpty { break } // EOF: the child exited
                text.append(chunk)
                ackLines += chunk.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            }
            kill(pid, SIGKILL)
            // Acknowledgements printed before the kill are still in the pipe.
            text.append(reader.readDataToEndOfFile())
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .uncaughtSignal,
                           "writer exited by itself: \(String(decoding: (try? Data(contentsOf: errFile)) ?? Data(), as: UTF8.self))")

            var acks: [Ack] = []
            for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
                let parts = line.split(separator: " ")
                // A line cut by the kill is not an acknowledgement.
                guard parts.count == 4, parts[0] == "ACK", parts[3].count == 13 else { continue }
                acks.append(Ack(household: String(parts[1]), key: String(parts[2]), receipt: String(parts[3])))
            }
            XCTAssertGreaterThan(acks.count, 0, "round \(round): no acknowledgement before the kill")
            XCTAssertLessThan(acks.count, 1_000_000, "round \(round): the load finished before the kill")
            totalAcked += acks.count

            // Reopen and check every acknowledged submission.
            let report = ResponseStore.check(at: dir)
            XCTAssertTrue(report.isHealthy, "round \(round): \(report)")
            let store = try ResponseStore.open(at: dir)
            try store.requireAllShards()
            var byHousehold: [String: [Ack]] = [:]
            for a in acks { byHousehold[a.household, default: []].append(a) }
            var missing = 0
            for (household, expected) in byHousehold {
                let stored = Dictionary(try store.versions(of: household).map { ($0.idempotencyKey, $0.receiptID) },
                                        uniquingKeysWith: { a, _ in a })
                for a in expected where stored[a.key] != a.receipt { missing += 1 }
            }
            XCTAssertEqual(missing, 0, "round \(round): \(missing) of \(acks.count) acknowledged submissions are missing")
            let stored = store.versionCounts().compactMap { $0 }.reduce(0, +)
            XCTAssertGreaterThanOrEqual(stored, totalAcked)
            store.close()
            print("crash round \(round): killed after \(acks.count) acknowledgements; \(stored) versions stored in total, all acknowledged ones present, integrity_check ok")
        }
        XCTAssertGreaterThan(totalAcked, 0)
    }
}
