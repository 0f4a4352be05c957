import Questionnaire

/// Compiles questionnaire sources to schemas.
///
/// ```swift
/// let result = Compiler.compile(SourceFile(name: "form.census", text: source))
/// if result.hasErrors { print(result.render()) } else { write(result.schema!.canonicalBytes()) }
/// ```
public enum Compiler {
    /// Reads a data file the form names (a suggestion list), given the path as written in the
    /// form (relative to the form's folder); `nil` when it cannot be read.
    public typealias FileLoader = @Sendable (String) -> [UInt8]?

    /// What ``compile(_:loadFile:)`` found: the schema when there are no errors, and every
    /// diagnostic (errors and warnings, each with a file:line:column span) either way.
    public struct Result: Sendable {
        /// The source compiled, for rendering diagnostics with their lines.
        public var file: SourceFile
        /// The compiled schema; `nil` when the source has errors.
        public var schema: Schema?
        /// Every problem found, in source order.
        public var diagnostics: [Diagnostic]

        /// True when at least one diagnostic is an error (then ``schema`` is `nil`).
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

        /// The diagnostics as people read them.
        public func render() -> String {
            let renderer = DiagnosticRenderer(file: file)
            return diagnostics.map(renderer.human).joined(separator: "\n")
        }
    }

    /// The largest source accepted; a census form is a few hundred kilobytes at most.
    public static let maximumSourceBytes = 64 * 1024 * 1024

    /// A string left open swallows the rest of its line, so everything else reported on that
    /// line is an echo of it (a quote missing in `"Rooms? cy "Ystafelloedd"` misreads the line).
    static func withoutEchoesOfUnclosedStrings(_ diagnostics: [Diagnostic], _ file: SourceFile) -> [Diagnostic] {
        let lines = Set(diagnostics.filter { $0.message == Lexer.unclosedString }.map { file.location(of: $0.span.start).line })
        guard !lines.isEmpty else { return diagnostics }
        return diagnostics.filter { $0.message == Lexer.unclosedString || !lines.contains(file.location(of: $0.span.start).line) }
    }

    /// Checks `file` and, when it has no errors, compiles it.
    ///
    /// - Parameters:
    ///   - file: the source.
    ///   - loadFile: reads the data files the form names (`suggestions countries "suggestions/countries.en.txt"`),
    ///     by the path written in the form; without it such a form reports each file as missing.
    /// - Returns: the diagnostics, in source order, and the schema when there is no error.
    public static func compile(_ file: SourceFile, loadFile: FileLoader? = nil) -> Result {
        var diagnostics: [Diagnostic] = []
        if let offset = file.firstInvalidUTF8Offset {
            diagnostics.append(
                Diagnostic(code: "invalid-utf8", "the file is not valid UTF-8 text", at: Span(offset, offset + 1),
                    hint: "save the file as UTF-8; invalid bytes were replaced so the rest could be checked"))
        }
        if file.bytes.count > maximumSourceBytes {
            diagnostics.append(Diagnostic(code: "too-large", "the file is larger than \(maximumSourceBytes / 1024 / 1024) MB", at: Span(0, 1)))
            return Result(file: file, schema: nil, diagnostics: diagnostics)
        }
        let (tree, syntax) = Parser.parse(file)
        diagnostics += syntax
        guard let tree else { return Result(file: file, schema: nil, diagnostics: diagnostics) }
        let checker = Checker(file: file, tree: tree, loadFile: loadFile)
        let schema = checker.run()
        // Semantic checks on a tree with syntax errors repeat them; keep only the first kind
        // when the parse failed badly.
        if syntax.count < Parser.maximumSyntaxErrors { diagnostics += checker.diagnostics }
        for (declaration, use) in checker.hyphenatedUses {
            guard let index = diagnostics.firstIndex(where: { $0.code == "syntax" && $0.span == declaration }) else { continue }
            diagnostics[index].notes.append(.init("also written here", at: use))
        }
        diagnostics = withoutEchoesOfUnclosedStrings(diagnostics, file)
        diagnostics.sort { ($0.span.start, $0.span.end) < ($1.span.start, $1.span.end) }
        let hasErrors = diagnostics.contains { $0.severity == .error }
        return Result(file: file, schema: hasErrors ? nil : schema, diagnostics: diagnostics)
    }
}
