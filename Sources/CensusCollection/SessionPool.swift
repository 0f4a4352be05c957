import Foundation
import Questionnaire

/// Evaluation sessions of one form, lent to one caller at a time.
///
/// An ``EvaluationSession`` reuses its working storage between responses, so it must not be
/// used by two threads at once. Server tasks borrow one for the length of an evaluation
/// (microseconds) and give it back; at most `keep` idle sessions are kept.
final class SessionPool: @unchecked Sendable {
    let evaluator: Evaluator
    private let lock = NSLock()
    private var idle: [EvaluationSession] = []
    private let keep: Int

    init(_ evaluator: Evaluator, keep: Int = 32) {
        self.evaluator = evaluator
        self.keep = keep
    }

    func evaluate(_ body: Data) -> Evaluation {
        let session = lock.withLock { idle.popLast() } ?? evaluator.makeSession()
        defer { lock.withLock { if idle.count < keep { idle.append(session) } } }
        return session.evaluate(bytes: body)
    }
}
