import Questionnaire

/// An expression after checking: its type and its resolved form for the schema.
struct Typed {
    var type: ValueType
    var expression: Expression

    static let invalid = Typed(type: .error, expression: .literal(.bool(false)))
}

extension Checker {
    static let functionNames = ["years_between", "join", "count", "any"]

    /// Checks a condition: an expression that must be true or false.
    func checkCondition(_ e: Expr, _ context: inout Context) -> Typed {
        let typed = checkExpression(e, &context)
        if typed.type != .bool && typed.type != .error {
            error("type-mismatch", "\(context.subject) must be true or false, but this is \(typed.type)", at: e.span,
                hint: hintForNonCondition(typed.type))
            return .invalid
        }
        return typed
    }

    func hintForNonCondition(_ type: ValueType) -> String? {
        switch type {
        case .choice: return "compare it with an option: x == option, or x in [a, b]"
        case .choices: return "test an option with: x contains option"
        case .integer, .decimal: return "compare it: x >= 16"
        default: return "write a comparison or 'x is answered'"
        }
    }

    func checkExpression(_ e: Expr, _ context: inout Context) -> Typed {
        switch e.kind {
        case .invalid: return .invalid
        case .integer(let i): return Typed(type: .integer, expression: .literal(.integer(i)))
        case .decimal(let d): return Typed(type: .decimal, expression: .literal(.decimal(d)))
        case .string(let s): return Typed(type: .text, expression: .literal(.text(s)))
        case .date(let d): return Typed(type: .date, expression: .literal(.date(d)))
        case .monthYear(let m): return Typed(type: .monthYear, expression: .literal(.monthYear(m)))
        case .duration(let d): return Typed(type: .duration, expression: .literal(.duration(d)))
        case .bool(let b): return Typed(type: .bool, expression: .literal(.bool(b)))
        case .name(let n): return resolve(Name(text: n, span: e.span), &context)
        case .qualified(let member, let field): return resolveQualified(member, field, &context)
        case .at(let roster, let position, let inner): return checkAt(roster, position, inner, e.span, &context)
        case .part(let inner, let part):
            let t = checkExpression(inner, &context)
            return addressPart(t, inner, part)
        case .call(let f, let args): return checkCall(f, args, e.span, &context)
        case .not(let inner):
            let t = checkCondition(inner, &context)
            return Typed(type: t.type == .error ? .error : .bool, expression: .unary(.not, t.expression))
        case .negate(let inner):
            let t = checkExpression(inner, &context)
            if t.type != .error && !t.type.isNumeric {
                error("type-mismatch", "'-' needs a number, but this is \(t.type)", at: inner.span)
                return .invalid
            }
            return Typed(type: t.type, expression: .unary(.negate, t.expression))
        case .binary(let op, let l, let r, let opSpan): return checkBinary(op, l, r, opSpan, e.span, &context)
        case .member(let value, let items, let negated): return checkMembership(value, items, negated, &context)
        case .answered(let inner, let negated):
            let t = checkExpression(inner, &context)
            switch t.expression {
            case .answer, .derived: break
            default:
                if t.type != .error {
                    error("type-mismatch", "only a question's answer or a derived value can be tested with 'is answered'", at: inner.span)
                }
                return .invalid
            }
            return Typed(type: .bool, expression: .answered(t.expression, negated: negated))
        }
    }

    // MARK: Options

    /// An option name on the right of `==`, `in` or `contains`, looked up in the list on the left.
    func option(_ e: Expr, of list: String, _ context: inout Context) -> Typed? {
        guard case .name(let n) = e.kind else { return nil }
        let info = choiceLists[list]
        if let info, info.optionIDs.contains(n) { return Typed(type: .choice(list), expression: .literal(.option(n))) }
        // A list with no options is reported as empty; naming its options is not a second mistake.
        if let info, info.optionIDs.isEmpty { return .invalid }
        // A name that is an answer or derived value is read as one (and its type checked).
        if peekType(n, context) != nil { return nil }
        let options = list == "yes_no" ? ["yes", "no"] : info?.options.map(\.name.text) ?? []
        let suggestion = Suggest.closest(to: n, among: options)
        let listing = options.count <= 12 ? " (options: \(options.joined(separator: ", ")))" : ""
        // An option of another list (`tenure == council`) is named as such: the answer is on the wrong list.
        let owner = choiceListOrder.first { $0 != list && choiceLists[$0]?.optionIDs.contains(n) == true }
        error("unknown-option", "'\(n)' is not an option of choice list '\(list)'", at: e.span,
            hint: suggestion.map { "did you mean '\($0)'?" }
                ?? owner.map { "'\(n)' is an option of '\($0)', not of '\(list)'; choose one of its options\(listing)" }
                ?? "choose one of its options\(listing)")
        return .invalid
    }

