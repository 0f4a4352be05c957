import Questionnaire
/// The census household form's questions, answered from the synthetic household's facts.
extension HouseholdGenerator {
    /// Answers from the household model, for the questions of the census form it knows.
    func modelled(_ id: String, _ info: Evaluator.QuestionInfo, _ p: Person?, _ comp: Composition, _ s: Int, _ i: Int, _ run: Run, _ rng: inout SeededRandom) -> JSONValue? {
        let n = comp.people.count
        if let p {
            let working = p.age >= 16 && p.age < 67 && (p.age * 7 + p.dob.day) % 10 < 7
            let student = (p.age >= 5 && p.age < 18) || (p.age >= 18 && p.age < 23 && p.dob.day % 2 == 0)
            switch id {
            case "first_name", "visitor_first_name": return .string(p.firstName)
            case "last_name", "visitor_last_name": return .string(p.lastName)
            case "middle_names": return rng.chance(0.15) ? .string(rng.pick(Composition.maleNames + Composition.femaleNames)) : .null
            case "gender_identity": return rng.chance(0.995) ? "yes" : ["value": "no", "detail": "Non-binary"]
            case "sexual_orientation":
                return .string(rng.weighted([("straight", 89.0), ("gay_lesbian", 1.5), ("bisexual", 1.3), ("other", 0.2)]))
            case "degree": return rng.chance(0.33) ? "yes" : "no"
            case "apprenticeship": return rng.chance(0.06) ? "yes" : "no"
            case "armed_forces": return rng.chance(0.04) ? ["regular"] : ["no"]
            case "supervises": return rng.chance(0.3) ? "yes" : "no"
            case "workplace_type": return .string(rng.weighted([("at_home", 30.0), ("workplace", 55.0), ("depot", 5.0), ("no_fixed_place", 10.0)]))
            case "looking_for_work", "about_to_start": return rng.chance(0.1) ? "yes" : "no"
            case "available_for_work": return rng.chance(0.3) ? "yes" : "no"
            case "nvq", "a_levels", "gcses", "other_qualifications":
                return p.age < 19 && id != "gcses" ? ["none"] : nil
            case "is_you":
                // The census form lists the respondent first when they live here; a form
                // without that question (a communal establishment) lists them first anyway.
                // Not modelled on a form where it is not the "you" switch (see selfSwitches).
                guard evaluator.scopes[0].questionIndex["lives_here"] != nil else { return nil }
                let respondent = householdAnswer("lives_here", run) == .option("yes") && i == 0
                return respondent ? "yes" : "no"
            case "dob", "visitor_dob", "date_of_birth": return .string(p.dob.iso)
            case "sex", "visitor_sex": return .string(p.sex)
            case "current_spouse_sex", "current_partner_sex", "previous_spouse_sex", "previous_partner_sex":
                if let k = p.partnerIndex { return comp.people[k].sex == p.sex ? "same" : "opposite" }
                return rng.chance(0.97) ? "opposite" : "same"
            case "marital":
                // The model's "separated" is a separated marriage.
                return p.marital.map { .string($0 == "separated" ? "separated_married" : $0) }
            case "another_address": return .string(rng.weighted([("no", 92.0), ("uk", 6.0), ("outside_uk", 2.0)]))
            case "in_education", "student": return student ? "yes" : "no"
            case "term_time_location": return .string(p.age < 18 || rng.chance(0.7) ? "here" : "another")
            case "country_of_birth": return .string(p.birthCountry)
            case "country_of_birth_other": return p.birthCountryDetail.map { .string($0) }
            case "arrival": return p.arrival.map { .string($0.iso) }
            case "intended_stay": return .string(rng.chance(0.8) ? "twelve_months_or_more" : "less_than_12_months")
            case "address_one_year_ago_where":
                if let a = p.arrival, a.monthNumber > MonthYear(schema.censusDate).monthNumber - 12 { return "outside_uk" }
                return .string(rng.weighted([("here", 88.0), ("another_uk", 9.0), ("student", p.age >= 18 && p.age < 25 ? 3.0 : 0.0)]))
            case "national_identity":
                if p.bornAbroad && p.birthCountry == "elsewhere" && rng.chance(0.6) { return ["other"] }
                return p.birthCountry == "wales" ? ["welsh"] : (rng.chance(0.5) ? ["english"] : ["british"])
            case "national_identity_other": return .string(p.birthCountryDetail ?? "Other")
            case "ethnic_group":
                if p.bornAbroad { return .string(rng.weighted([("white", 45.0), ("asian", 30.0), ("black", 15.0), ("mixed", 4.0), ("other", 6.0)])) }
                return .string(rng.weighted([("white", 85.0), ("asian", 7.0), ("black", 3.0), ("mixed", 4.0), ("other", 1.0)]))
            case "religion":
                return .string(rng.weighted([("no_religion", 37.0), ("christian", 46.0), ("muslim", 6.5), ("hindu", 1.7), ("sikh", 0.9), ("jewish", 0.5), ("buddhist", 0.5)]))
            case "main_language":
                return p.bornAbroad && p.birthCountry == "elsewhere" && rng.chance(0.6) ? "other" : "english"
            case "main_language_other": return .string(languageOf(p.birthCountryDetail))
            case "english_proficiency": return .string(rng.weighted([("very_well", 50.0), ("well", 35.0), ("not_well", 12.0), ("not_at_all", 3.0)]))
            case "welsh_skills":
                return p.birthCountry == "wales" && rng.chance(0.4) ? ["understand", "speak"] : ["none"]
            case "passports":
                if p.bornAbroad && p.birthCountry == "elsewhere" { return rng.chance(0.4) ? ["uk"] : ["other"] }
                return rng.chance(0.8) ? ["uk"] : ["none"]
            case "passports_other": return .string(p.birthCountryDetail ?? "Other")
            case "general_health":
                let w = Double(p.age) / 100
                return .string(rng.weighted([("very_good", 50 - 30 * w), ("good", 33.0), ("fair", 10 + 20 * w), ("bad", 3 + 8 * w), ("very_bad", 1 + 3 * w)]))
            case "long_term_condition": return rng.chance(0.1 + Double(p.age) / 250) ? "yes" : "no"
            case "unpaid_care": return .string(p.age < 16 ? "no" : rng.weighted([("no", 90.0), ("up_to_9", 4.0), ("from_10_to_19", 2.0), ("from_20_to_34", 1.5), ("from_35_to_49", 0.5), ("over_50", 2.0)]))
            case "activity":
                if working { return rng.chance(0.85) ? ["employee"] : ["self_employed"] }
                return ["none"]
            case "not_working_status":
                if p.age >= 65 { return ["retired"] }
                if student { return ["studying"] }
                return .array([.string(rng.pick(["looking_after_home", "long_term_sick", "other"]))])
            case "ever_worked":
                if p.age >= 50 { return "earlier" }
                return student ? "never" : .string(rng.pick(["last_12_months", "earlier", "never"]))
            case "main_job_type": return .string(rng.weighted([("employee", 85.0), ("self_employed_without", 11.0), ("self_employed_with", 4.0)]))
            case "employer": return .string(rng.pick(["NHS", "Tesco", "Cardiff Council", "Acme Engineering Ltd", "Royal Mail", "University of Leeds", "Barclays"]))
            case "job_title": return .string(rng.pick(["Nurse", "Sales assistant", "Software developer", "Teacher", "Delivery driver", "Accountant", "Care worker", "Electrician"]))
            case "job_description": return .string(rng.pick(["Looking after patients on a ward", "Serving customers and stocking shelves", "Writing and testing software", "Teaching pupils aged 11 to 16", "Delivering parcels"]))
            case "industry": return .string(rng.pick(["Hospital", "Supermarket", "Software", "Secondary school", "Parcel delivery", "Construction"]))
            case "hours": return .string(rng.weighted([("up_to_15", 10.0), ("from_16_to_30", 20.0), ("from_31_to_48", 60.0), ("over_48", 10.0)]))
            case "travel_to_work": return .string(rng.weighted([("at_home", 30.0), ("driving", 40.0), ("bus", 8.0), ("train", 5.0), ("on_foot", 8.0), ("bicycle", 3.0), ("passenger", 4.0), ("underground", 2.0)]))
            case "visitor_usual_address_where": return .string(rng.chance(0.85) ? "uk" : "outside_uk")
            default: break
            }
            return nil
        }
        switch id {
        case "lives_here": return .string(rng.chance(0.97) ? "yes" : "no")
        case "who_else":
            if n == 1 { return ["none"] }
            return comp.people.contains { $0.role == .sharer } ? ["housemates"] : ["family"]
        case "household_size": return .integer(n)
        case "any_visitors": return comp.visitors.isEmpty ? ["none"] : ["uk_elsewhere"]
        case "accommodation_type": return .string(rng.weighted([("house", 78.0), ("flat", 21.0), ("mobile", 1.0)]))
        case "house_type": return .string(rng.weighted([("detached", 30.0), ("semi_detached", 40.0), ("terraced", 30.0)]))
        case "own_door": return rng.chance(0.99) ? "yes" : "no"
        case "bedrooms": return .integer(max(1, min(6, (n + 1) / 2 + rng.int(0...2))))
        case "central_heating": return rng.chance(0.75) ? ["mains_gas"] : (rng.chance(0.5) ? ["electric"] : ["oil"])
        case "tenure":
            let oldest = comp.people.map(\.age).max() ?? 40
            if oldest >= 65 { return .string(rng.weighted([("owns_outright", 75.0), ("rents", 22.0), ("mortgage", 3.0)])) }
            return .string(rng.weighted([("mortgage", 45.0), ("rents", 40.0), ("owns_outright", 10.0), ("shared_ownership", 3.0), ("rent_free", 2.0)]))
        case "landlord": return .string(rng.weighted([("private", 55.0), ("council", 20.0), ("housing_association", 20.0), ("relative", 5.0)]))
        case "vehicles":
            return .string(n == 1 ? rng.weighted([("none", 45.0), ("one", 50.0), ("two", 5.0)]) : rng.weighted([("none", 12.0), ("one", 40.0), ("two", 38.0), ("three", 8.0), ("four", 2.0)]))
        default: return nil
        }
    }

