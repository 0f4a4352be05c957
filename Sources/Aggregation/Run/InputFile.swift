import DurableFiles
import Foundation

/// Reading a file the person running `census aggregate` names (`--tables`, `--expected`,
/// `--schema`): whole, but never more than a limit, so an input with no end (`/dev/zero`) or a
/// huge file given by mistake is refused with a message instead of filling the memory (and
/// `/dev/zero` was said to be a permission problem).
enum InputFile {
    /// The bytes of `url`: at most `limit`.
    ///
    /// - throws: ``AggregationError/invalidInput(path:reason:)``: the system's reason, or that it
    ///   is larger than the limit.
    static func read(_ url: URL, limit: Int) throws -> Data {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw AggregationError.invalidInput(path: url.path, reason: "cannot read it (\(DurableFile.reason(error)))")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: limit + 1) ?? Data() } catch {
            throw AggregationError.invalidInput(path: url.path, reason: "cannot read it (\(DurableFile.reason(error)))")
        }
        guard data.count <= limit else {
            throw AggregationError.invalidInput(path: url.path, reason: "it is larger than \(limit) bytes, the most it can be")
        }
        return data
    }

    /// The most a table definitions or expected-rates file may hold (16 MiB).
    static let definitionsLimit = 16 << 20
    /// The most a compiled schema given with `--schema` may hold (512 MiB).
    static let schemaLimit = 512 << 20
}
