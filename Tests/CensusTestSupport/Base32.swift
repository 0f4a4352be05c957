/// RFC 4648 base32 decoding, for reading TOTP enrolment secrets back in tests (the
/// `secret=` of an `otpauth://` URI).
public enum Base32 {
    /// The bytes of `text` (padding and case ignored), or nil for a character outside the alphabet.
    public static func decode(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0, value = 0
        var out: [UInt8] = []
        for c in text.uppercased() where c != "=" {
            guard let index = alphabet.firstIndex(of: c) else { return nil }
            value = ((value << 5) | index) & 0xFFFF
            bits += 5
            if bits >= 8 {
                out.append(UInt8((value >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return out
    }
}