    /// Other forms' names for questions the model knows, tried when a name is not the model's own.
    static func synonyms(_ id: String) -> [String] {
        switch id {
        case "surname", "family_name", "lastname": return ["last_name"]
        case "visitor_surname": return ["visitor_last_name"]
        case "forename", "forenames", "given_name", "firstname": return ["first_name"]
        case "date_of_birth", "birth_date", "birthdate": return ["dob"]
        case "gender": return ["sex"]
        case "usual_residents", "number_of_residents", "residents_count", "people_count", "household_count": return ["household_size"]
        case "marital_status": return ["marital"]
        case "health": return ["general_health"]
        case "birth_country", "country_born": return ["country_of_birth"]
        default: return []
        }
    }

    func householdAnswer(_ id: String, _ run: Run) -> Value {
        guard let q = evaluator.scopes[0].questionIndex[id] else { return .unknown }
        return run.answer(0, q, 0)
    }

    func languageOf(_ country: String?) -> String {
        switch country {
        case "Poland": return "Polish"
        case "India": return "Gujarati"
        case "Pakistan": return "Urdu"
        case "Romania": return "Romanian"
        case "Bangladesh": return "Bengali"
        case "China": return "Mandarin Chinese"
        case "Lithuania": return "Lithuanian"
        case "Portugal": return "Portuguese"
        case "Italy": return "Italian"
        case "Spain": return "Spanish"
        case "Germany": return "German"
        case "France": return "French"
        default: return "Arabic"
        }
    }
}
