import DurableFiles
import Foundation
import GRDB

/// What is in a store directory's `shards/` when there is no manifest.
///
/// `store init` writes the shards first and the manifest last, so a run killed in between
/// (SIGKILL, a power cut) left `shards/` without a manifest: re-running said a store already
/// existed, `store check` said there was none, and only a manual `rm` helped (issue 13). A
/// store without a manifest cannot be opened by any writer, so if every file in `shards/` is a
/// shard file holding no response, nothing can have been stored: they are the leftovers of an
/// interrupted `store init`, and the next one removes them. If any holds a response, or is not
/// a shard file, the manifest was lost instead: nothing is touched.
enum StoreLeftovers {
    enum Finding: Equatable {
        /// No `shards/`, or an empty one.
        case none
        /// Shard files without any response: an interrupted `store init`. Their paths.
        case unfinishedInit(files: [String])
        /// Something that must not be removed (responses, or files that are not shards).
        case keep(detail: String)
    }

    static func inspect(_ directory: URL, options: StoreOptions) -> Finding {
        let shards = directory.appendingPathComponent("shards")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: shards.path), !names.isEmpty else { return .none }
        var files: [String] = []
        for name in names.sorted() {
            let path = shards.appendingPathComponent(name).path
            let suffix = ["-wal", "-shm", "-journal"].first { name.hasSuffix($0) } ?? ""
            let base = String(name.dropLast(suffix.count))
            guard base.hasPrefix("shard-"), base.hasSuffix(".sqlite"),
                  base.dropFirst(6).dropLast(7).allSatisfy(\.isNumber), base.count > 13 else {
                return .keep(detail: "\(path), which is not a shard file")
            }
            files.append(path)
            guard suffix.isEmpty else { continue }
            switch SQLiteFileCheck.inspect(path) {
            case .empty, .missing: continue
            case .file: break
            default: return .keep(detail: "\(path), which is not a regular file")
            }
            // Read-only, so that a store whose manifest was lost is left exactly as it is. Only a
            // file with a hot rollback journal (killed while SQLite created it) is opened for
            // writing, to roll it back: it is about to be removed if it holds nothing.
            var config = Configuration()
            config.busyMode = .timeout(options.busyTimeout)
            config.readonly = !FileManager.default.fileExists(atPath: path + "-journal")
            do {
                let queue = try DatabaseQueue(path: path, configuration: config)
                defer { try? queue.close() }
                let versions = try queue.read { db -> Int? in
                    switch try CensusDatabaseKind.identify(db) {
                    case .emptyDatabase: return 0
                    case .responseShard: return try Int.fetchOne(db, sql: "SELECT count(*) FROM response_version") ?? 0
                    default: return nil
                    }
                }
                guard let versions else { return .keep(detail: "\(path), which is not a shard") }
                if versions > 0 { return .keep(detail: "\(path), which holds \(versions) response versions") }
            } catch {
                return .keep(detail: "\(path), which cannot be read (\(error))")
            }
        }
        return .unfinishedInit(files: files)
    }
}
