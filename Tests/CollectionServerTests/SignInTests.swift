import AddressFrame
import CollectionServer
import SyntheticCensus
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ResponseStore
import XCTest

/// The way in: start page, access code (forgiving typing, one message for any wrong code,
/// rate limits and lockout), language, sessions (fixation, timeout), CSRF, security headers.
final class SignInTests: ServerTestCase {
    func testStartPageHasSecurityHeadersAndNoScript() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            let page = try await browser.get("/")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.contains("Start now"))
            let csp = page.headers[.contentSecurityPolicy] ?? ""
            XCTAssertTrue(csp.contains("frame-ancestors 'none'"), csp)
            XCTAssertTrue(csp.contains("default-src 'none'"), csp)
            XCTAssertFalse(csp.contains("unsafe-inline"), csp)
            XCTAssertEqual(page.headers[.cacheControl], "no-store")
            XCTAssertEqual(page.headers[HTTPField.Name("X-Content-Type-Options")!], "nosniff")
            XCTAssertEqual(page.headers[HTTPField.Name("X-Frame-Options")!], "DENY")
            XCTAssertFalse(page.body.contains("<script"))
            XCTAssertFalse(page.body.contains("style="))
            let css = try await browser.get("/assets/census.css")
            XCTAssertEqual(css.status, .ok)
            XCTAssertEqual(css.headers[.contentType], "text/css; charset=utf-8")
            // Every response carries them, errors thrown past every face included (an unknown
            // asset's 404 once went out bare), and says what is wrong.
            for path in ["/assets/nonexistent.css", "/assets/..%2fPackage.swift", "/assets/census.css%00.png"] {
                let missing = try await browser.get(path)
                XCTAssertEqual(missing.status, .notFound, path)
                XCTAssertEqual(missing.headers[.contentSecurityPolicy], css.headers[.contentSecurityPolicy], path)
                XCTAssertEqual(missing.headers[HTTPField.Name("X-Content-Type-Options")!], "nosniff", path)
                XCTAssertEqual(missing.headers[.cacheControl], "no-store", path)
                XCTAssertTrue(missing.body.contains("no asset"), "\(path): \(missing.body)")
            }
        }
    }

    func testCodeTypedLooselySignsInWithANewSessionID() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            _ = try await browser.get("/sign-in")
            let before = browser.cookies["census_session"]
            XCTAssertNotNil(before, "the sign-in form sets a session for its CSRF token")
            // Lower case, spaces instead of dashes, surrounding blanks.
            let typed = "  " + fixture.codes[0].code.lowercased().replacingOccurrences(of: "-", with: " ") + " "
            let response = try await browser.post("/sign-in", [("accessCode", typed)])
            XCTAssertEqual(response.status, .seeOther)
            XCTAssertEqual(response.location, "/language")
            let setCookie = response.headers[values: .setCookie].first { $0.hasPrefix("census_session=") } ?? ""
            XCTAssertTrue(setCookie.contains("HttpOnly"), setCookie)
            XCTAssertTrue(setCookie.contains("SameSite=Lax"), setCookie)
            XCTAssertFalse(setCookie.contains("Secure"), "not Secure over plain HTTP without --secure-cookies")
            XCTAssertNotEqual(browser.cookies["census_session"], before, "the session id is replaced at sign-in")
            let language = try await browser.get("/language")
            XCTAssertEqual(language.status, .ok)
            XCTAssertTrue(language.contains("Which language would you like to use?"))
        }
    }

    func testUnknownRevokedAndMistypedCodesGetOneMessage() async throws {
        // Revoke the second household's code.
        let frame = try AddressFrame.open(at: fixture.directory.appendingPathComponent(AddressFrame.fileName))
        XCTAssertTrue(try frame.revoke(code: fixture.codes[1].code, hasher: AccessCodeHasher(secret: .development)))
        try frame.close()
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            var messages = Set<String>()
            let unknown = String(fixture.codes[0].code.reversed())
            for typed in [unknown, fixture.codes[1].code, "K7QZ-3XBM-PT9D-HC2", "O0O0-O0O0-O0O0-O0O0"] {
                _ = try await browser.get("/sign-in")
                let page = try await browser.post("/sign-in", [("accessCode", typed)])
                XCTAssertEqual(page.status, .unprocessableContent, typed)
                XCTAssertTrue(page.contains("There is a problem"))
                messages.insert(Page.capture(#"class="error-message"><span class="visually-hidden">Error: </span>([^<]*)<"#, in: page.body) ?? "")
            }
            XCTAssertEqual(messages.count, 1, "\(messages)")
            XCTAssertTrue(messages.first?.contains("does not work") == true)
            let empty = try await browser.post("/sign-in", [("accessCode", "")])
            XCTAssertEqual(empty.status, .unprocessableContent)
            XCTAssertTrue(empty.contains("Enter the access code from your letter"))
        }
    }

    func testWrongCodesLockOutTheClientUntilTheWindowPasses() async throws {
        fixture.configuration.loginLimits = LoginLimits(failuresPerClient: 3, signInsPerHousehold: 100, window: .seconds(600))
        fixture.configuration.trustProxy = true
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var guesser = Browser(client)
            guesser.headers[HTTPField.Name("X-Forwarded-For")!] = "203.0.113.9"
            for _ in 0..<3 {
                _ = try await guesser.get("/sign-in")
                let page = try await guesser.post("/sign-in", [("accessCode", "BCDF-GHJK-LMNP-QRST")])
                XCTAssertEqual(page.status, .unprocessableContent)
            }
            _ = try await guesser.get("/sign-in")
            // Locked: even the right code is refused, with how long to wait.
            let locked = try await guesser.post("/sign-in", [("accessCode", fixture.codes[0].code)])
            XCTAssertEqual(locked.status, .tooManyRequests)
            XCTAssertNotNil(locked.headers[.retryAfter])
            XCTAssertTrue(locked.contains("wait 10 minutes"), locked.mainText)
            // Another client is not affected.
            var neighbour = Browser(client)
            neighbour.headers[HTTPField.Name("X-Forwarded-For")!] = "198.51.100.4"
            _ = try await neighbour.signIn(fixture.codes[0].code)
        }
    }

    func testAHouseholdSigningInTooOftenIsLockedOut() async throws {
        fixture.configuration.loginLimits = LoginLimits(failuresPerClient: 100, signInsPerHousehold: 2, window: .seconds(120))
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            for _ in 0..<2 {
                var browser = Browser(client)
                _ = try await browser.signIn(fixture.codes[2].code)
            }
            var third = Browser(client)
            _ = try await third.get("/sign-in")
            let page = try await third.post("/sign-in", [("accessCode", fixture.codes[2].code)])
            XCTAssertEqual(page.status, .tooManyRequests)
            XCTAssertTrue(page.contains("too many times"), page.mainText)
        }
    }

    func testPostsWithoutTheSessionsCSRFTokenAreRefused() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            _ = try await browser.get("/sign-in")
            let forged = try await browser.post("/sign-in", [("csrf", "forged"), ("accessCode", fixture.codes[0].code)], csrf: false)
            XCTAssertEqual(forged.status, .forbidden)
            XCTAssertTrue(forged.contains("This page has expired"))
            var noCookies = Browser(client)
            let bare = try await noCookies.post("/sign-in", [("accessCode", fixture.codes[0].code)], csrf: false)
            XCTAssertEqual(bare.status, .forbidden)
            // Signed in, a post with another session's token is refused too.
            _ = try await browser.signIn(fixture.codes[0].code)
            var other = Browser(client)
            _ = try await other.get("/sign-in")
            let stolen = other.csrf!
            let page = try await browser.post("/form/page/lives_here", [("csrf", stolen), ("lives_here", "yes")], csrf: false)
            XCTAssertEqual(page.status, .forbidden)
        }
    }

    func testForeignAndMalformedPostsGetA4xxThatSaysWhatIsWrong() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            _ = try await browser.get("/sign-in")
            let json = try await browser.request(.post, "/sign-in", body: #"{"accessCode": "x"}"#, contentType: "application/json")
            XCTAssertEqual(json.status, .badRequest)
            XCTAssertTrue(json.contains("application/x-www-form-urlencoded"))
            let badEncoding = try await browser.request(.post, "/sign-in", body: "csrf=%ZZ&accessCode=%E0%A4%A")
            XCTAssertEqual(badEncoding.status, .badRequest)
            XCTAssertTrue(badEncoding.contains("could not be read"))
            let huge = try await browser.request(.post, "/sign-in", body: "accessCode=" + String(repeating: "A", count: 70_000))
            XCTAssertEqual(huge.status, .contentTooLarge)
            XCTAssertTrue(huge.contains("Nothing was saved"))
            let missing = try await browser.get("/no/such/page")
            XCTAssertEqual(missing.status, .notFound)
            XCTAssertTrue(missing.contains("Page not found"))
            XCTAssertFalse(missing.body.contains("Error("), "no error dump")
        }
    }

    func testLanguageSwitchesOnAnyPageAndStaysLocal() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            let english = try await browser.get("/sign-in")
            XCTAssertTrue(english.body.contains(#"<html lang="en">"#))
            XCTAssertTrue(english.body.contains("/language?to=cy&amp;return=/sign-in"))
            let switched = try await browser.get("/language?to=cy&return=/sign-in")
            XCTAssertEqual(switched.location, "/sign-in")
            let welsh = try await browser.get("/sign-in")
            XCTAssertTrue(welsh.body.contains(#"<html lang="cy">"#))
            XCTAssertTrue(welsh.contains("Rhowch eich cod mynediad"))
            // Never an open redirect.
            let away = try await browser.get("/language?to=en&return=//evil.example/")
            XCTAssertEqual(away.location, "/")
            let unknown = try await browser.get("/language?to=fr&return=/")
            XCTAssertEqual(unknown.status, .notFound)
        }
    }

    /// HEAD is answered wherever GET is (RFC 9110): `curl -I` on the start page said 404 Page
    /// not found. The GET's status and headers come back, without a body.
    func testHeadIsAnsweredWhereverGetIs() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            for path in ["/", "/sign-in", "/healthz", "/api/v1/openapi.json", "/staff/sign-in", "/assets/census.css"] {
                let get = try await client.execute(uri: path, method: .get)
                let head = try await client.execute(uri: path, method: .head)
                XCTAssertEqual(head.status, get.status, path)
                XCTAssertEqual(head.headers[.contentType], get.headers[.contentType], path)
                XCTAssertEqual(head.body.readableBytes, 0, path)
            }
            let form = try await client.execute(uri: "/form", method: .head)
            XCTAssertEqual(form.status, .seeOther, "signed out: to the sign-in page, as for GET")
            let missing = try await client.execute(uri: "/no/such/page", method: .head)
            XCTAssertEqual(missing.status, .notFound)
        }
    }

    /// Browsers drop tabs and line breaks from a `Location` and read `\` as `/`, so a return
    /// path carrying them leaves the site; it goes to `/` instead, whole (never cleaned). A
    /// path with its query, as every page's switch sends it, is kept as it is.
    func testLanguageSwitchNeverSendsTheBrowserToAnotherSite() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            for sent in ["/%09/evil.example/", "/%0A/evil.example/", "/%0D%0A/evil.example/", "/%5Cevil.example/",
                         "%2F%2Fevil.example", "https://evil.example/", "/%20/evil.example/", "/%C3%A9", "/%00"] {
                let switched = try await browser.get("/language?to=cy&return=\(sent)")
                XCTAssertEqual(switched.status, .seeOther, sent)
                XCTAssertEqual(switched.location, "/", sent)
            }
            let kept = try await browser.get("/language?to=en&return=%2Fform%2Fpage%2Ftenure%3Fchange%3D1")
            XCTAssertEqual(kept.location, "/form/page/tenure?change=1")
        }
    }

    func testFormPagesNeedASession() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            let page = try await browser.get("/form")
            XCTAssertEqual(page.status, .seeOther)
            XCTAssertEqual(page.location, "/sign-in")
            let post = try await browser.post("/form/page/tenure", [("tenure", "rents")], csrf: false)
            XCTAssertEqual(post.status, .forbidden)
        }
    }
}
