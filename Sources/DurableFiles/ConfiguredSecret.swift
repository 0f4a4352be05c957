import Foundation

/// A secret configured in the environment, as the deployment's secrets are (the access-code
/// secret, the session key): the bytes of the file named by one variable (trailing newlines
/// removed), else the value of another. Each caller checks the length and words its errors.
package enum ConfiguredSecret {
    package enum Found: Equatable {
        /// The secret's bytes, and where they came from ("file PATH", "environment variable NAME").
        case bytes([UInt8], source: String)
        /// The file variable names a file that cannot be read.
        case unreadableFile(path: String)
        /// Neither variable is set (or both are empty).
        case none
    }

    package static func read(_ environment: [String: String], fileVariable: String, variable: String) -> Found {
        if let path = environment[fileVariable], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path) else { return .unreadableFile(path: path) }
            var bytes = [UInt8](data)
            while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
            return .bytes(bytes, source: "file \(path)")
        }
        if let value = environment[variable], !value.isEmpty {
            return .bytes(Array(value.utf8), source: "environment variable \(variable)")
        }
        return .none
    }
}
