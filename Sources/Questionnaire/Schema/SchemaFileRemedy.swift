extension Schema {
    /// What to do about a file given as a compiled schema that did not read as one, to follow
    /// the reader's message: `"; this is a questionnaire source: compile it first (census
    /// compile F.census -o F.json) and pass --schema F.json"` for a `.census` source (the
    /// commonest slip), else `"; is it a schema written by `census compile`?"`, or `""` when
    /// `message` already speaks of compiling. Every command that reads `--schema` (and the
    /// server) says it this way.
    ///
    /// It never proposes compiling *to* `path` when a file is there: that file (a response
    /// file, say) may be one the user keeps.
    public static func remedy(forFile path: String, message: String) -> String {
        if path.hasSuffix(".census") {
            let json = String(path.dropLast(".census".count)) + ".json"
            return "; this is a questionnaire source: compile it first (census compile \(path) -o \(json)) and pass --schema \(json)"
        }
        return message.contains("compile") ? "" : "; is it a schema written by `census compile FORM.census -o SCHEMA.json`?"
    }
}
