import Foundation
import Hummingbird
import Mustache

/// The household pages' Mustache templates and static assets, loaded once from the module's
/// resources (`Resources/Templates`, `Resources/Assets`).
struct Templates: Sendable {
    let library: MustacheLibrary
    /// Static files by name (`census.css`), with their media type.
    let assets: [String: (bytes: [UInt8], contentType: String)]

    static func load() async throws -> Templates {
        guard let root = Bundle.module.resourceURL else { throw ServerStartError.resourcesMissing(Bundle.module.bundlePath) }
        let templates = root.appendingPathComponent("Templates")
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

    /// Renders template `name` with `view`; a template that cannot render is a bug, reported
    /// as a server error (500) rather than an empty page.
    func render(_ name: String, _ view: [String: Any]) throws -> String {
        guard let html = library.render(view, withTemplate: name) else {
            throw HTTPError(.internalServerError, message: "template \(name) is missing")
        }
        return html
    }
}

/// Why the server could not start; each says what to do.
public enum ServerStartError: Error, CustomStringConvertible {
    case resourcesMissing(String)
    case schemaUnreadable(path: String, reason: String)
    case storeUnavailable(path: String, reason: String)
    case frameUnavailable(path: String, reason: String)
    case schemaNotAccepted(hash: String, accepted: [String])
    case secretMismatch(String)

    public var description: String {
        switch self {
        case .resourcesMissing(let path):
            return "the server's templates and assets are missing (\(path)); run the `census` binary from its build directory, where SwiftPM puts its resource bundle beside it"
        case .schemaUnreadable(let path, let reason):
            return "cannot use the schema \(path): \(reason). Compile the form with `census compile FORM.census -o \(path)`"
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
