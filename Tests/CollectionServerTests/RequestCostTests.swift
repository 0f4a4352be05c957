import Crypto
import Foundation
import Questionnaire
import XCTest
@testable import CollectionServer

/// What the server keeps or computes more cheaply per request, and must keep right: the
/// evaluations lent between a household's requests, and the encodings every page uses.
final class RequestCostTests: XCTestCase {
    func testAnEvaluationIsLentToOneRequestForItsSaveAndLanguageOnly() throws {
        let evaluator = try Evaluator(schema: ServerFixture.form("census-household"))
        let live = LiveEvaluation(evaluator: evaluator, response: .object([:]))
        let cache = EvaluationCache(limit: 4)
        cache.put(live, household: "H1", sequence: 3, language: "en")
        XCTAssertNil(cache.take("H1", sequence: 4, language: "en"), "a later save is evaluated again")
        XCTAssertNil(cache.take("H1", sequence: 3, language: "en"), "a mismatch forgets it")
        cache.put(live, household: "H1", sequence: 3, language: "en")
        XCTAssertNil(cache.take("H1", sequence: 3, language: "cy"), "another language is evaluated again")
        cache.put(live, household: "H1", sequence: 3, language: "en", focus: "household:")
        XCTAssertNil(cache.take("H1", sequence: 3, language: "en", focus: "household:m2"),
                     "a member who now answers separately is left out of a new evaluation")
        let screens = [Screen.page(part: 0, page: "p"), Screen.list(part: 1, roster: "residents")]
        cache.put(live, screens: screens, household: "H1", sequence: 3, language: "en")
        let kept = cache.take("H1", sequence: 3, language: "en")
        XCTAssertTrue(kept?.live === live)
        XCTAssertEqual(kept?.screens, screens, "the journey's screens are kept with the evaluation that gave them")
        XCTAssertNil(cache.take("H1", sequence: 3, language: "en"), "lent to one request at a time")
        for n in 1...9 { cache.put(live, household: "H\(n)", sequence: 1, language: "en") }
        XCTAssertLessThanOrEqual(cache.count, 4, "bounded")
    }

