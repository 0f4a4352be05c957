import AddressFrame
import CensusCommandLine
import DurableFiles
import Foundation
import Questionnaire
import SystemReasons
import UnfinishedOutput

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading files and schemas for the subcommands.
enum CLIFiles {
    /// The bytes of a file ("-" for standard input); errors name `what`, the path and the system's reason.
    static func read(_ path: String, what: String) throws -> [UInt8] {
        try readInputFile(path, what: what)
    }

    static func schema(_ path: String) throws -> Schema {
        let bytes = try read(path, what: "the schema file")
        do { return try Schema(jsonBytes: bytes) } catch let e {
            // Say what to do as well: every way out is to compile the form (again).
            let remedy = Schema.remedy(forFile: path, message: e.message)
            throw CLIError("\(path): \(e.message)\(remedy)")
        }
    }

    static func evaluator(_ path: String) throws -> Evaluator {
        let schema = try schema(path)
        do { return try Evaluator(schema: schema) } catch { throw CLIError("\(path): \(error)") }
    }

    /// Buffered output to standard output, or to a file that appears only when complete: it is
    /// written beside its final name and renamed by ``commit()``; a run that fails before then
    /// leaves no partial file behind (the temporary file is removed when the output is dropped).
    final class Output {
        var buffer: [UInt8] = []
        private let fd: Int32
        private let path: String?
        private let temporary: String?
        private var failure: String?
        private var committed = false
        nonisolated(unsafe) private static var serial = 0

        init(path: String? = nil) throws {
            if path?.isEmpty == true { throw CLIError("an output file name is empty: give a file name, or - for standard output") }
            guard let path, path != "-" else {
                (fd, self.path, temporary) = (1, nil, nil)
                buffer.reserveCapacity(1 << 16)
                return
            }
            var info = stat()
            if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                throw CLIError("cannot write \(path): it is a directory; give a file name")
            }
            // Devices and pipes (/dev/null, /dev/stdout) are written in place.
            let inPlace = stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
            // Unique per output: two outputs of one run must not share a temporary file.
            Output.serial += 1
            let target = inPlace ? path : path + ".tmp-\(getpid())-\(Output.serial)"
            if !inPlace { Interruption.register(target) }
            let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else {
                let reason = CreationFailure.explain(path, errno: errno, doing: inPlace ? "opening it" : "creating \(target)")
                Interruption.unregister(target)
                throw CLIError("cannot write \(path): \(reason)")
            }
            (self.fd, self.path, temporary) = (fd, path, inPlace ? nil : target)
            buffer.reserveCapacity(1 << 16)
        }

        deinit {
            if fd != 1 { close(fd) }
            if !committed, let temporary { unlink(temporary) }
            if let temporary { Interruption.unregister(temporary) }
        }

        func write(_ s: String) { buffer.append(contentsOf: s.utf8); if buffer.count > 1 << 16 { flush() } }
        func write(bytes: [UInt8]) { buffer.append(contentsOf: bytes); if buffer.count > 1 << 16 { flush() } }

        func flush() {
            if failure == nil {
                do { try DurableFile.writeAll(buffer, to: fd, path: path ?? "standard output") } catch let e as FileSystemError {
                    if fd == 1 && e.code == EPIPE { SignalHandler.outputClosed() }
                    failure = e.reason ?? e.message  // commit() names the file
                } catch {
                    failure = "\(error)"
                }
            }
            buffer.removeAll(keepingCapacity: true)
        }

        /// Flushes and, for a file, puts it in place under its name.
        func commit() throws {
            flush()
            let name = path ?? "standard output"
            if let failure { throw CLIError("cannot write \(name): \(failure)") }
            guard let temporary, let path else { return }
            guard rename(temporary, path) == 0 else {
                throw CLIError("cannot write \(path): \(CreationFailure.explain(path, errno: errno, doing: "renaming \(temporary) to it"))")
            }
            committed = true
        }
    }
}

/// The bytes of a file named on the command line ("-" for standard input), at most `limit` of
/// them, or a one-line error naming the file and the system's reason.
func readInputFile(_ path: String, what: String, limit: Int = FileIO.defaultLimit) throws -> [UInt8] {
    if path.isEmpty { throw CLIError("\(what) is named by an empty string; give a file name (or - for standard input)") }
    do {
        return try FileIO.read(path, limit: limit)
    } catch let e as FileIO.Failure {
        // "cannot read PATH: reason" -> "cannot read WHAT PATH: reason"
        throw CLIError(e.description.replacingOccurrences(of: "cannot read ", with: "cannot read \(what) ", options: .anchored))
    }
}

func frameURL(_ dir: String) -> URL {
    URL(fileURLWithPath: dir).appendingPathComponent(AddressFrame.fileName)
}
