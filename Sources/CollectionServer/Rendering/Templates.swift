import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// The household pages' Mustache templates and static assets, loaded once from the module's
/// resources (`Resources/Templates`, `Resources/Assets`).
struct Templates: Sendable {
    let library: MustacheLibrary
    /// Each template's output per shape of view, filled in per request.
    let skeletons = TemplateSkeletons()
    /// Static files by name (`census.css`), with their media type.
    let assets: [String: (bytes: [UInt8], contentType: String)]

    static func load() async throws -> Templates {
        guard let root = Bundle.module.resourceURL else { throw ServerStartError.resourcesMissing(Bundle.module.bundlePath) }
        let templates = root.appendingPathComponent("Templates")
        // Before the templates are read: each names it (`{{% CONTENT_TYPE: CENSUS_HTML}}`).
        MustacheContentTypes.register(CensusHTML(), named: CensusHTML.name)
        let library: MustacheLibrary
        do {
            library = try await MustacheLibrary(directory: templates.path)
        } catch {
            throw ServerStartError.resourcesMissing("\(templates.path): \(error)")
        }
        var assets: [String: (bytes: [UInt8], contentType: String)] = [:]
        let assetDirectory = root.appendingPathComponent("Assets")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: assetDirectory.path)) ?? [] {
            guard let data = FileManager.default.contents(atPath: assetDirectory.appendingPathComponent(name).path) else { continue }
            let type: String
            switch (name as NSString).pathExtension {
            case "css": type = "text/css; charset=utf-8"
            case "svg": type = "image/svg+xml"
            case "png": type = "image/png"
            case "ico": type = "image/x-icon"
            default: type = "application/octet-stream"
            }
            assets[name] = ([UInt8](data), type)
        }
        guard library.getTemplate(named: "layout") != nil, assets["census.css"] != nil else {
            throw ServerStartError.resourcesMissing(root.path)
        }
        return Templates(library: library, assets: assets)
    }

    /// An HTML response (`text/html; charset=utf-8`) of template `name` rendered with `view`,
    /// from the skeleton of the view's shape (``TemplateSkeletons``).
    ///
    /// A debug build (the tests) also renders every page with swift-mustache directly and
    /// answers 500, naming the first difference, if the two are not the same bytes.
    func page(_ name: String, _ view: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        guard let body = skeletons.render(name, view, library: library) else {
            throw HTTPError(.internalServerError, message: "template \(name) is missing")
        }
        #if DEBUG
        let direct = try render(name, view)
        let filled = String(buffer: body)
        if filled != direct {
            let at = zip(filled.utf8, direct.utf8).prefix { $0 == $1 }.count
            throw HTTPError(.internalServerError, message: "template \(name): the skeleton's page differs from swift-mustache's at byte \(at): "
                + "\(String(decoding: Array(filled.utf8.dropFirst(max(0, at - 40)).prefix(80)), as: UTF8.self)) | "
                + "\(String(decoding: Array(direct.utf8.dropFirst(max(0, at - 40)).prefix(80)), as: UTF8.self))")
        }
        #endif
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// Renders template `name` with `view`; a template that cannot render is a bug, reported
    /// as a server error (500) rather than an empty page.
    func render(_ name: String, _ view: [String: Any]) throws -> String {
        guard let html = library.render(view, withTemplate: name) else {
            throw HTTPError(.internalServerError, message: "template \(name) is missing")
        }
        return html
    }
}

/// How the templates escape what they show (`{{name}}`), named by the pragma
/// `{{% CONTENT_TYPE: CENSUS_HTML}}` at the top of every template: the five characters
/// swift-mustache's own HTML type escapes (`< > & " '`), the same way, in one pass over the
/// UTF-8 bytes, and the text itself when it has none of them (nearly every label). The
/// library's own goes character by character through a dictionary: in the profile of a page
/// request (BENCHMARKS.md, "Where a request's CPU goes") it was a quarter of the rendering's
/// 21%, 5% of the request; hence this hand-written pass.
struct CensusHTML: MustacheContentType {
    static let name = "CENSUS_HTML"

    func escapeText(_ text: String) -> String {
        Self.escape(text)
    }

    /// `text` HTML-escaped (as ``escape(_:)``) onto the end of `buffer`.
    static func escape(_ text: String, into buffer: inout ByteBuffer) {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else {
            buffer.writeString(text)
            return
        }
        for c in utf8 {
            switch c {
            case 0x3C: buffer.writeStaticString("&lt;")
            case 0x3E: buffer.writeStaticString("&gt;")
            case 0x26: buffer.writeStaticString("&amp;")
            case 0x22: buffer.writeStaticString("&quot;")
            case 0x27: buffer.writeStaticString("&#39;")
            default: buffer.writeInteger(c)
            }
        }
    }

    static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        for c in utf8 {
            switch c {
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x22: out.append(contentsOf: "&quot;".utf8)
            case 0x27: out.append(contentsOf: "&#39;".utf8)
            default: out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Why the server could not start; each says what to do.
public enum ServerStartError: Error, CustomStringConvertible {
    /// The templates and assets bundled with the module are not where SwiftPM put them
    /// (the path looked in, or the template library's error).
    case resourcesMissing(String)
    /// The compiled schema (`--schema`) cannot be read or decoded: `reason` is the system's
    /// reason or the reader's message, and what to do.
    case schemaUnreadable(path: String, reason: String)
    /// The store directory (`--dir`) has no readable manifest or its shards cannot be opened.
    case storeUnavailable(path: String, reason: String)
    /// The address frame (`frame.sqlite` in the store directory) is missing or unreadable.
    case frameUnavailable(path: String, reason: String)
    /// The store does not accept the schema's hash (`census store accept-schema`).
    case schemaNotAccepted(hash: String, accepted: [String])
    /// The access-code secret is not the one the frame's codes were keyed with (the message says which).
    case secretMismatch(String)

    /// What is wrong and what to do, as `census serve` prints it before exiting.
    public var description: String {
        switch self {
        case .resourcesMissing(let path):
            return "the server's templates and assets are missing (\(path)); run the `census` binary from its build directory, where SwiftPM puts its resource bundle beside it"
        case .schemaUnreadable(let path, let reason):
            return "cannot use the schema \(path): \(reason)"
        case .storeUnavailable(let path, let reason):
            return "cannot open the store in \(path): \(reason)"
        case .frameUnavailable(let path, let reason):
            return "cannot open the address frame \(path): \(reason). A store directory for `census serve` holds frame.sqlite (`census frame generate` or `census frame import`) and the shards (`census store init`)"
        case .schemaNotAccepted(let hash, let accepted):
            return "the store does not accept schema \(hash) (it accepts \(accepted.joined(separator: ", "))). Accept it with `census store accept-schema --dir DIR \(hash)`, or serve the schema the store was made for"
        case .secretMismatch(let reason):
            return reason
        }
    }
}
