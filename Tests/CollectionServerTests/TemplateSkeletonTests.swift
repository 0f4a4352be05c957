import Foundation
import NIOCore
import XCTest
@testable import CollectionServer

/// Pages from skeletons (``TemplateSkeletons``) are the bytes swift-mustache gives for the
/// same view, whatever the strings hold, and a skeleton serves only views of its own shape.
/// (A debug build also checks every page the router tests serve against swift-mustache's own
/// render: ``Templates/page(_:_:status:)``.)
final class TemplateSkeletonTests: XCTestCase {
    /// Strings that could confuse a fill: markup to escape, line breaks, Welsh, empty.
    let awkward = ["Tom & \"Jerry\" <b>'x'</b>", "line one\nline two\r\n", "Siân Jones – Ŵyn", "", "0", "{{label}}", "a\u{1}0'\u{2}b"]

    func page(_ label: String, checked: Bool, error: String?, csrf: String) -> [String: Any] {
        let options = [
            OptionView(id: "q", name: "q", value: "here", label: label, checked: checked, multiple: true),
            OptionView(id: "q-elsewhere", name: "q", value: "elsewhere", label: "Elsewhere " + label, checked: false, multiple: true,
                       description: label, descriptionID: "q-elsewhere-description",
                       specify: SpecifyView(id: "q-elsewhere-detail", name: "q-elsewhere-detail", label: "Which?", value: label, isNumber: false)),
            OptionView(id: "q-none", name: "q", value: "none", label: "None", checked: !checked, multiple: true, divider: "or"),
        ]
        var field: [String: Any] = ["id": "q", "name": "q", "label": label, "asHeading": false, "isInput": false, "isTextarea": false,
                                    "isFieldset": true, "isDate": false, "isAddress": false, "isChoice": true, "multiple": true,
                                    "options": options, "errorPrefix": "Error:", "hintBlock": ["id": "q-hint", "items": [label, "Select all"]]]
        if let error { field["error"] = error }
        var view: [String: Any] = ["lang": "en", "title": label, "hasErrors": error != nil, "serviceName": "Census", "skipToContent": "Skip",
                                   "errorTitlePrefix": "Error: ", "footer": "Saved", "csrf": csrf, "action": "/form/page/q",
                                   "button": "Save and continue", "fields": [field], "notices": [[String: Any]](),
                                   "backLink": ["href": "/form/page/p?x=1&y=2", "text": "Back"],
                                   "signOut": ["csrf": csrf, "text": "Sign out", "href": "/sign-out"], "count": 3]
        if !label.isEmpty { view["caption"] = label }
        if let error { view["errorSummary"] = ["title": "There is a problem", "items": [["href": "#q", "text": error]]] }
        return view
    }

    func testSkeletonPagesAreSwiftMustachesBytes() async throws {
        let templates = try await Templates.load()
        let skeletons = TemplateSkeletons()
        for label in awkward {
            for checked in [false, true] {
                for error in [nil, "Choose & <one>"] {
                    for csrf in ["tok-1", "tok/2+=="] {
                        let view = page(label, checked: checked, error: error, csrf: csrf)
                        let direct = try templates.render("page", view)
                        let filled = try XCTUnwrap(skeletons.render("page", view, library: templates.library))
                        XCTAssertEqual(String(buffer: filled), direct, "label \(label.debugDescription), checked \(checked), error \(error ?? "none")")
                    }
                }
            }
        }
        // Shapes: an empty label (no caption; empty strings are part of the shape), checked or
        // not, with or without an error: not one skeleton per label or token.
        XCTAssertEqual(skeletons.count, 2 * 2 * 2, "one skeleton per shape, whatever the strings")
    }

