import CollectionServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Questionnaire
import XCTest

/// `/healthz`, `/readyz`, `/metrics` and the request log: what they say, and what they never
/// say (access codes, tokens, cookies, household ids in labels, answers).
final class OperationsTests: XCTestCase {
    func testHealthAndReadiness() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        try await fixture.withServer { client, server in
            let api = APIClient(client: client)
            let health = try await api.call(.get, "/healthz")
            XCTAssertEqual(health.json, ["status": "ok"])
            let ready = try await api.call(.get, "/readyz")
            XCTAssertEqual(ready.status, .ok, ready.text)
            XCTAssertEqual(ready.json?["status"], "ready")
            // A shard made read-only: not ready, and the shard is named.
            let shard = fixture.directory.appendingPathComponent("shards/shard-002.sqlite").path
            chmod(shard, 0o444)
            defer { chmod(shard, 0o644) }
            let notReady = try await api.call(.get, "/readyz")
            XCTAssertEqual(notReady.status, .serviceUnavailable)
            XCTAssertTrue(notReady.text.contains("shard 2"), notReady.text)
            chmod(shard, 0o644)
            let again = try await api.call(.get, "/readyz")
            XCTAssertEqual(again.status, .ok, again.text)
            server.collector.store.close()
            let closed = try await api.call(.get, "/readyz")
            XCTAssertEqual(closed.status, .serviceUnavailable)
        }
    }

    func testMetricsAndLogsCountWhatHappensAndNeverShowSecrets() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let logs = LogCapture()
        let (household, code) = fixture.codes[0]
        let ingest = try fixture.machineToken("capture", role: .ingest)
        let body = try fixture.validResponse(0)
        let answers = try XCTUnwrap(JSONParser.parse(body)["residents"]?.arrayValue?.first?["first_name"]?.stringValue)
        let paperHousehold = fixture.codes[1].household
        let result: (token: String, cookie: String, requestIDs: [String], metrics: String) = try await fixture.withServer(logs: logs) { client, _ in
            let api = APIClient(client: client)
            let token = try await api.signIn(code)
            var ids: [String] = []
            let stored = try await api.submit(body, token: token)
            XCTAssertEqual(stored.status, .created, stored.text)
            ids.append(stored.headers[HTTPField.Name("X-Request-Id")!] ?? "")
            let paper = try await api.submit(try fixture.validResponse(1, channel: "paper", extra: ["id": .string(paperHousehold)]), token: ingest)
            XCTAssertEqual(paper.status, .created, paper.text)
            _ = try await api.status(household, token: token)
            _ = try await api.call(.post, "/api/v1/auth", body: #"{"accessCode": "BBBB-BBBB-BBBB-BBBB"}"#)
            // The web face: a sign-in and a page save.
            var browser = Browser(client)
            let first = try await browser.signIn(fixture.codes[2].code)
            XCTAssertEqual(first.status, .ok)
            let cookie = browser.cookies["census_session"] ?? ""
            let metrics = try await api.call(.get, "/metrics")
            XCTAssertEqual(metrics.status, .ok)
            XCTAssertTrue(metrics.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
            return (token, cookie, ids, metrics.text)
        }
        let m = result.metrics
        for expected in [
            #"census_http_requests_total{route="/api/v1/responses",method="POST",status="201"} 2"#,
            #"census_http_request_duration_seconds_bucket{route="/api/v1/auth",method="POST",status="200",le="+Inf"} 1"#,
            #"census_responses_stored_total{kind="submitted",channel="online"} 1"#,
            #"census_responses_stored_total{kind="paper",channel="paper"} 1"#,
            #"census_sessions_started_total{face="api"} 1"#,
            #"census_sessions_started_total{face="web"} 1"#,
            #"census_login_failures_total{face="api",reason="wrong_code"} 1"#,
            "census_page_saves_total ",
            "census_shard_commit_duration_seconds_bucket{shard=",
            "census_shard_commit_batch_size_bucket{shard=",
            #"route="/api/v1/households/{id}/status""#,
        ] {
            XCTAssertTrue(m.contains(expected), "missing in /metrics: \(expected)\n\(m)")
        }
        let lines = logs.lines
        let requestLines = lines.filter { $0.contains(" request ") }
        XCTAssertGreaterThanOrEqual(requestLines.count, 8)
        for id in result.requestIDs {
            XCTAssertEqual(requestLines.filter { $0.contains("request_id=\(id)") }.count, 1, "one line per request, with its id")
        }
        XCTAssertTrue(requestLines.allSatisfy { $0.contains("route=") && $0.contains("status=") && $0.contains("duration_ms=") })
        let secrets = [code, code.replacingOccurrences(of: "-", with: ""), result.token, ingest, result.cookie, household, paperHousehold, answers,
                       fixture.codes[2].code]
        for secret in secrets where !secret.isEmpty {
            XCTAssertFalse(m.contains(secret), "a secret or household id in /metrics: \(secret)")
            for line in lines { XCTAssertFalse(line.contains(secret), "a secret, household id or answer in a log line: \(line)") }
        }
    }
}
