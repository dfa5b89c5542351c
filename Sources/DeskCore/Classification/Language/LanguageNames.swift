/// Names of the languages the identifier returns, in English, for review reasons and listings.
public enum LanguageNames {
    /// `Somali` for `so`; the code itself for a code it does not know; `an unrecognised language`
    /// for `und`.
    public static func english(_ code: String) -> String {
        switch code {
        case "sv": return "Swedish"
        case "en": return "English"
        case "ar": return "Arabic"
        case "so": return "Somali"
        case "fa", "prs": return "Persian or Dari"
        case "ti": return "Tigrinya"
        case "am": return "Amharic"
        case "und": return "an unrecognised language"
        default: return code
        }
    }
}
