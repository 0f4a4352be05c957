/// What the fast reader needs to read each question's answer, one record per question in plain
/// memory, laid out once per evaluator (``Evaluator/Plan/answerShapes``).
///
/// Records are in the order of ``Evaluator/Plan/scopeQuestionList`` (scope `s`'s question `q` is
/// at that list's start for `s`, plus `q`), so the reader goes from a key's question straight to
/// its record: before, each answer read its question's index in the schema and then up to four
/// plan arrays (tag, choice list, length, UK only), each a bounds check and a load of its own,
/// for every answer of every response.
final class AnswerShapes: @unchecked Sendable {
    struct Shape {
        /// The answer kind's tag (``Evaluator/Plan/qTag``: 0 text, 1 integer, 2 decimal, 3 date,
        /// 4 month_year, 5 one_of, 6 any_of, 7 address).
        var tag: UInt8
        /// Address questions: whether the address must be in the UK.
        var ukOnly: Bool
        /// Text questions: whether the text must match a pattern (``Evaluator/Plan/qKind``'s regex).
        var hasPattern: Bool
        /// Text questions: whether a checkbox may answer instead (``Evaluator/Plan/qNoneOption``).
        var hasNoneOption: Bool
        /// Text questions: whether the answer may hold tabs and line breaks (``Evaluator/Plan/qMultiline``).
        var multiline: Bool
        /// The question's index in the schema.
        var global: Int32
        /// Text questions: the most characters an answer may have.
        var maxLength: Int
        /// one_of and any_of questions: the choice list (kept alive by the plan's ``Evaluator/Plan/qChoice``).
        var choice: Unmanaged<Evaluator.ChoiceInfo>?
    }

    let shapes: UnsafeMutablePointer<Shape>

    /// The records of the questions `scopeQuestions` lists (indices in the schema, scope by scope),
    /// from the plan's per-question arrays.
    init(scopeQuestions: [[Int]], qTag: [UInt8], qUKOnly: [Bool], textRegex: [Bool], qNoneOption: [String?], qMultiline: [Bool], qMaxLength: [Int],
         qChoiceRef: [Unmanaged<Evaluator.ChoiceInfo>?]) {
        let flat = scopeQuestions.flatMap { $0 }
        shapes = .allocate(capacity: max(1, flat.count))
        for (k, gi) in flat.enumerated() {
            (shapes + k).initialize(to: Shape(tag: qTag[gi], ukOnly: qUKOnly[gi], hasPattern: textRegex[gi], hasNoneOption: qNoneOption[gi] != nil, multiline: qMultiline[gi],
                              global: Int32(gi), maxLength: qMaxLength[gi], choice: qChoiceRef[gi]))
        }
    }

    deinit { shapes.deallocate() }
}
