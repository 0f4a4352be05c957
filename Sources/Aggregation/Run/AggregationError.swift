import Foundation

/// Why an aggregation, or a verification of its output, could not be done. Each case carries
/// the facts; the command line words the remedy.
public enum AggregationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Stored versions name a questionnaire schema the run was not given (its compiled JSON is
    /// needed to read their answers): the hashes, and where the run looked.
    case schemaNotGiven(hashes: [String], searched: [String])
    /// Two schemas declare the same variable with different types, so one column cannot hold it.
    case incompatibleSchemas(variable: String, table: String, first: String, second: String)
    /// A variable name of the form clashes with a column the export adds itself.
    case columnClash(table: String, column: String)
    /// A tabulation definition names something the form does not have, or cannot be tabulated.
    case invalidTableDefinition(table: String, reason: String)
    /// The expected-rates file or the table-definitions file cannot be used.
    case invalidInput(path: String, reason: String)
    /// A shard cannot be read (missing, corrupt): aggregating without it would under-count.
    case shardUnavailable(shard: Int, reason: String)
    /// The address frame cannot be read.
    case frameUnavailable(path: String, reason: String)
    /// A stored body could not be read as a response to its schema.
    case unreadableResponse(household: String, receipt: String)
    /// libdeflate or zlib failed, or gzip data is damaged.
    case compression(String)
    /// The output directory cannot be used (written by something else, locked by another run).
    case output(path: String, reason: String)
    /// Writing a file failed (disk full, permissions).
    case write(path: String, reason: String)
    /// The previous run's state does not match its outputs.
    case state(path: String, reason: String)

    /// One line saying what went wrong and where, as `census aggregate` prints it.
    public var description: String {
        switch self {
        case .schemaNotGiven(let hashes, let searched):
            // A shard worker meets an unknown hash without knowing where the run looked.
            let looked = searched.isEmpty ? "" : " (looked in \(searched.joined(separator: ", ")))"
            return "stored responses answer questionnaire schema\(hashes.count == 1 ? "" : "s") \(hashes.joined(separator: ", ")), not among the schemas given\(looked)"
        case .incompatibleSchemas(let variable, let table, let first, let second):
            return "variable \(variable) of \(table) is \(first) in one schema and \(second) in another: one export column cannot hold both"
        case .columnClash(let table, let column):
            return "the form's variable \(column) in \(table) has the name of a column the export adds itself"
        case .invalidTableDefinition(let table, let reason):
            return "table \(table): \(reason)"
        case .invalidInput(let path, let reason):
            return Self.naming(path, reason)
        case .shardUnavailable(let shard, let reason):
            return "shard \(shard) cannot be read: \(reason)"
        case .frameUnavailable(let path, let reason):
            return "the address frame \(path) cannot be read: \(reason)"
        case .unreadableResponse(let household, let receipt):
            return "the stored response \(receipt) of household \(household) cannot be read as a response to its schema"
        case .compression(let reason):
            return "compression: \(reason)"
        case .output(let path, let reason):
            return Self.naming(path, reason)
        case .write(let path, let reason):
            return Self.naming(path, reason, saying: "cannot write ")
        case .state(let path, let reason):
            return Self.naming(path, reason)
        }
    }

    /// `what` and the path before the reason, or the reason alone when it names the path
    /// itself: a DurableFiles or store error already says "cannot write PATH: No space left on
    /// device", "no store manifest at PATH/manifest.json", and the path is said once.
    private static func naming(_ path: String, _ reason: String, saying what: String = "") -> String {
        path.count > 1 && reason.contains(path) ? reason : "\(what)\(path): \(reason)"
    }
}
