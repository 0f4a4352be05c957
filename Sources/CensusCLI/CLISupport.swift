import Foundation
import Questionnaire

/// Reading files and schemas for the subcommands.
enum CLIFiles {
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read \(path)")
        }
        return Array(data)
    }

    static func schema(_ path: String) throws -> Schema {
        do { return try Schema(jsonBytes: try read(path)) } catch let e as SchemaError {
            throw CLIError("\(path): \(e.message)")
        }
    }

    static func evaluator(_ path: String) throws -> Evaluator {
        let schema = try schema(path)
        do { return try Evaluator(schema: schema) } catch { throw CLIError("\(path): \(error)") }
    }

    /// Writes to stdout through a buffer (NDJSON streams are large).
    final class Output {
        var buffer: [UInt8] = []
        let handle: FileHandle
        init(path: String? = nil) throws {
            if let path, path != "-" {
                guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                    throw CLIError("cannot write \(path)")
                }
                handle = h
            } else {
                handle = FileHandle.standardOutput
            }
            buffer.reserveCapacity(1 << 16)
        }
        func write(_ s: String) { buffer.append(contentsOf: s.utf8); if buffer.count > 1 << 16 { flush() } }
        func write(bytes: [UInt8]) { buffer.append(contentsOf: bytes); if buffer.count > 1 << 16 { flush() } }
        func flush() {
            if !buffer.isEmpty { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
        }
    }
}

/// "1 error", "2 errors".
func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
