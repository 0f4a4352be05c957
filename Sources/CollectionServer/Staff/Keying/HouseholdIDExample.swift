/// An example household id in the form of a frame's ids, for the keying page's hint: the
/// frame's id with its last run of digits replaced by 123, zero-padded to the run's width
/// (`H000000005` -> `H000000123`, `W-2021-00042` -> `W-2021-00123`). So the hint matches what
/// is printed on the paper forms of whichever frame is loaded, instead of a literal that was
/// another form (`H00000123`, 8 digits, beside ids of 9).
enum HouseholdIDExample {
    /// The example shaped like `id`, or `nil` when `id` has no digit (then any example would be
    /// the real id or a guess at a form the frame does not use).
    static func shaped(like id: String) -> String? {
        var chars = Array(id)
        guard let last = chars.lastIndex(where: \.isASCIIDigit) else { return nil }
        var first = last
        while first > 0, chars[first - 1].isASCIIDigit { first -= 1 }
        let width = last - first + 1
        let digits = Array("123".suffix(width))
        let number = Array(repeating: Character("0"), count: width - digits.count) + digits
        chars.replaceSubrange(first...last, with: number)
        return String(chars)
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