    func peekType(_ name: String, _ context: Context) -> ValueType? {
        if case .member(let r) = context.scope, let s = members[r]?[name] { return s.type == .error ? valueTypeOfDeclaration(s) : s.type }
        if let s = household[name] { return s.type == .error ? valueTypeOfDeclaration(s) : s.type }
        switch name {
        case "today": return .date
        case "household_address": return .text
        case "variant": return variantIDs.isEmpty ? nil : .choice("variant")
        case "respondent": return .bool
        default: return nil
        }
    }

    /// Whether `name` is a question or derived value the form declares (visible here).
    func isDeclared(_ name: String, _ context: Context) -> Bool {
        if case .member(let r) = context.scope, members[r]?[name] != nil { return true }
        return household[name] != nil
    }

    // MARK: Operators

    func checkBinary(
        _ op: Expression.BinaryOperator, _ l: Expr, _ r: Expr, _ opSpan: Span, _ span: Span, _ context: inout Context
    ) -> Typed {
        switch op {
        case .and, .or:
            let a = checkCondition(l, &context)
            let b = checkCondition(r, &context)
            let type: ValueType = a.type == .error || b.type == .error ? .error : .bool
            return Typed(type: type, expression: .binary(op, a.expression, b.expression))
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return checkComparison(op, l, r, opSpan, &context)
        case .contains:
            let a = checkExpression(l, &context)
            switch a.type {
            case .error: _ = checkExpression(r, &context); return .invalid
            case .choices(let list):
                guard let b = option(r, of: list, &context) else {
                    let b = checkExpression(r, &context)
                    if b.type != .error {
                        error("type-mismatch", "'contains' needs an option of '\(list)' on its right", at: r.span)
                    }
                    return .invalid
                }
                return Typed(type: b.type == .error ? .error : .bool, expression: .binary(.contains, a.expression, b.expression))
            case .text:
                let b = checkExpression(r, &context)
                if b.type != .text && b.type != .error {
                    error("type-mismatch", "'contains' on text needs text on its right, but this is \(b.type)", at: r.span)
                    return .invalid
                }
                return Typed(type: b.type == .error ? .error : .bool, expression: .binary(.contains, a.expression, b.expression))
            case .choice(let list):
                error("type-mismatch", "'contains' is for multiple-choice answers; this answer is one option of '\(list)'", at: opSpan,
                    hint: "use == to test one option, or 'in [a, b]' for several")
                return .invalid
            default:
                error("type-mismatch", "'contains' needs a multiple-choice answer or text on its left, but this is \(a.type)", at: l.span)
                return .invalid
            }
        case .add, .subtract, .multiply, .divide:
            let a = checkExpression(l, &context)
            let b = checkExpression(r, &context)
            if a.type == .error || b.type == .error { return .invalid }
            let expression = Expression.binary(op, a.expression, b.expression)
            if let type = arithmeticType(op, a.type, b.type) { return Typed(type: type, expression: expression) }
            let symbol = opSpan
            if a.type == .text || b.type == .text {
                error("type-mismatch", "arithmetic on text is not allowed: '\(file.text(opSpan))' needs numbers", at: symbol,
                    hint: "to put texts together use join(a, b)")
            } else if a.type.isCalendar && b.type.isCalendar && op == .subtract {
                error("type-mismatch", "dates cannot be subtracted", at: symbol,
                    hint: "for whole years between two dates use years_between(a, b)")
            } else {
                error("type-mismatch", "'\(file.text(opSpan))' cannot combine \(a.type) and \(b.type)", at: symbol,
                    hint: a.type.isCalendar || b.type.isCalendar ? "a date moves by a duration: census_date - 115y" : nil)
            }
            return .invalid
        }
    }

    func arithmeticType(_ op: Expression.BinaryOperator, _ a: ValueType, _ b: ValueType) -> ValueType? {
        switch (op, a, b) {
        case (.add, .integer, .integer), (.subtract, .integer, .integer), (.multiply, .integer, .integer): return .integer
        case (.divide, _, _) where a.isNumeric && b.isNumeric: return .decimal
        case (_, _, _) where a.isNumeric && b.isNumeric: return .decimal
        case (.add, .date, .duration), (.subtract, .date, .duration), (.add, .duration, .date): return .date
        case (.add, .monthYear, .duration), (.subtract, .monthYear, .duration), (.add, .duration, .monthYear): return .monthYear
        case (.add, .duration, .duration) where false: return .duration
        default: return nil
        }
    }

