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

    /// Why a report in a language the desk's lexicon does not read goes to review: `needs
    /// someone who reads Somali`; for `und`, `needs someone who can tell its language`.
    public static func reviewReason(_ code: String) -> String {
        code == "und" ? "needs someone who can tell its language" : "needs someone who reads \(english(code))"
    }
}
