extension Evaluator {
    // MARK: Public entry points

    /// Evaluates a parsed response.
    public func evaluate(_ response: JSONValue, options: EvaluationOptions = EvaluationOptions()) -> Evaluation {
        let run = Run(self, options: options)
        return run.evaluate(response)
    }

    /// Parses and evaluates one response; invalid JSON gives a single `json` finding.
    ///
    /// Clean responses are decoded straight from the bytes (no `JSONValue` tree); anything the
    /// fast reader does not accept is re-read on the general path, with the same result.
    public func evaluate(bytes: some Collection<UInt8>, options: EvaluationOptions = EvaluationOptions()) -> Evaluation {
        let fast: Evaluation? = bytes.withContiguousStorageIfAvailable { buffer in
            let run = Run(self, options: options)
            return run.readFast(buffer) ? run.finish() : nil
        } ?? nil
        if let fast { return fast }
        return evaluateGeneral(bytes: bytes, options: options)
    }

    /// A reusable evaluation context for one thread: evaluating many responses through one
    /// session reuses its working storage (no allocation per response on the fast path).
    public func makeSession(options: EvaluationOptions = EvaluationOptions()) -> EvaluationSession {
        EvaluationSession(self, options: options)
    }

    /// The general path only: strict parse, then evaluation of the tree (for benchmarks and for
    /// tests that compare it with the fast path).
    package func evaluateGeneral(bytes: some Collection<UInt8>, options: EvaluationOptions = EvaluationOptions()) -> Evaluation {
        do {
            let value = try JSONParser.parse(bytes, maximumDepth: JSONParser.maximumResponseDepth)
            return evaluate(value, options: options)
        } catch {
            return Evaluator.notJSON(error)
        }
    }

    static func notJSON(_ error: JSONParser.Error) -> Evaluation {
        let f = Finding(code: "json", severity: .error, path: "$", message: Echo.quoted("not valid JSON: \(error)", maximumCharacters: 200))
        return Evaluation(findings: [f], applicable: [], derived: [], applicableCount: 0, answeredCount: 0)
    }

    /// The ids of the questions, for did-you-mean suggestions.
    func suggestion(for key: String, among candidates: some Sequence<String>) -> String? {
        var best: (String, Int)?
        for c in candidates {
            let d = editDistance(key, c, limit: 3)
            if d <= max(1, min(3, key.count / 3)), best == nil || d < best!.1 || (d == best!.1 && c < best!.0) { best = (c, d) }
        }
        return best?.0
    }
}


/// See ``Evaluator/makeSession(options:)``. Not thread-safe: one per thread.
public final class EvaluationSession {
    /// The evaluator (and so the schema) every response of this session is judged by.
    public let evaluator: Evaluator
    let options: EvaluationOptions
    let run: Run

    init(_ evaluator: Evaluator, options: EvaluationOptions) {
        self.evaluator = evaluator
        self.options = options
        run = Run(evaluator, options: options)
    }

    /// Parses and evaluates one response (UTF-8 JSON) with the session's options, reusing its
    /// working storage; the result equals ``Evaluator/evaluate(bytes:options:)``'s. Never throws:
    /// invalid JSON is one `json` finding.
    ///
    /// ```swift
    /// let session = evaluator.makeSession()
    /// for line in ndjsonLines { let evaluation = session.evaluate(bytes: line) }
    /// ```
    public func evaluate(bytes: some Collection<UInt8>) -> Evaluation {
        let fast: Evaluation? = bytes.withContiguousStorageIfAvailable { buffer in
            run.reset()
            return run.readFast(buffer) ? run.finish() : nil
        } ?? nil
        if let fast { return fast }
        return evaluateGeneral(bytes: bytes)
    }

    /// The general path only (strict parse, then evaluation of the tree), as ``evaluate(bytes:)``
    /// takes it for any response the fast reader does not accept.
    package func evaluateGeneral(bytes: some Collection<UInt8>) -> Evaluation {
        do {
            let value = try JSONParser.parse(bytes, maximumDepth: JSONParser.maximumResponseDepth)
            // The session's run, cleared: its frames' storage is reused.
            run.reset()
            return run.evaluate(value)
        } catch {
            return Evaluator.notJSON(error)
        }
    }

    /// Benchmark hook: only the fast reader (bytes into frames), no routing or findings.
    /// `false` when the response would need the general path.
    package func readOnly(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        run.reset()
        return run.readFast(bytes)
    }
}

/// Levenshtein distance, giving up (returning `limit + 1`) when it exceeds `limit`.
func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
    let x = Array(a.utf8), y = Array(b.utf8)
    if abs(x.count - y.count) > limit { return limit + 1 }
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        var rowMin = current[0]
        for j in 1...y.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            rowMin = Swift.min(rowMin, current[j])
        }
        if rowMin > limit { return limit + 1 }
        swap(&previous, &current)
    }
    return previous[y.count]
}