    func testBase64URLMatchesRFC4648WithoutPadding() {
        var rng = SystemRandomNumberGenerator()
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let encoded = Base64URL.encode(bytes)
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            XCTAssertEqual(encoded, expected)
            XCTAssertEqual(Base64URL.decode(encoded), bytes)
        }
        XCTAssertEqual(Base64URL.encode([0xFB, 0xFF]), "-_8")
        XCTAssertNil(Base64URL.decode("ab+c"), "the standard alphabet's + is refused")
        XCTAssertNil(Base64URL.decode("ab=="), "padding is refused")
        XCTAssertNil(Base64URL.decode("a"), "a length no encoding has")
    }

    /// Session cookies and API tokens are read by their bytes: the same fields back, and
    /// nothing for a token that is not exactly one signed payload.
    func testSignedPayloadsOpenOnlyWhenWholeAndSigned() {
        let key = SymmetricKey(data: Array("a key of thirty-two bytes, near!".utf8))
        let token = SignedPayload.seal("v1|id||17|Siân", key: key)
        XCTAssertEqual(SignedPayload.open(token, key: key), ["v1", "id", "", "17", "Siân"])
        XCTAssertEqual(SignedPayload.open(Substring("x" + token).dropFirst(), key: key), ["v1", "id", "", "17", "Siân"])
        XCTAssertNil(SignedPayload.open(token, key: SymmetricKey(data: Array("another key of thirty-two bytes!".utf8))))
        XCTAssertNil(SignedPayload.open(token + ".", key: key), "a second dot")
        XCTAssertNil(SignedPayload.open(token.replacingOccurrences(of: ".", with: ""), key: key), "no dot")
        XCTAssertNil(SignedPayload.open(token + "=", key: key), "padding")
        let other = SignedPayload.seal("v1|other||17|en", key: key)
        let mixed = String(token.prefix { $0 != "." }) + String(other.drop { $0 != "." })
        XCTAssertNil(SignedPayload.open(mixed, key: key), "one payload with another's signature")
        let notText: [UInt8] = [0x76, 0x31, 0x7C, 0xFF]
        let signed = Base64URL.encode(notText) + "." + Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: notText, using: key)))
        XCTAssertNil(SignedPayload.open(signed, key: key), "a payload that is not UTF-8")
    }

    func testRandomBytesHaveTheLengthAskedAndDiffer() {
        for count in [0, 1, 7, 8, 9, 12, 16, 32] {
            XCTAssertEqual(RandomBytes.make(count).count, count)
        }
        // 16 bytes alike twice is a 2^-128 event: a generator that repeats or leaves zeros fails.
        let a = RandomBytes.make(16), b = RandomBytes.make(16)
        XCTAssertNotEqual(a, b)
        XCTAssertNotEqual(a, [UInt8](repeating: 0, count: 16))
        XCTAssertEqual(Set((0..<200).map { _ in Base64URL.encode(RandomBytes.make(12)) }).count, 200, "request ids do not repeat")
    }

    /// The typed option views render as the dictionaries they replaced: every name the
    /// template asks is answered (none leaks in from the field or the page), and a "please
    /// specify" box asks phones for a number keypad only when it takes a number.
    func testChoiceOptionsRenderFromTheirTypedViews() async throws {
        let templates = try await Templates.load()
        func render(_ options: [OptionView], error: String? = nil) throws -> String {
            var field: [String: Any] = ["id": "q", "name": "q", "label": "Where?", "isFieldset": true, "isChoice": true,
                                        "multiple": options.first?.multiple ?? false, "options": options,
                                        // Names an option must not pick up from its field.
                                        "description": "FIELD", "divider": "FIELD", "width": "FIELD", "value": "FIELD"]
            if let error { field["error"] = error; field["errorPrefix"] = "Error:" }
            return try templates.render("field", field)
        }
        let radios = try render([
            OptionView(id: "q", name: "q", value: "here", label: "Here & now", checked: true, multiple: false),
            OptionView(id: "q-elsewhere", name: "q", value: "elsewhere", label: "Elsewhere", checked: false, multiple: false,
                       description: "Abroad", descriptionID: "q-elsewhere-description",
                       specify: SpecifyView(id: "q-elsewhere-detail", name: "q-elsewhere-detail", label: "Which country?", value: "Wales", isNumber: false)),
        ], error: "Choose one")
        XCTAssertTrue(radios.contains(#"<input class="radios__input" id="q" name="q" type="radio" value="here" checked>"#), radios)
        XCTAssertTrue(radios.contains(#"<label class="radios__label" for="q">Here &amp; now</label>"#), radios)
        XCTAssertTrue(radios.contains(#"value="elsewhere" aria-describedby="q-elsewhere-description">"#), radios)
        XCTAssertTrue(radios.contains(#"<div id="q-elsewhere-description" class="hint option-hint">Abroad</div>"#), radios)
        XCTAssertTrue(radios.contains(#"<input class="input input--w20 input--error" id="q-elsewhere-detail" name="q-elsewhere-detail" type="text" value="Wales"></div>"#),
                      "a text box, marked with its field's error, no number keypad: \(radios)")
        XCTAssertFalse(radios.contains("FIELD"), radios)
        XCTAssertFalse(radios.contains("radios__divider"), radios)
        let boxes = try render([
            OptionView(id: "q", name: "q", value: "cars", label: "Cars", checked: false, multiple: true,
                       specify: SpecifyView(id: "q-cars-detail", name: "q-cars-detail", label: "How many?", value: "", isNumber: true)),
            OptionView(id: "q-none", name: "q", value: "none", label: "None", checked: true, multiple: true, divider: "or"),
        ])
        XCTAssertTrue(boxes.contains(#"<input class="checkboxes__input" id="q" name="q" type="checkbox" value="cars">"#), boxes)
        XCTAssertTrue(boxes.contains(#"<input class="input input--w4" id="q-cars-detail" name="q-cars-detail" type="text" value="" inputmode="numeric"></div>"#), boxes)
        XCTAssertTrue(boxes.contains(#"<div class="radios__divider">or</div>"#), boxes)
        XCTAssertTrue(boxes.contains(#"value="none" checked>"#), boxes)
        XCTAssertFalse(boxes.contains("FIELD"), boxes)
    }

    func testReturnPathsArePercentEncoded() {
        XCTAssertEqual(HouseholdSite.percentEncode("/form/page/lives_here?change=1&x=é"), "/form/page/lives_here%3Fchange%3D1%26x%3D%C3%A9")
        XCTAssertEqual(HouseholdSite.percentEncode("a-b.c_d~e/f g"), "a-b.c_d~e/f%20g")
    }

    func testFormBodiesDecodeAsBrowsersEncodeThem() {
        let fields = FormFields(urlEncoded: "csrf=a%2Bb&name=Si%C3%A2n+Jones&empty=&flag&name=2")
        XCTAssertEqual(fields?.first("csrf"), "a+b")
        XCTAssertEqual(fields?.all("name"), ["Siân Jones", "2"])
        XCTAssertEqual(fields?.first("name"), "Siân Jones", "a repeated name's first value")
        XCTAssertNil(fields?.first("missing"))
        XCTAssertEqual(FormFields([("a", "1"), ("b", "2"), ("a", "3")]).first("a"), "1")
        // Scanned (a few pairs) or looked up (more): the same first values.
        let long = (0..<20).map { ("n\($0 % 10)", "\($0)") }
        XCTAssertEqual(FormFields(long).first("n3"), "3")
        XCTAssertEqual(FormFields(Array(long.prefix(4))).first("n3"), "3")
        XCTAssertNil(FormFields(Array(long.prefix(3))).first("n3"))
        XCTAssertEqual(fields?.first("empty"), "")
        XCTAssertEqual(fields?.first("flag"), "")
        for bad in ["a=%", "a=%4", "a=%zz", "a=%C3", "%FF=1"] {
            XCTAssertNil(FormFields(urlEncoded: bad), bad)
        }
        XCTAssertEqual(FormFields(urlEncoded: "a=100%25")?.first("a"), "100%")
        // Empty items are skipped; a value keeps any further `=`; a name may be empty.
        let odd = FormFields(urlEncoded: "&&a=b=c&&=x&")
        XCTAssertEqual(odd?.pairs.map(\.name), ["a", ""])
        XCTAssertEqual(odd?.first("a"), "b=c")
        XCTAssertEqual(odd?.first(""), "x")
        XCTAssertEqual(FormFields(urlEncoded: "")?.pairs.count, 0)
        // At most FormFields.maximumCount fields.
        let many = (0..<FormFields.maximumCount).map { "f\($0)=\($0)" }
        XCTAssertEqual(FormFields(urlEncoded: many.joined(separator: "&"))?.pairs.count, FormFields.maximumCount)
        XCTAssertNil(FormFields(urlEncoded: (many + ["one=more"]).joined(separator: "&")))
    }

    func testEveryTemplateEscapesWhatItShowsAsHTML() async throws {
        XCTAssertEqual(CensusHTML.escape(#"<a href="x">Tom & 'Jerry'</a> é"#),
                       "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt; é")
        XCTAssertEqual(CensusHTML.escape("Siân Jones"), "Siân Jones")
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/CollectionServer/Resources/Templates")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("{{% CONTENT_TYPE: CENSUS_HTML}}"), "\(name) must name the content type first")
        }
        let templates = try await Templates.load()
        let html = try templates.render("message", ["lang": "en", "title": "T", "heading": "<script>alert('x')</script>",
                                                    "paragraphs": ["Tom & \"Jerry\""]])
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), html)
        XCTAssertTrue(html.contains("Tom &amp; &quot;Jerry&quot;"), html)
        XCTAssertFalse(html.contains("<script>"))
    }
}