    func testEveryTemplateRendersFromSkeletonsAsItself() async throws {
        let templates = try await Templates.load()
        let skeletons = TemplateSkeletons()
        let view: [String: Any] = ["lang": "cy", "title": "T & t", "heading": "<h>", "paragraphs": ["a", "b & c"], "csrf": "x'y",
                                   "action": ["href": "/a?b=c", "text": "Go"], "items": [["text": "i", "href": "/i"]], "fields": [[String: Any]]()]
        for name in ["message", "start", "language", "sign-in", "done", "check-answers", "roster-list", "page"] {
            let direct = try templates.render(name, view)
            let filled = try XCTUnwrap(skeletons.render(name, view, library: templates.library))
            XCTAssertEqual(String(buffer: filled), direct, name)
        }
    }

    func testAViewOfAnUnknownTypeIsRenderedDirectly() async throws {
        let templates = try await Templates.load()
        let skeletons = TemplateSkeletons()
        let view: [String: Any] = ["lang": "en", "title": 2.5, "heading": "H", "paragraphs": ["p"]]
        let filled = try XCTUnwrap(skeletons.render("message", view, library: templates.library))
        XCTAssertEqual(String(buffer: filled), try templates.render("message", view))
        XCTAssertEqual(skeletons.count, 0, "no skeleton for a shape the walk cannot read")
    }

    func testSkeletonsAreBounded() async throws {
        let templates = try await Templates.load()
        let skeletons = TemplateSkeletons(limit: 4)
        for n in 0..<20 {
            let view: [String: Any] = ["lang": "en", "title": "T", "heading": "H", "paragraphs": Array(repeating: "p", count: n)]
            let filled = try XCTUnwrap(skeletons.render("message", view, library: templates.library))
            XCTAssertEqual(String(buffer: filled), try templates.render("message", view))
        }
        XCTAssertLessThanOrEqual(skeletons.count, 4)
    }

    func testMarkersAreReadBackOrRefused() throws {
        let text = "<p>\u{1}0&#39;\u{2}</p><a href=\"\u{1}1'\u{2}\">\u{1}0&#39;\u{2}</a>"
        let skeleton = try XCTUnwrap(TemplateSkeletons.skeleton(of: text, holes: 2))
        XCTAssertEqual(skeleton.holes.map(\.value), [0, 1, 0])
        XCTAssertEqual(skeleton.holes.map(\.escaped), [true, false, true])
        let filled = try XCTUnwrap(TemplateSkeletons.fill(skeleton, ["<x>", "a&b"]))
        XCTAssertEqual(String(buffer: filled), "<p>&lt;x&gt;</p><a href=\"a&b\">&lt;x&gt;</a>")
        for bad in ["\u{1}5'\u{2}", "\u{1}'\u{2}", "\u{1}0\u{2}", "\u{1}0'", "x\u{2}", "\u{1}0&#3\u{2}"] {
            XCTAssertNil(TemplateSkeletons.skeleton(of: bad, holes: 2), bad.debugDescription)
        }
    }

    /// Skeletons rely on swift-mustache reading a string only as text or as a section that is
    /// there: no template may use transforms (`{{lowercased(x)}}`) or dotted names, which would
    /// read a string's text otherwise. Unescaped output (`{{{x}}}`, `{{&x}}`) is text too: its
    /// marker keeps a bare apostrophe, so its hole is filled unescaped
    /// (``testMarkersAreReadBackOrRefused()``; the keying page's pre-drawn sections use it).
    func testTemplatesReadStringsOnlyAsTextOrPresence() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/CollectionServer/Resources/Templates")
        let tag = try NSRegularExpression(pattern: #"\{\{([^}]*)\}\}"#)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for match in tag.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let range = Range(match.range(at: 1), in: text) else { continue }
                let inner = text[range]
                if inner.hasPrefix("%") || inner.hasPrefix("!") || inner == "." { continue }
                let name2 = inner.drop { "#^/>$<{&".contains($0) }.trimmingCharacters(in: .whitespaces)
                XCTAssertFalse(name2.contains("(") || name2.contains("."), "\(name): {{\(inner)}} reads a string's text")
            }
        }
    }
}
