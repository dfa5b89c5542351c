/// The GSM 03.38 default alphabet texts are written in, so that one segment holds 160 characters
/// (a single character outside it makes the gateway send UCS-2, 70 characters a segment).
public enum GSM7 {
    /// The basic character set (one septet each).
    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
            + "¿abcdefghijklmnopqrstuvwxyzäöñüà")
    /// The extension table (two septets each: an escape and the character).
    static let extended: Set<Character> = Set("^{}\\[~]|€")

    /// Longest text in two concatenated segments (153 septets each).
    public static let twoSegments = 306

    /// `text` in the GSM-7 alphabet (Swedish å, ä, ö are in it): typographic dashes, quotes and
    /// accented letters outside it become their plain equivalents, anything else `?`; cut to at
    /// most `limit` septets, ending in `...` when cut.
    ///
    /// Example: `GSM7.text("Café – “ok”") == "Café - \"ok\""`.
    public static func text(_ text: String, limit: Int = twoSegments) -> String {
        var out = ""
        var septets = 0
        for character in text {
            let mapped =
                basic.contains(character) || extended.contains(character) ? String(character) : substitute(character)
            let cost = mapped.reduce(0) { $0 + (extended.contains($1) ? 2 : 1) }
            if septets + cost > limit {
                while septets > limit - 3, let last = out.popLast() { septets -= extended.contains(last) ? 2 : 1 }
                return out + "..."
            }
            out += mapped
            septets += cost
        }
        return out
    }

    /// How many septets `text` takes (it must be GSM-7 already).
    public static func septets(_ text: String) -> Int { text.reduce(0) { $0 + (extended.contains($1) ? 2 : 1) } }

    private static func substitute(_ character: Character) -> String {
        switch character {
        case "–", "—", "‐", "−": return "-"
        case "‘", "’", "´", "`": return "'"
        case "“", "”", "„", "«", "»": return "\""
        case "…": return "..."
        case "\t", "\u{00A0}": return " "
        case "á", "â", "ã": return "a"
        case "Á", "Â", "À", "Ã": return "A"
        case "ê", "ë": return "e"
        case "È", "Ê", "Ë": return "E"
        case "í", "î", "ï": return "i"
        case "ó", "ô", "õ": return "o"
        case "ú", "û": return "u"
        case "ç": return "Ç"
        case "š": return "s"
        case "Š": return "S"
        case "ž": return "z"
        case "Ž": return "Z"
        default: return character.isWhitespace ? " " : "?"
        }
    }
}
