import ArgumentParser
import Foundation
import Logging

/// `--log-format` and `--log-level` of the serving commands.
struct ServerLogOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// One JSON object per line (for log collectors).
        case json
        /// swift-log's plain lines (for a terminal).
        case text
    }

    @Option(help: "Log lines as json (one object per line, the default) or text.")
    var logFormat: Format = .json
    @Option(help: "The least severe level logged: trace, debug, info (one line per request, the default), notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// The server's logger: on standard error, in the chosen format, from the chosen level.
    func logger(label: String = "census.server") -> Logger {
        var logger: Logger
        switch logFormat {
        case .json: logger = Logger(label: label) { JSONLogHandler(label: $0) }
        case .text: logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        }
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A swift-log handler that writes one JSON object per line on standard error:
/// `{"time": "2021-03-21T10:05:00.123Z", "level": "info", "logger": "census.server",
/// "message": "request", "request_id": "…", "route": "/api/v1/responses", "status": 201, …}`.
///
/// Metadata keys become members (the handler's own keys win over the logger's); strings stay
/// strings, nested metadata becomes nested JSON. Each line is one `write(2)`, so lines from
/// many threads never interleave.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: Any] = [:]
        for (key, value) in metadata { object[key] = Self.json(value) }
        if let extra = event.metadata { for (key, value) in extra { object[key] = Self.json(value) } }
        object["time"] = Self.timestamp()
        object["level"] = event.level.rawValue
        object["logger"] = label
        object["message"] = "\(event.message)"
        if event.level >= .error { object["source"] = "\(event.file.split(separator: "/").last ?? ""):\(event.line)" }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(10)
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(2, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c):
            if let i = c as? Int { return i }
            if let d = c as? Double { return d }
            if let b = c as? Bool { return b }
            return c.description
        case .dictionary(let d): return d.mapValues(json)
        case .array(let a): return a.map(json)
        }
    }

    static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}
