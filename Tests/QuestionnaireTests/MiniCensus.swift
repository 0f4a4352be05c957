import Questionnaire

/// A hand-built schema shaped like the census form (a subset of it), so the evaluator's tests
/// do not depend on the compiler. Every construct the evaluator handles appears at least once.
enum MiniCensus {
    static func t(_ en: String) -> LocalizedText { ["en": en, "cy": "CY " + en] }
    static func hh(_ id: String) -> Expression { .answer(id, .household) }
    static func me(_ id: String) -> Expression { .answer(id, .member) }
    static func opt(_ id: String) -> Expression { .literal(.option(id)) }
    static func int(_ i: Int) -> Expression { .literal(.integer(i)) }
    static func bin(_ op: Expression.BinaryOperator, _ a: Expression, _ b: Expression) -> Expression { .binary(op, a, b) }
    static let age = Expression.derived("age", .member)
    static let censusDate = Expression.literal(.date(CalendarDate(year: 2021, month: 3, day: 21)!))
    static let residents = Scope.member(roster: "residents")
    static let visitors = Scope.member(roster: "visitors")

    static func options(_ ids: String...) -> [ChoiceList.Option] { ids.map { ChoiceList.Option(id: $0, label: t($0)) } }

    static let schema: Schema = {
        var s = Schema(
            id: "census_household", version: "2021.1", title: t("Census"), languages: ["en", "cy"],
            censusDate: CalendarDate(year: 2021, month: 3, day: 21)!,
            choiceLists: [
                ChoiceList(id: "yes_no", options: options("yes", "no")),
                ChoiceList(id: "sex", options: options("female", "male")),
                ChoiceList(id: "who_else", options: options("family", "housemates") + [ChoiceList.Option(id: "none", label: t("None"), exclusive: true)]),
                ChoiceList(id: "country", options: options("england", "wales", "scotland", "northern_ireland", "ireland")
                    + [ChoiceList.Option(id: "elsewhere", label: t("Elsewhere"), specify: .init(prompt: t("Country"), maxLength: 20))]),
                ChoiceList(id: "relationship", options: options("husband_wife", "partner", "son_daughter", "brother_sister", "mother_father", "grandchild", "grandparent", "other_relation", "unrelated")),
                ChoiceList(id: "marital", options: options("never_married", "married", "civil_partnership", "divorced", "widowed")),
                ChoiceList(id: "tenure", options: options("owns_outright", "mortgage", "rents", "rent_free")),
                ChoiceList(id: "landlord", options: options("council", "private")),
            ],
            containers: [
                Container(id: "people", kind: .section, title: t("People"), scope: .household),
                Container(id: "residents", kind: .roster, title: t("Residents"), parent: "people", scope: .household, maxMembers: 30),
                Container(id: "visitors", kind: .roster, title: t("Visitors"), parent: "people", scope: .household,
                    when: bin(.equal, hh("any_visitors"), opt("yes")), maxMembers: 30),
                Container(id: "household_relationships", kind: .relationships, scope: .household,
                    when: bin(.greaterOrEqual, .count(roster: "residents"), int(2)), roster: "residents", unrelatedOption: "unrelated"),
                Container(id: "accommodation", kind: .section, title: t("Accommodation"), scope: .household),
                Container(id: "individual", kind: .section, title: t("Individual {name}"), scope: residents,
                    selfWhen: bin(.equal, me("is_you"), opt("yes"))),
                Container(id: "employment", kind: .section, title: t("Employment"), parent: "individual", scope: residents,
                    when: bin(.greaterOrEqual, age, int(16))),
            ],
            questions: [
                Question(id: "lives_here", scope: .household, type: .oneOf(list: "yes_no"), required: true, label: t("Do you live here?"), container: "people"),
                Question(id: "who_else", scope: .household, type: .anyOf(list: "who_else"), when: bin(.equal, hh("lives_here"), opt("yes")), label: t("Who else?"), container: "people"),
                Question(id: "household_size", scope: .household, type: .integer(min: int(1), max: int(30)), label: t("How many?"), container: "people"),
                Question(id: "first_name", scope: residents, type: .text(maxLength: 35, pattern: nil), required: true, label: t("First name"), container: "residents"),
                Question(id: "last_name", scope: residents, type: .text(maxLength: 35, pattern: nil), required: true, label: t("Last name"), container: "residents"),
                Question(id: "any_visitors", scope: .household, type: .oneOf(list: "yes_no"), label: t("Visitors?"), container: "people"),
                Question(id: "visitor_first_name", scope: visitors, type: .text(maxLength: 35, pattern: nil), required: true, label: t("Visitor first name"), container: "visitors"),
                Question(id: "relationship", scope: .pair(roster: "residents"), type: .oneOf(list: "relationship"), label: t("{person.name} is {other.name}'s"), container: "household_relationships"),
                Question(id: "tenure", scope: .household, type: .oneOf(list: "tenure"), label: t("Tenure"), container: "accommodation"),
                Question(id: "landlord", scope: .household, type: .oneOf(list: "landlord"),
                    when: .member(hh("tenure"), [opt("rents"), opt("rent_free")], negated: false), label: t("Landlord"), container: "accommodation"),
                Question(id: "postcode_check", scope: .household, type: .text(maxLength: 10, pattern: "[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}"), label: t("Postcode"), container: "accommodation"),
                Question(id: "is_you", scope: residents, type: .oneOf(list: "yes_no"), required: true, label: t("Are you {name}?"), container: "individual"),
                Question(id: "dob", scope: residents,
                    type: .date(min: bin(.subtract, censusDate, .literal(.duration(CalendarDuration(115, .years)))), max: censusDate),
                    required: true, label: t("What is {your|{name}'s} date of birth?"), container: "individual"),
                Question(id: "marital", scope: residents, type: .oneOf(list: "marital"), when: bin(.greaterOrEqual, age, int(16)), label: t("Marital"), container: "individual"),
                Question(id: "country_of_birth", scope: residents, type: .oneOf(list: "country"), label: t("Country of birth"), container: "individual"),
                Question(id: "arrival", scope: residents, type: .monthYear(min: nil, max: censusDate),
                    when: .member(me("country_of_birth"), [opt("england"), opt("wales"), opt("scotland"), opt("northern_ireland")], negated: true),
                    label: t("Arrival"), container: "individual"),
                Question(id: "heating", scope: residents, type: .anyOf(list: "who_else"), label: t("Heating"), container: "individual"),
                Question(id: "long_term_condition", scope: residents, type: .oneOf(list: "yes_no"), label: t("Condition"), container: "individual"),
                Question(id: "unpaid_care", scope: residents, type: .oneOf(list: "yes_no"),
                    when: bin(.or, bin(.or, bin(.greaterOrEqual, age, int(5)), bin(.equal, me("long_term_condition"), opt("yes"))),
                        .answered(me("long_term_condition"), negated: true)),
                    label: t("Care"), container: "individual"),
                Question(id: "hours", scope: residents, type: .integer(min: int(0), max: int(99)), label: t("Hours"), container: "employment"),
                Question(id: "second_address", scope: residents, type: .address(ukOnly: true), label: t("Second address"), container: "individual"),
            ],
            derived: [
                DerivedValue(id: "name", scope: residents, expression: .call(.join, [me("first_name"), me("last_name")]), valueType: "text"),
                DerivedValue(id: "age", scope: residents, expression: .call(.yearsBetween, [me("dob"), censusDate]), valueType: "integer"),
            ],
            checks: [
                Check(id: "respondent_not_listed", scope: .household, severity: .error,
                    when: bin(.and, bin(.equal, hh("lives_here"), opt("yes")), bin(.equal, .count(roster: "residents"), int(0))),
                    message: t("Add yourself"), target: "lives_here", container: "people"),
                Check(id: "lives_alone_with_others", scope: .household, severity: .warning,
                    when: bin(.and, bin(.contains, hh("who_else"), opt("none")), bin(.greaterOrEqual, .count(roster: "residents"), int(2))),
                    message: t("You live alone?"), target: "who_else", container: "people"),
                Check(id: "confirm_age", scope: residents, severity: .confirm, when: bin(.greaterOrEqual, age, int(100)),
                    message: t("{name} is {age} years old. Is this correct?"), target: "dob", container: "individual"),
                Check(id: "arrival_before_birth", scope: residents, severity: .error, when: bin(.less, me("arrival"), me("dob")),
                    message: t("The date of arrival cannot be before {your|{name}'s} date of birth"), target: "arrival", container: "individual"),
                Check(id: "any_child_alone", scope: .household, severity: .warning,
                    when: bin(.and, .any(roster: "residents", bin(.less, age, int(16))), .unary(.not, .any(roster: "residents", bin(.greaterOrEqual, age, int(16))))),
                    message: t("Only children?"), target: "lives_here"),
                Check(id: "young_spouse", scope: .pair(roster: "residents"), severity: .error,
                    when: bin(.and, bin(.equal, me("relationship"), opt("husband_wife")), bin(.less, .derived("age", .person), int(16))),
                    message: t("{person.name} is too young to be {other.name}'s spouse"), target: "relationship", container: "household_relationships"),
                Check(id: "first_is_respondent", scope: residents, severity: .warning,
                    when: bin(.and, bin(.greater, .position(.member), int(1)), bin(.equal, me("is_you"), opt("yes"))),
                    message: t("The respondent should be person 1"), target: "is_you", container: "individual"),
            ]
        )
        s.seal()
        return s
    }()

    static var schemaRef: JSONValue { ["id": .string(schema.id), "hash": .string(schema.hash)] }

    static func person(_ first: String, _ dob: String, isYou: Bool = false, extra: [String: JSONValue] = [:]) -> JSONValue {
        var o: [String: JSONValue] = ["first_name": .string(first), "last_name": "Jones", "is_you": isYou ? "yes" : "no", "dob": .string(dob)]
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }

    /// A valid two-adult household.
    static func couple() -> [String: JSONValue] {
        [
            "schema": schemaRef, "channel": "online", "startedAt": "2021-03-21T10:00:00Z", "submittedAt": "2021-03-21T10:20:00Z",
            "lives_here": "yes", "who_else": ["family"], "household_size": 2, "any_visitors": "no", "tenure": "mortgage",
            "residents": [
                person("Ann", "1980-05-01", isYou: true, extra: ["marital": "married", "country_of_birth": "england", "hours": 37]),
                person("Bob", "1979-02-11", extra: ["marital": "married", "country_of_birth": "wales"]),
            ],
            "household_relationships": [["person": 2, "other": 1, "relationship": "husband_wife"]],
        ]
    }
}
