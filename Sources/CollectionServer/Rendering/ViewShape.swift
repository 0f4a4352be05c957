/// A template view taken apart for ``TemplateSkeletons``: its shape (which names it has, its
/// booleans, which strings are empty, how many items each list holds) as a key, and its
/// non-empty strings, in the order met, as the values that fill the skeleton's holes.
///
/// Walking a view gives the same shape and the same order of values (dictionaries by sorted
/// name, lists in order) for every view with the same names, list lengths and flags: two
/// views with one key differ only in their strings, and swift-mustache
/// reads a non-empty string in only two ways, as text (`{{name}}`, `{{.}}`) and as a section
/// that is there (`{{#name}}`), so their pages differ only where those strings are shown.
/// (Transforms such as `{{lowercased(name)}}` would read the text itself: the templates use
/// none, and `TemplateSkeletonTests` checks that every template keeps to that.)
///
/// With ``makingMarkers`` the walk also rebuilds the view with each non-empty string replaced
/// by a marker naming its value's index (``marker(_:)``): rendered once by swift-mustache,
/// that view gives the skeleton.
struct ViewShape {
    /// The shape, as bytes: `s`/`e` a non-empty/empty string, `T`/`F` a flag, `n` no value,
    /// `{` name NUL value ... `}` a dictionary, `[` ... `]` a list, `O`/`P` typed views.
    /// Dictionary names never hold NUL (they are the templates' names), so the encoding is
    /// unambiguous.
    private(set) var key: [UInt8] = []
    /// The non-empty strings met, in order: the values of the holes.
    private(set) var values: [String] = []
    /// Whether the walk rebuilds the view with markers (``value(_:)`` returns it).
    let makingMarkers: Bool
    /// A value of a type the walk does not know was met: the view cannot use a skeleton.
    private(set) var unknown = false

    init(template: String, makingMarkers: Bool) {
        self.makingMarkers = makingMarkers
        key.reserveCapacity(1024)
        values.reserveCapacity(64)
        key.append(contentsOf: template.utf8)
        key.append(0)
    }

    /// A non-empty string's marker in the skeleton's render: SOH, the value's index, an
    /// apostrophe (which HTML escaping turns into `&#39;`, so the skeleton shows whether the
    /// template escapes the value there), STX. Neither control character is in any template.
    static func marker(_ index: Int) -> String { "\u{1}\(index)'\u{2}" }

    /// A string: a hole when it is not empty (the marker in its place when making markers).
    mutating func string(_ s: String) -> String {
        if s.isEmpty {
            key.append(0x65)  // e
            return s
        }
        key.append(0x73)  // s
        values.append(s)
        return makingMarkers ? Self.marker(values.count - 1) : s
    }

    mutating func optional(_ s: String?) -> String? {
        guard let s else {
            key.append(0x6E)  // n
            return nil
        }
        return string(s)
    }

    mutating func flag(_ b: Bool) -> Bool {
        key.append(b ? 0x54 : 0x46)  // T F
        return b
    }

    /// Marks the start of a typed view (`O` an option, `P` a "please specify" box).
    mutating func typed(_ tag: UInt8) {
        key.append(tag)
    }

    /// Any value a view holds: strings, flags, whole numbers (shown as text), dictionaries
    /// with string names, lists, and the typed views (``OptionView``, ``SpecifyView``).
    /// Anything else sets ``unknown``.
    mutating func value(_ v: Any) -> Any {
        // By exact type: a cast to another dictionary or list type (`[String: String]` to
        // `[String: Any]`, say) would convert element by element.
        let type = Swift.type(of: v)
        if type == String.self, let s = v as? String { return string(s) }
        if type == Bool.self, let b = v as? Bool { return flag(b) }
        if type == [String: Any].self, let d = v as? [String: Any] { return dictionary(d) }
        if type == [String: String].self, let d = v as? [String: String] { return strings(d) }
        if type == [[String: Any]].self, let l = v as? [[String: Any]] { return list(l) { $0.dictionary($1) } }
        if type == [[String: String]].self, let l = v as? [[String: String]] { return list(l) { $0.strings($1) } }
        if type == [OptionView].self, let l = v as? [OptionView] { return list(l) { $1.shaped(&$0) } }
        if type == [String].self, let l = v as? [String] { return list(l) { $0.string($1) } }
        if type == OptionView.self, let o = v as? OptionView { return o.shaped(&self) }
        if type == SpecifyView.self, let o = v as? SpecifyView { return o.shaped(&self) }
        // A whole number renders as its digits, like a string of them.
        if type == Int.self, let n = v as? Int { return string(String(n)) }
        unknown = true
        return v
    }

    /// A list: its items in order, each shaped by `item`.
    private mutating func list<Item>(_ items: [Item], _ item: (inout ViewShape, Item) -> Item) -> [Item] {
        key.append(0x5B)  // [
        var marked: [Item] = []
        if makingMarkers { marked.reserveCapacity(items.count) }
        for i in items {
            let m = item(&self, i)
            if makingMarkers { marked.append(m) }
        }
        key.append(0x5D)  // ]
        return makingMarkers ? marked : items
    }

    /// A dictionary: its names in sorted order (a dictionary's own order differs from one
    /// instance to the next, even for the same names), each with its value.
    mutating func dictionary(_ d: [String: Any]) -> [String: Any] {
        keyed(d) { $0.value($1) }
    }

    /// A dictionary of strings (a link's `href` and `text`, say), as ``dictionary(_:)``.
    mutating func strings(_ d: [String: String]) -> [String: String] {
        keyed(d) { $0.string($1) }
    }

    private mutating func keyed<Value>(_ d: [String: Value], _ value: (inout ViewShape, Value) -> Value) -> [String: Value] {
        key.append(0x7B)  // {
        var marked: [String: Value] = [:]
        if makingMarkers { marked.reserveCapacity(d.count) }
        for name in d.keys.sorted() {
            guard let v = d[name] else { continue }
            key.append(contentsOf: name.utf8)
            key.append(0)
            let m = value(&self, v)
            if makingMarkers { marked[name] = m }
        }
        key.append(0x7D)  // }
        return makingMarkers ? marked : d
    }
}

extension OptionView {
    /// This option's shape and values (see ``ViewShape``); with markers, the option marked.
    func shaped(_ shape: inout ViewShape) -> OptionView {
        shape.typed(0x4F)  // O
        var marked = OptionView(id: shape.string(id), name: shape.string(name), value: shape.string(value), label: shape.string(label),
                                checked: shape.flag(checked), multiple: shape.flag(multiple))
        marked.description = shape.optional(description)
        marked.descriptionID = shape.optional(descriptionID)
        marked.divider = shape.optional(divider)
        if let specify {
            marked.specify = specify.shaped(&shape)
        } else {
            shape.typed(0x6E)  // n
        }
        return marked
    }
}

extension SpecifyView {
    /// This box's shape and values (see ``ViewShape``); with markers, the box marked.
    func shaped(_ shape: inout ViewShape) -> SpecifyView {
        shape.typed(0x50)  // P
        return SpecifyView(id: shape.string(id), name: shape.string(name), label: shape.string(label), value: shape.string(value),
                           isNumber: shape.flag(isNumber))
    }
}
