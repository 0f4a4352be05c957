import Foundation

/// The store's key for a person's private **individual return**: the household id, `/`, and
/// the person's key in the address frame (`H000123/i1`).
///
/// A person in a household may answer their own per-member section privately, on an
/// individual access code (docs/field.md, "Individual responses"). Their versions (online
/// saves, the submission) are stored like a household's, under this key, in **the household's
/// shard** (``ResponseStore/shard(for:)`` reads only the part before the `/`), so that a
/// snapshot of one shard holds a household and its individuals together, and in id order an
/// individual's versions come straight after their household's (`/` sorts before every
/// character of a household id).
///
/// A household id never contains `/` (the frame allows `A-Z a-z 0-9 - _`), so the two kinds
/// of key cannot be confused. Which version of an individual counts is
/// ``AuthoritativeReturn/chooseIndividual(from:)``.
///
/// ```swift
/// IndividualReturn.key(household: "H000123", person: "i1")      // "H000123/i1"
/// IndividualReturn.split("H000123/i1")                           // ("H000123", "i1")
/// IndividualReturn.split("H000123")                              // ("H000123", nil)
/// ```
public enum IndividualReturn {
    /// Between the household id and the person's key.
    public static let separator: Character = "/"

    /// The key of a person's individual return.
    public static func key(household: String, person: String) -> String {
        household + String(separator) + person
    }

    /// The household and, for an individual return's key, the person.
    public static func split(_ key: String) -> (household: String, person: String?) {
        // Searched as a byte (the separator is ASCII): a search by Character walks grapheme
        // clusters, and the aggregator splits the key of every version it reads.
        guard let slash = key.utf8.firstIndex(of: separator.asciiValue ?? UInt8(ascii: "/")) else { return (key, nil) }
        return (String(key[..<slash]), String(key[key.index(after: slash)...]))
    }

    /// The household a key belongs to (the key itself for a household's own versions).
    public static func household(of key: String) -> String { split(key).household }
}
