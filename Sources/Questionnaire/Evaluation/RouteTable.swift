/// What decides whether each question, container (section, page, roster) and ending applies,
/// one small record each in plain memory, laid out once per evaluator (``Evaluator/Plan/routes``).
///
/// Deciding whether a question applies read six plan arrays, each a bounds check and a load of
/// its own (the question's index in the schema, its container, its condition and the start and
/// end of its endings' list), and a container five more; routing is asked for every question of
/// every member of every response (BENCHMARKS.md, "Evaluator": about a seventh of validating a
/// census household). A record holds all of one item's routing in one load from one cache line.
/// Node numbers are those of the plan's ``ExpressionCode`` (-1: no condition); endings' positions
/// are those of the plan's ``IntLists`` (``Evaluator/Plan/qEndings``, ``Evaluator/Plan/cEndings``).
final class RouteTable: @unchecked Sendable {
    /// One question, by its position in ``Evaluator/Plan/scopeQuestionList`` (scope `s`'s question
    /// `q` is at that list's start for `s`, plus `q`).
    struct Question {
        /// Its index in the schema.
        var global: Int32
        /// Its innermost container (-1: none) and its own condition's node (-1: none).
        var container: Int32
        var when: Int32
        /// The endings that skip it: positions `endingsStart ..< endingsEnd` of ``Evaluator/Plan/qEndings``.
        var endingsStart: Int32
        var endingsEnd: Int32
        /// How its answer reads (``hasRange``, ``hasOptionWhen``) and what its absence means
        /// (``required``, ``voluntary``): bits of ``Question``'s static masks.
        var flags: UInt8

        static let hasRange: UInt8 = 1, hasOptionWhen: UInt8 = 2, required: UInt8 = 4, voluntary: UInt8 = 8

        @inline(__always) func has(_ flag: UInt8) -> Bool { flags & flag != 0 }
    }

    /// One container, by its index.
    struct Container {
        var scope: Int32
        /// Its index among its scope's containers (its memo slot).
        var local: Int32
        var parent: Int32
        var when: Int32
        /// Positions `endingsStart ..< endingsEnd` of ``Evaluator/Plan/cEndings``.
        var endingsStart: Int32
        var endingsEnd: Int32
    }

    /// One ending, by its index.
    struct Ending {
        var scope: Int32
        var local: Int32
        var container: Int32
        var when: Int32
    }

    let questions: UnsafeMutablePointer<Question>
    let containers: UnsafeMutablePointer<Container>
    let endings: UnsafeMutablePointer<Ending>

    /// The records of a plan's items. `scopeQuestions` lists the questions (indices in the
    /// schema) of each scope in order, as ``Evaluator/Plan/scopeQuestionList`` does.
    init(scopeQuestions: [[Int]], qContainer: [Int], qWhenNode: [Int32], qEndings: IntLists.View,
         qHasRange: [Bool], qHasOptionWhen: [Bool], qRequired: [Bool], qVoluntary: [Bool],
         cScope: [Int], cLocal: [Int], cParent: [Int], cWhenNode: [Int32], cEndings: IntLists.View,
         eScope: [Int], eLocal: [Int], eContainer: [Int], eWhenNode: [Int32]) {
        let flat = scopeQuestions.flatMap { $0 }
        questions = .allocate(capacity: max(1, flat.count))
        for (k, gi) in flat.enumerated() {
            let r = qEndings.range(gi)
            var flags: UInt8 = 0
            if qHasRange[gi] { flags |= Question.hasRange }
            if qHasOptionWhen[gi] { flags |= Question.hasOptionWhen }
            if qRequired[gi] { flags |= Question.required }
            if qVoluntary[gi] { flags |= Question.voluntary }
            (questions + k).initialize(to: Question(global: Int32(gi), container: Int32(qContainer[gi]), when: qWhenNode[gi],
                                    endingsStart: Int32(r.lowerBound), endingsEnd: Int32(r.upperBound), flags: flags))
        }
        containers = .allocate(capacity: max(1, cScope.count))
        for k in 0..<cScope.count {
            let r = cEndings.range(k)
            (containers + k).initialize(to: Container(scope: Int32(cScope[k]), local: Int32(cLocal[k]), parent: Int32(cParent[k]), when: cWhenNode[k],
                                      endingsStart: Int32(r.lowerBound), endingsEnd: Int32(r.upperBound)))
        }
        endings = .allocate(capacity: max(1, eScope.count))
        for k in 0..<eScope.count {
            (endings + k).initialize(to: Ending(scope: Int32(eScope[k]), local: Int32(eLocal[k]), container: Int32(eContainer[k]), when: eWhenNode[k]))
        }
    }

    deinit {
        questions.deallocate()
        containers.deallocate()
        endings.deallocate()
    }
}
