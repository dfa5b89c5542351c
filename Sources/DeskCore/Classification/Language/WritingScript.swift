/// The writing system of a letter, as the language identifier tells them apart: Latin, Arabic
/// (Arabic, Persian, Dari, Urdu …), Ethiopic (Tigrinya, Amharic …), or another.
public enum WritingScript: String, Sendable, Hashable, CaseIterable {
    case latin
    case arabic
    case ethiopic
    case other

    /// The script of a letter; nil for anything that is not a letter (digits, marks, punctuation).
    ///
    /// Example: `WritingScript.of("پ")` is `.arabic`, `WritingScript.of("7")` is nil.
    public static func of(_ scalar: Unicode.Scalar) -> WritingScript? {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) ? .latin : nil
        }
        let properties = scalar.properties
        guard properties.isAlphabetic, properties.generalCategory != .nonspacingMark else { return nil }
        switch value {
        case 0xC0...0x24F, 0x1E00...0x1EFF: return value == 0xD7 || value == 0xF7 ? nil : .latin
        case 0x600...0x6FF, 0x750...0x77F, 0x8A0...0x8FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF:
            return value == 0x640 ? nil : .arabic
        case 0x1200...0x139F, 0x2D80...0x2DDF, 0xAB00...0xAB2F: return .ethiopic
        default: return .other
        }
    }
}
