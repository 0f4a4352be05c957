#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Compiler {
    /// Reads the data files of the form at `formPath` (suggestion lists): a path written in the
    /// form is relative to the form's folder and must stay inside it (no absolute paths, no `..`),
    /// so that compiling a form never reads files that are not part of it.
    ///
    /// ```swift
    /// let result = Compiler.compile(file, loadFile: Compiler.files(besides: "questionnaires/census-household.census"))
    /// ```
    public static func files(besides formPath: String) -> FileLoader {
        let folder: String
        if let slash = formPath.lastIndex(of: "/") { folder = String(formPath[...slash]) } else { folder = "" }
        return { relative in
            guard !relative.isEmpty, !relative.hasPrefix("/"),
                !relative.split(separator: "/").contains(where: { $0 == ".." })
            else { return nil }
            return readWholeFile(folder + relative)
        }
    }

    /// The bytes of a regular file of at most ``maximumSourceBytes``, or `nil`.
    static func readWholeFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) <= maximumSourceBytes else { return nil }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > maximumSourceBytes { return nil }
        }
        return bytes
    }
}
