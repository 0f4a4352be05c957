/// The evaluator's own messages (check messages come from the schema), in English and Welsh.
/// Any other language falls back to English.
enum Messages {
    static func text(_ code: String, _ language: String, _ args: [String] = []) -> String {
        let welsh = language == "cy"
        func a(_ i: Int) -> String { i < args.count ? args[i] : "" }
        switch code {
        case "required":
            return welsh ? "Mae angen ateb i'r cwestiwn hwn: \(a(0))" : "This question needs an answer: \(a(0))"
        case "not_applicable":
            return welsh
                ? "Nid yw'r cwestiwn hwn yn berthnasol, felly anwybyddir yr ateb: \(a(0))"
                : "This question does not apply, so its answer is ignored: \(a(0))"
        case "type":
            return welsh ? "Disgwyliwyd \(a(0)), ond cafwyd \(a(1))" : "Expected \(a(0)), found \(a(1))"
        case "no_such_date":
            return welsh ? "Nid yw \(a(0)) yn ddyddiad go iawn (nid oes diwrnod, mis neu flwyddyn o'r fath)"
                : "\(a(0)) is not a real date (no such day, month or year)"
        case "out_of_range":
            return welsh ? "Mae \(a(0)) y tu allan i'r ystod a ganiateir (\(a(1)) i \(a(2)))"
                : "\(a(0)) is outside the allowed range (\(a(1)) to \(a(2)))"
        case "too_long":
            return welsh ? "Mae'r ateb yn rhy hir: \(a(0)) nod, uchafswm \(a(1))"
                : "The answer is too long: \(a(0)) characters, at most \(a(1))"
        case "pattern":
            return welsh ? "Nid yw'r ateb yn y ffurf ddisgwyliedig" : "The answer is not in the expected form"
        case "invalid_option":
            return welsh ? "Nid yw '\(a(0))' yn un o'r opsiynau: \(a(1))" : "'\(a(0))' is not one of the options: \(a(1))"
        case "exclusive_option":
            return welsh ? "Ni ellir dewis '\(a(0))' gydag unrhyw opsiwn arall"
                : "'\(a(0))' cannot be chosen together with any other option"
        case "option_not_offered":
            return welsh ? "Nid yw '\(a(0))' yn cael ei gynnig i'r person hwn" : "'\(a(0))' is not offered here"
        case "duplicate_option":
            return welsh ? "Dewiswyd '\(a(0))' fwy nag unwaith" : "'\(a(0))' is chosen more than once"
        case "specify_too_long":
            return welsh ? "Mae'r manylion yn rhy hir: \(a(0)) nod, uchafswm \(a(1))"
                : "The written-in detail is too long: \(a(0)) characters, at most \(a(1))"
        case "detail_not_allowed":
            return welsh ? "Nid oes angen manylion ar gyfer '\(a(0))'" : "Option '\(a(0))' takes no written-in detail"
        case "invalid_address":
            return welsh ? "Cyfeiriad annilys: \(a(0))" : "Invalid address: \(a(0))"
        case "invalid_postcode":
            return welsh ? "Nid yw '\(a(0))' yn god post yn y DU" : "'\(a(0))' is not a UK postcode"
        case "roster_size":
            return welsh ? "Mae \(a(0)) aelod yn \(a(1)); rhaid cael rhwng \(a(2)) a \(a(3))"
                : "\(a(1)) has \(a(0)) members; it must have between \(a(2)) and \(a(3))"
        case "unknown_key":
            let hint = a(1).isEmpty ? "" : (welsh ? " (ai '\(a(1))' oedd dan sylw?)" : " (did you mean '\(a(1))'?)")
            return (welsh ? "Allwedd anhysbys '\(a(0))'" : "Unknown key '\(a(0))'") + hint
        case "invalid_pair":
            return welsh ? "Pâr annilys: \(a(0))" : "Invalid pair: \(a(0))"
        case "duplicate_pair":
            return welsh ? "Mae'r pâr \(a(0)) wedi'i ateb fwy nag unwaith" : "The pair \(a(0)) is answered more than once"
        case "invalid_field":
            return welsh ? "Maes annilys '\(a(0))': \(a(1))" : "Invalid field '\(a(0))': \(a(1))"
        case "invalid_confirmation":
            return welsh ? "Cadarnhad annilys: \(a(0))" : "Invalid confirmation: \(a(0))"
        case "schema_mismatch":
            return a(0)
        default:
            return code
        }
    }
}
