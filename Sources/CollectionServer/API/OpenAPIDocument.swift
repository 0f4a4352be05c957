import Foundation

/// The API's OpenAPI 3.1 document (`Resources/OpenAPI/openapi.json`), written by hand and held
/// to the handlers by `OpenAPIConformanceTests` (every route and status in it, every status
/// the handlers send, every body against its schema) and by schemathesis in CI.
enum OpenAPIDocument {
    static func load() throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "OpenAPI"),
              let data = FileManager.default.contents(atPath: url.path)
        else { throw ServerStartError.resourcesMissing(Bundle.module.bundlePath + "/OpenAPI/openapi.json") }
        return [UInt8](data)
    }
}
