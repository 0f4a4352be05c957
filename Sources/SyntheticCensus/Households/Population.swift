import Questionnaire
/// A synthetic person: the facts the generator answers questions from.
struct Person {
    enum Role { case reference, partner, child, parent, sharer, sibling }
    var role: Role
    var age: Int
    var dob: CalendarDate
    var sex: String
    var firstName: String
    var lastName: String
    var bornAbroad: Bool
    var birthCountry: String
    var birthCountryDetail: String?
    var arrival: MonthYear?
    var marital: String?
    var partnerIndex: Int?
}

/// Household compositions and ages shaped like England and Wales in 2021: about 30% of
/// households are one person, the mean size is about 2.4, one person in twenty is over 80.
struct Composition {
    var people: [Person]
    /// `coupleKind` for the reference person and partner: husband_wife, partner or civil_partner.
    var coupleKind: String?
    var visitors: [Person]

    static let femaleNames = ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Sophia", "Grace", "Lily", "Freya", "Emily",
        "Margaret", "Susan", "Patricia", "Sarah", "Emma", "Rachel", "Fatima", "Aisha", "Zofia", "Priya", "Siân", "Megan",
        "Catrin", "Joan", "Dorothy", "Chloe", "Hannah", "Ella", "Niamh", "Maryam"]
    static let maleNames = ["Oliver", "George", "Noah", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Jack", "Charlie",
        "David", "John", "Michael", "Paul", "Andrew", "James", "Robert", "Peter", "Dafydd", "Rhys", "Gareth", "Tomasz",
        "Arjun", "Kwame", "William", "Thomas", "Daniel", "Ali", "Ryan", "Kenneth"]
    static let lastNames = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
        "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
        "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Khan", "Nowak", "Ahmed", "O'Brien", "Okafor", "Singh"]
    static let abroad = ["Poland", "India", "Pakistan", "Romania", "Nigeria", "Germany", "Bangladesh", "South Africa",
        "China", "Italy", "Lithuania", "Jamaica", "Portugal", "Philippines", "United States", "Spain", "Kenya", "France"]

    static func make(_ rng: inout SeededRandom, censusDate: CalendarDate, maxMembers: Int) -> Composition {
        let size = min(maxMembers, rng.weighted([(1, 30.0), (2, 34.0), (3, 16.0), (4, 13.0), (5, 5.0), (6, 1.4), (7, 0.4), (8, 0.2)]))
        var c = Composition(people: [], coupleKind: nil, visitors: [])
        let family = rng.weighted([("family", 88.0), ("sharers", 12.0)])
        let lastName = rng.pick(lastNames)
        if size == 1 {
            // One-person households are old: half are 65 or over.
            let age = rng.weighted([(rng.int(18...34), 16.0), (rng.int(35...64), 36.0), (rng.int(65...79), 28.0), (rng.int(80...100), 20.0)])
            c.people.append(person(&rng, .reference, age: age, lastName: lastName, censusDate))
            if age >= 60 { c.people[0].marital = rng.weighted([("widowed", 45.0), ("divorced", 30.0), ("never_married", 25.0)]) }
        } else if family == "sharers" && size <= 5 {
            for k in 0..<size {
                c.people.append(person(&rng, k == 0 ? .reference : .sharer, age: rng.int(19...45), lastName: rng.pick(lastNames), censusDate))
            }
        } else {
            let lone = size >= 2 && rng.chance(size == 2 ? 0.25 : 0.15)
            let refAge: Int
            if size == 2 && !lone {
                refAge = rng.weighted([(rng.int(20...39), 30.0), (rng.int(40...64), 35.0), (rng.int(65...84), 28.0), (rng.int(85...100), 7.0)])
            } else {
                refAge = rng.int(22...58)
            }
            var ref = person(&rng, .reference, age: refAge, lastName: lastName, censusDate)
            c.people.append(ref)
            if !lone {
                let kind = rng.weighted([("husband_wife", 70.0), ("partner", 28.0), ("civil_partner", 2.0)])
                c.coupleKind = kind
                let partnerAge = max(18, min(104, refAge + rng.int(-6...6)))
                var partner = person(&rng, .partner, age: partnerAge, lastName: lastName, censusDate)
                let sameSex = kind == "civil_partner" || rng.chance(0.02)
                partner.sex = sameSex ? ref.sex : (ref.sex == "female" ? "male" : "female")
                partner.firstName = rng.pick(partner.sex == "female" ? femaleNames : maleNames)
                let status = kind == "husband_wife" ? "married" : (kind == "civil_partner" ? "civil_partnership" : rng.weighted([("never_married", 75.0), ("divorced", 25.0)]))
                ref.marital = status
                partner.marital = status
                partner.partnerIndex = 0
                ref.partnerIndex = 1
                c.people[0] = ref
                c.people.append(partner)
            } else {
                c.people[0].marital = rng.weighted([("never_married", 50.0), ("divorced", 35.0), ("separated", 15.0)])
            }
            let withGrandparent = size >= 4 && rng.chance(0.08)
            let children = size - c.people.count - (withGrandparent ? 1 : 0)
            let youngestParent = c.people.map(\.age).min() ?? refAge
            for _ in 0..<max(0, children) {
                let oldest = max(0, min(youngestParent - 17, 30))
                // About a third of the "children" in a family household are 16 or over.
                let age = rng.weighted([(rng.int(0...min(4, oldest)), 20.0), (rng.int(0...min(15, oldest)), 45.0), (rng.int(min(16, oldest)...oldest), 35.0)])
                var child = person(&rng, .child, age: age, lastName: lastName, censusDate)
                if age >= 16 { child.marital = "never_married" }
                // Children of parents born abroad are mostly born here.
                c.people.append(child)
            }
            if withGrandparent {
                let age = min(104, refAge + rng.int(22...34))
                var g = person(&rng, .parent, age: age, lastName: lastName, censusDate)
                g.marital = "widowed"
                c.people.append(g)
            }
        }
        if rng.chance(0.05) {
            for _ in 0..<rng.int(1...2) {
                c.visitors.append(person(&rng, .sharer, age: rng.int(1...80), lastName: rng.pick(lastNames), censusDate))
            }
        }
        return c
    }

    static func person(_ rng: inout SeededRandom, _ role: Person.Role, age: Int, lastName: String, _ censusDate: CalendarDate) -> Person {
        let sex = rng.chance(0.51) ? "female" : "male"
        // A birthday uniformly in the year before the age-th anniversary of the census date.
        let latest = censusDate.adding(CalendarDuration(-age, .years))!.dayNumber
        let earliest = censusDate.adding(CalendarDuration(-(age + 1), .years))!.dayNumber + 1
        let dob = CalendarDate(dayNumber: rng.int(earliest...latest))!
        let abroad = rng.chance(age < 18 ? 0.06 : 0.16)
        var p = Person(
            role: role, age: age, dob: dob, sex: sex,
            firstName: rng.pick(sex == "female" ? femaleNames : maleNames), lastName: lastName, bornAbroad: abroad,
            birthCountry: "england", birthCountryDetail: nil, arrival: nil, marital: nil, partnerIndex: nil)
        if abroad {
            p.birthCountry = rng.weighted([("elsewhere", 85.0), ("ireland", 6.0), ("scotland", 6.0), ("northern_ireland", 3.0)])
            if p.birthCountry == "elsewhere" { p.birthCountryDetail = rng.pick(Composition.abroad) }
            if p.birthCountry == "elsewhere" || p.birthCountry == "ireland" {
                let born = MonthYear(dob).monthNumber
                let now = MonthYear(censusDate).monthNumber
                // Recent arrivals are common: a fifth arrived in the last two years.
                let arrived = rng.chance(0.2) ? max(born, now - rng.int(0...24)) : rng.int(born...now)
                p.arrival = MonthYear(monthNumber: arrived)
            }
        } else {
            p.birthCountry = rng.weighted([("england", 88.0), ("wales", 9.0), ("scotland", 2.0), ("northern_ireland", 1.0)])
        }
        if age >= 16 && p.marital == nil { p.marital = age < 25 ? "never_married" : rng.weighted([("never_married", 50.0), ("divorced", 30.0), ("separated", 10.0), ("widowed", 10.0)]) }
        return p
    }

    /// "person is other's ...": the relationship option for a pair (person after other in the roster).
    func relationship(person p: Int, other o: Int) -> String {
        let a = people[p], b = people[o]
        switch (a.role, b.role) {
        case (.partner, .reference): return coupleKind ?? "partner"
        case (.child, .reference): return "son_daughter"
        case (.child, .partner): return "son_daughter"
        case (.child, .child): return "brother_sister"
        case (.parent, .reference): return "mother_father"
        case (.parent, .partner): return "other_relation"
        case (.parent, .child): return "grandparent"
        default: return "unrelated"
        }
    }
}
