/// A phone number in E.164 form (`+46701740605`): how responders' contacts and the senders of
/// inbound texts are compared.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// `+` and 8-15 digits.
    public let e164: String

    /// Normalises `text`: spaces, hyphens, dots and brackets are dropped; `00` becomes `+`; a national
    /// number starting with one `0` gets `defaultCountry` (46, Sweden). Nil for anything else
    /// (an e-mail address, a sender name, too few or too many digits).
    ///
    /// Example: `PhoneNumber("070-174 06 05")?.e164 == "+46701740605"`.
    public init?(_ text: String, defaultCountry: String = "46") {
        var digits = ""
        var plus = false
        for (offset, character) in text.trimmingWhitespace().enumerated() {
            switch character {
            case "+" where offset == 0: plus = true
            case " ", "-", ".", "(", ")", "\u{00A0}": continue
            case "0"..."9": digits.append(character)
            default: return nil
            }
        }
        if !plus {
            if digits.hasPrefix("00") {
                digits.removeFirst(2)
            } else if digits.hasPrefix("0") {
                digits = defaultCountry + digits.dropFirst()
            } else {
                return nil
            }
        }
        guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
        e164 = "+" + digits
    }

    /// The language texts to this number are written in when its responder chose none: Swedish for
    /// Swedish numbers, else English.
    public var language: TextLanguage { e164.hasPrefix("+46") ? .swedish : .english }

    public var description: String { e164 }
}

/// The languages texts are written in (`sv`, `en`): a responder's own choice, else their number's.
public enum TextLanguage: String, Sendable, Hashable, CaseIterable, Codable {
    case swedish = "sv"
    case english = "en"
}
