import Foundation
import HTTPTypes
import Hummingbird
import XCTest
@testable import CollectionServer

/// The two byte-level readers that replace library calls on every page request give what the
/// library gave: ``CookieHeader`` the value Hummingbird's `request.cookies[name]` finds, and
/// ``HouseholdSite/percentEncode(_:)`` Foundation's `addingPercentEncoding` for its characters.
final class CookieAndPercentEncodingTests: XCTestCase {
    let headers = [
        "census_session=abc.def-ghi_",
        "theme=dark; census_session=v1; census_session=v2",
        "  census_session=spaced",
        "\tcensus_session=tabbed;other=1",
        "census_sessionx=no; xcensus_session=no",
        "census_session=",
        "census_session=a=b=c; z=1",
        "census_session",
        "",
        ";;census_session=after-empties",
        "naïve=é; census_session=Siân",
        "other=1",
    ]

    func testTheSessionCookieIsTheOneHummingbirdFinds() {
        for header in headers {
            let library = Cookies(from: [header])[SessionCookies.name]?.value
            let ours = CookieHeader.value(named: Array(SessionCookies.name.utf8), in: header)
            // Hummingbird gives no cookie for an empty value; neither decodes to a session.
            if library == nil && ours == "" { continue }
            XCTAssertEqual(ours, library, header)
        }
    }

    func testTheFirstHeaderWithTheCookieWins() {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .cookie, value: "theme=dark"))
        fields.append(HTTPField(name: .cookie, value: "census_session=one"))
        fields.append(HTTPField(name: .cookie, value: "census_session=two"))
        let request = Request(head: .init(method: .get, scheme: "http", authority: "127.0.0.1", path: "/", headerFields: fields), body: .init(buffer: .init()))
        XCTAssertEqual(CookieHeader.value(named: SessionCookies.name, in: request), "one")
        XCTAssertEqual(CookieHeader.value(named: SessionCookies.name, in: request), request.cookies[SessionCookies.name]?.value)
    }

    func testPercentEncodingIsFoundations() {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
        var samples = ["/form/page/lives_here", "/form/page/x?a=1&b=2", "Siân Jones – Ŵyn", "100% & more", "", "~a.b_c-d/e", "👩‍👩‍👧 #frag", "\u{0}\u{7f}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let scalars = (0..<Int.random(in: 0...20, using: &generator)).compactMap { _ in
                Unicode.Scalar(Bool.random(using: &generator) ? UInt32.random(in: 0...0x7f, using: &generator) : UInt32.random(in: 0x80...0x1F6FF, using: &generator))
            }
            samples.append(String(String.UnicodeScalarView(scalars)))
        }
        for s in samples {
            XCTAssertEqual(HouseholdSite.percentEncode(s), s.addingPercentEncoding(withAllowedCharacters: allowed), s)
        }
    }
}
