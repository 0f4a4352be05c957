import Questionnaire

/// A problem found in a questionnaire source, with where it is, what it is and how to fix it.
public struct Diagnostic: Sendable, Hashable {
    /// Whether the diagnostic stops compilation.
    public enum Severity: String, Sendable, Hashable {
        /// `error`: no schema is produced; `warning`: the form compiles, but `census check` fails on it.
        case error, warning
    }

    /// Error or warning.
    public var severity: Severity
    /// A stable, kebab-case code (`undefined-name`), for editors, CI and the docs.
    public var code: String
    /// One line saying what is wrong.
    public var message: String
    /// The bytes of the source the problem is at; rendered as `file:line:column` and a caret line.
    public var span: Span
    /// How to fix it, when there is something useful to say.
    public var hint: String?
    /// Related places ("first declared here").
    public var notes: [Note]

    /// A second place that explains the first ("first declared here").
    public struct Note: Sendable, Hashable {
        /// What the place is ("first declared here").
        public var message: String
        /// Where it is in the same source file.
        public var span: Span
        /// Makes a note about `span`.
        public init(_ message: String, at span: Span) {
            self.message = message
            self.span = span
        }
    }

    /// Makes a diagnostic; an error unless `severity` says otherwise.
    ///
    /// ```swift
    /// Diagnostic(code: "undefined-name", "there is no function called 'yaers_between'", at: span, hint: "did you mean 'years_between'?")
    /// ```
    public init(_ severity: Severity = .error, code: String, _ message: String, at span: Span, hint: String? = nil, notes: [Note] = []) {
        self.severity = severity
        self.code = code
        self.message = message
        self.span = span
        self.hint = hint
        self.notes = notes
    }
}

/// Turns diagnostics into text for people or JSON for tools.
public struct DiagnosticRenderer {
    /// The source the diagnostics' spans point into.
    public let file: SourceFile

    /// A renderer for diagnostics of `file`.
    public init(file: SourceFile) { self.file = file }

    /// `file:line:column: error: message`, the source line with a caret under the problem, and the hint.
    public func human(_ d: Diagnostic) -> String {
        let (line, column) = file.location(of: d.span.start)
        var out = "\(file.name):\(line):\(column): \(d.severity.rawValue): \(d.message) [\(d.code)]\n"
        out += excerpt(line: line, column: column, span: d.span)
        if let hint = d.hint { out += "   = hint: \(hint)\n" }
        for note in d.notes {
            let (nl, nc) = file.location(of: note.span.start)
            out += "   = note: \(file.name):\(nl):\(nc): \(note.message)\n"
        }
        return out
    }

    func excerpt(line: Int, column: Int, span: Span) -> String {
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        let (endLine, endColumn) = file.location(of: max(span.start, span.end))
        let lineLength = file.lineLength(line)
        var width = endLine == line ? endColumn - column : lineLength - column + 1
        width = max(1, min(width, max(1, lineLength - column + 1)))
        let shown: String
        var caretColumn = column
        if lineLength > 160 {
            // Very long lines (generated or binary input) are cut around the caret.
            let part = file.window(around: span.start, before: 59, length: 120)
            let cutBefore = part.startColumn > 1
            shown = (cutBefore ? "..." : "") + part.text.replacingTabs() + (part.endColumn <= lineLength ? "..." : "")
            caretColumn = column - part.startColumn + 1 + (cutBefore ? 3 : 0)
            width = min(width, 120)
        } else {
            shown = file.lineText(line).replacingTabs()
        }
        return "\(pad) |\n\(gutter) | \(shown)\n\(pad) | \(String(repeating: " ", count: max(0, caretColumn - 1)))\(String(repeating: "^", count: width))\n"
    }

    /// `{"file", "line", "column", "endLine", "endColumn", "severity", "code", "message"}` plus
    /// `hint` and `notes` when present; lines and columns 1-based, columns in Unicode scalars: what
    /// `census check --format json` prints.
    public func json(_ d: Diagnostic) -> JSONValue {
        let (line, column) = file.location(of: d.span.start)
        let (endLine, endColumn) = file.location(of: max(d.span.start, d.span.end))
        var o: [String: JSONValue] = [
            "file": .string(file.name), "line": .integer(line), "column": .integer(column),
            "endLine": .integer(endLine), "endColumn": .integer(endColumn),
            "severity": .string(d.severity.rawValue), "code": .string(d.code), "message": .string(d.message),
        ]
        if let hint = d.hint { o["hint"] = .string(hint) }
        if !d.notes.isEmpty {
            o["notes"] = .array(d.notes.map { note in
                let (nl, nc) = file.location(of: note.span.start)
                return .object(["message": .string(note.message), "line": .integer(nl), "column": .integer(nc)])
            })
        }
        return .object(o)
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        String(unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
    }
}
