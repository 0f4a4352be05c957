import Mustache

/// One radio or checkbox of a choice field (`field.mustache`, `{{#options}}`), as the
/// template reads it: a typed view rather than a `[String: Any]`.
///
/// A page of choices renders these more than anything else (a dozen names for each option of
/// each question). swift-mustache asks a view for each name through ``child(named:)``
/// (`MustacheParent`): here a `switch` over the names the template uses, with no dictionary to
/// build, hash into or box values for. A name the template asks that the option lacks is
/// answered `false`, never nil: nil would make swift-mustache look the name up again in every
/// enclosing view (the field's, the page's) and could find theirs. Only `error` climbs, on
/// purpose: a "please specify" box shows its field's error (see ``SpecifyView``).
struct OptionView: MustacheParent {
    var id: String
    var name: String
    /// The option's id, as posted.
    var value: String
    var label: String
    var checked: Bool
    /// Checkboxes (any of), not radios (one of).
    var multiple: Bool
    /// The option's description under its label, and the id that ties it to the input.
    var description: String?
    var descriptionID: String?
    /// "or", above an exclusive checkbox ("None of these") after others.
    var divider: String?
    /// Its "please specify" box.
    var specify: SpecifyView?

    func child(named name: String) -> Any? {
        switch name {
        case "id": return id
        case "name": return self.name
        case "value": return value
        case "label": return label
        case "checked": return checked
        case "multiple": return multiple
        case "group": return multiple ? "checkboxes" : "radios"
        case "type": return multiple ? "checkbox" : "radio"
        case "description": return description ?? false
        case "descriptionID": return descriptionID ?? false
        case "divider": return divider ?? false
        case "specify": return specify ?? false
        default: return nil
        }
    }
}

/// The "please specify" box under an option (`{{#specify}}` in `field.mustache`). `error` is
/// the one name it leaves to the enclosing views: the box is marked in error when its field is.
struct SpecifyView: MustacheParent {
    var id: String
    var name: String
    var label: String
    var value: String
    /// A number is asked for (a number keypad on phones, a narrower box).
    var isNumber: Bool

    func child(named name: String) -> Any? {
        switch name {
        case "id": return id
        case "name": return self.name
        case "label": return label
        case "value": return value
        case "numeric": return isNumber
        case "width": return isNumber ? "input--w4" : "input--w20"
        default: return nil
        }
    }
}
