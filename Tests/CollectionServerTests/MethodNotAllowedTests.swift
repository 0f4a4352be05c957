import CollectionServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// A method a page does not take is 405 Method Not Allowed with `Allow` (RFC 9110, 15.5.5 and
/// 10.2.1), for every path the router knows, household and staff pages alike: it was 404, as
/// if the page did not exist. Paths no route has stay 404; the API's own 405s are unchanged.
final class MethodNotAllowedTests: XCTestCase {
    func testAMethodAPageDoesNotTakeIs405WithAllow() async throws {
        let fixture = try ServerFixture(households: 2)
        defer { fixture.remove() }
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            for (method, path, allow) in [
                (HTTPRequest.Method.put, "/form/page/lives_here", "GET, HEAD, POST"),
                (.delete, "/form/page/lives_here", "GET, HEAD, POST"),
                (.patch, "/sign-in", "GET, HEAD, POST"),
                (.delete, "/", "GET, HEAD"),
                (.put, "/form/list/residents/add", "GET, HEAD, POST"),
                (.put, "/assets/census.css", "GET, HEAD"),
                (.delete, "/staff/sign-in", "GET, HEAD, POST"),
                (.patch, "/staff/keying", "GET, HEAD"),
                (.options, "/staff/keying/household", "GET, HEAD"),
            ] {
                let page = try await b.request(method, path)
                XCTAssertEqual(page.status, .methodNotAllowed, "\(method) \(path): \(page.mainText)")
                XCTAssertEqual(page.headers[.allow], allow, "\(method) \(path)")
                XCTAssertTrue(page.contains("This page cannot be used that way"), page.mainText)
                XCTAssertTrue(page.mainText.contains("It takes \(allow) requests. Nothing was saved."), page.mainText)
            }
            // Not a path of the site: still 404.
            let nowhere = try await b.request(.put, "/no/such/page")
            XCTAssertEqual(nowhere.status, .notFound)
            XCTAssertNil(nowhere.headers[.allow])
            // The methods a page takes are unchanged.
            let get = try await b.get("/sign-in"), head = try await b.request(.head, "/sign-in")
            XCTAssertEqual(get.status, .ok)
            XCTAssertEqual(head.status, .ok)
            // The API's 405 is still its problem document.
            let api = try await b.request(.delete, "/api/v1/responses")
            XCTAssertEqual(api.status, .methodNotAllowed)
            XCTAssertEqual(api.headers[.allow], "POST")
            XCTAssertEqual(api.headers[.contentType], "application/problem+json")
            // In Welsh for a household that chose it.
            _ = try await b.get("/language?to=cy&return=/sign-in")
            let welsh = try await b.request(.put, "/sign-in")
            XCTAssertEqual(welsh.status, .methodNotAllowed)
            XCTAssertTrue(welsh.mainText.contains("Nid oes modd defnyddio'r dudalen hon yn y ffordd honno"), welsh.mainText)
        }
    }
}