    func checkComparison(
        _ op: Expression.BinaryOperator, _ l: Expr, _ r: Expr, _ opSpan: Span, _ context: inout Context
    ) -> Typed {
        let ordered = op != .equal && op != .notEqual
        // A bare option name on the left: check the right first, then read the left in its list.
        if case .name(let n) = l.kind, peekType(n, context) == nil, n != "census_date", n != "position" {
            if case .name(let m) = r.kind, peekType(m, context) == nil, m != "census_date", m != "position" {
                // `is_yuo == yes`: neither side is known. The left is the answer misnamed; the
                // right is then most likely its option, and not a second mistake.
                _ = checkExpression(l, &context)
                return .invalid
            }
            let b = checkExpression(r, &context)
            if case .choice(let list) = b.type, let a = option(l, of: list, &context) {
                return finishComparison(op, a, b, opSpan, ordered)
            }
            let a = checkExpression(l, &context)
            return finishComparison(op, a, b, opSpan, ordered)
        }
        let a = checkExpression(l, &context)
        let b: Typed
        if case .choice(let list) = a.type, let o = option(r, of: list, &context) {
            b = o
        } else if a.type == .error, case .name(let n) = r.kind, peekType(n, context) == nil {
            // Probably an option of the list on the left, which could not be read: say nothing more.
            return .invalid
        } else {
            b = checkExpression(r, &context)
        }
        return finishComparison(op, a, b, opSpan, ordered)
    }

    func finishComparison(_ op: Expression.BinaryOperator, _ a: Typed, _ b: Typed, _ opSpan: Span, _ ordered: Bool) -> Typed {
        if a.type == .error || b.type == .error { return .invalid }
        let expression = Expression.binary(op, a.expression, b.expression)
        let comparable: Bool
        switch (a.type, b.type) {
        case _ where a.type.isNumeric && b.type.isNumeric: comparable = true
        case _ where a.type.isCalendar && b.type.isCalendar: comparable = true
        case (.text, .text), (.bool, .bool): comparable = !ordered
        case (.choice(let x), .choice(let y)):
            if x != y {
                error("type-mismatch", "cannot compare an option of '\(x)' with an option of '\(y)'", at: opSpan)
                return .invalid
            }
            comparable = !ordered
        default: comparable = false
        }
        if !comparable {
            let symbol = file.text(opSpan)
            if ordered && a.type == b.type {
                error("type-mismatch", "'\(symbol)' orders numbers and dates; \(a.type) has no order", at: opSpan,
                    hint: a.type.isChoice ? "compare options with == or 'in [a, b]'" : nil)
            } else {
                error("type-mismatch", "cannot compare \(a.type) with \(b.type)", at: opSpan, hint: comparisonHint(a.type, b.type))
            }
            return .invalid
        }
        return Typed(type: .bool, expression: expression)
    }

    func comparisonHint(_ a: ValueType, _ b: ValueType) -> String? {
        if (a.isCalendar && b.isNumeric) || (a.isNumeric && b.isCalendar) {
            return "to compare an age, derive it first: let age = years_between(dob, census_date)"
        }
        if case .choices = a { return "to test a multiple-choice answer use: x contains option" }
        if a.isCalendar && b == .text || a == .text && b.isCalendar {
            return "dates are written without quotes: 2021-03-21 (a month: 2021-03)"
        }
        if case .choice(let list) = a, b == .text || b == .bool {
            // `own == "yes"`, `own == true`: options are names, not strings or truth values.
            return list == "yes_no" ? "yes_no answers are the options yes and no: x == yes" : "options are written without quotes: x == option"
        }
        return nil
    }

    func checkMembership(_ value: Expr, _ items: [Expr], _ negated: Bool, _ context: inout Context) -> Typed {
        let a = checkExpression(value, &context)
        // Wrong kinds of value are reported before the items, which cannot be read without one.
        if case .choices(let list) = a.type {
            error("type-mismatch", "'in' tests one value; this is a set of options of '\(list)'", at: value.span,
                hint: "use 'x contains option' for multiple-choice answers")
            return .invalid
        }
        if [.bool, .address, .duration].contains(a.type) {
            error("type-mismatch", "'in' needs an option, a number or text, but this is \(a.type)", at: value.span)
            return .invalid
        }
        var lowered: [Expression] = []
        var failed = a.type == .error
        for item in items {
            switch a.type {
            case .choice(let list):
                if let o = option(item, of: list, &context) {
                    failed = failed || o.type == .error
                    lowered.append(o.expression)
                } else {
                    let t = checkExpression(item, &context)
                    failed = failed || t.type == .error
                    lowered.append(t.expression)
                }
            case .error:
                _ = item
            default:
                let t = checkExpression(item, &context)
                if t.type == .error { failed = true; continue }
                let fits = (a.type.isNumeric && t.type.isNumeric) || a.type == t.type
                if !fits {
                    error("type-mismatch", "this list holds \(t.type), but the value tested is \(a.type)", at: item.span)
                    failed = true
                }
                lowered.append(t.expression)
            }
        }
        if items.isEmpty {
            error("type-mismatch", "the list after 'in' is empty", at: value.span)
            return .invalid
        }
        return failed ? .invalid : Typed(type: .bool, expression: .member(a.expression, lowered, negated: negated))
    }
}

extension ValueType {
    var isChoice: Bool {
        switch self {
        case .choice, .choices: return true
        default: return false
        }
    }
}
