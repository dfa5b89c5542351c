import Foundation

/// Names the language of a report's text: an ISO 639 code (`sv`, `en`, `ar`, `so`, `fa`, `ti`,
/// `am`), or `und` when it cannot tell. Pure: nothing is read or written.
///
/// The script decides first: a text whose letters are mostly Ethiopic is Tigrinya, or Amharic when
/// it has more of Amharic's common words (`ነው`, `እና`) than of Tigrinya's (`እዩ`, `ኣብ`); a text
/// mostly in Arabic letters is Arabic or Persian. Within a script, character-trigram profiles
/// (naive Bayes over the trigrams of the words in that script, with each language's share of the
/// training texts as its prior odds) pick the language: Latin letters
/// are Swedish, English, Somali, Arabic (arabizi), Persian (finglish) or Tigrinya. The Swedish
/// words residents mix in ("polis", "brand", "ambulans") are a few trigrams among many and do
/// not flip a Somali text; in an Arabic-script text, Latin words are not read at all.
///
/// Persian and Dari are both `fa` (Dari is written alike; `prs` is never returned).
///
///     identifier.identify("Dab ayaa ka kacay guriga, ambulans u yeera").code  // "so"
public struct LanguageIdentifier: Sendable {
    /// What the identifier made of a text.
    public struct Identification: Sendable, Hashable {
        /// The ISO 639 code, or `und`.
        public var code: String
        /// The script most of the letters are in; nil for a text without letters.
        public var script: WritingScript?
        /// How much likelier the best language is than the runner-up (natural log).
        public var margin: Double
        /// The best language of the profiles, even when `code` is `und`; nil when no profile read it.
        public var best: String? = nil
        /// The runner-up language, when a profile named one.
        public var runnerUp: String? = nil
    }

    /// The profiles, in the order given.
    public let profiles: [LanguageProfile]
    /// A best language less than this much likelier (natural log) than the runner-up is `und`.
    public let minimumMargin: Double
    /// The languages most reports are in (Swedish and English): the text's words decide before
    /// these are named for a text that mixes them with another.
    public let commonLanguages: Set<String>
    /// For each gram some profile kept, its row in `table`.
    private let rows: [UInt64: Int]
    /// Row-major log-probabilities: `table[row * profiles.count + profile]`.
    private let table: [Float]
    private let unseen: [Float]
    /// The log of each profile's share of the training texts.
    private let priors: [Double]

    /// A text with fewer letters than this in its script ("ok", "hej") is too short to name.
    static let minimumLetters = 4

    /// A word is clearly one language when that profile finds it this much likelier (natural log)
    /// than any other.
    static let wordMargin = 2.0
    /// How many of a text's words must be clearly one other language, and what share of them, to
    /// name that language rather than a common one.
    static let otherWordsAtLeast = 3
    static let otherWordsShare = 1.0 / 3

    /// The share of a text's letters a non-Latin script needs to decide the script (Latin words
    /// inside an Arabic or Tigrinya text do not make it a Latin-letter text).
    static let scriptShare = 0.25

    /// Builds an identifier from trained profiles.
    public init(profiles: [LanguageProfile], minimumMargin: Double = 2, commonLanguages: Set<String> = ["sv", "en"]) {
        self.profiles = profiles
        self.minimumMargin = minimumMargin
        self.commonLanguages = commonLanguages
        var rows: [UInt64: Int] = [:]
        for profile in profiles {
            for key in profile.counts.keys where rows[key] == nil { rows[key] = rows.count }
        }
        var table = [Float](repeating: 0, count: rows.count * profiles.count)
        for (column, profile) in profiles.enumerated() {
            let missing = profile.logProbability(count: 0)
            for (key, row) in rows {
                table[row * profiles.count + column] =
                    profile.counts[key].map { profile.logProbability(count: $0) }
                    ?? missing
            }
        }
        self.rows = rows
        self.table = table
        unseen = profiles.map { $0.logProbability(count: 0) }
        let texts = Double(profiles.map(\.texts).reduce(0, +))
        priors = profiles.map { log(Double($0.texts) / texts) }
    }

    /// The language of `text`.
    public func identify(_ text: String) -> Identification {
        guard let script = Self.script(of: text) else { return Identification(code: "und", script: nil, margin: 0) }
        switch script {
        case .ethiopic:
            return Identification(code: Self.ethiopicLanguage(text), script: script, margin: minimumMargin)
        case .other:
            return Identification(code: "und", script: script, margin: 0)
        case .latin, .arabic:
            return byProfiles(text, script: script)
        }
    }

    /// Naive Bayes over the profiles of `script`; then, when that names a common language, the
    /// words themselves: a text whose words are, a third or more of them, clearly one other
    /// language is in that language (a Somali message with a Swedish sentence around it).
    private func byProfiles(_ text: String, script: WritingScript) -> Identification {
        let columns = profiles.indices.filter { profiles[$0].script == script }
        guard !columns.isEmpty else { return Identification(code: "und", script: script, margin: 0) }
        var scores = priors
        var grams = 0
        var words = 0
        var otherWords: [String: Int] = [:]
        var word = [Double](repeating: 0, count: profiles.count)
        for found in LanguageGrams.words(text) where found.script == script {
            for column in columns { word[column] = 0 }
            let scalars = found.scalars
            for start in 0...(scalars.count - 3) {
                let key = LanguageGrams.key(scalars[start], scalars[start + 1], scalars[start + 2])
                grams += 1
                if let row = rows[key] {
                    for column in columns { word[column] += Double(table[row * profiles.count + column]) }
                } else {
                    for column in columns { word[column] += Double(unseen[column]) }
                }
            }
            for column in columns { scores[column] += word[column] }
            words += 1
            let ranked = columns.sorted { word[$0] > word[$1] }
            if ranked.count > 1, word[ranked[0]] - word[ranked[1]] >= Self.wordMargin,
                !commonLanguages.contains(profiles[ranked[0]].code)
            {
                otherWords[profiles[ranked[0]].code, default: 0] += 1
            }
        }
        let ranked = columns.sorted { scores[$0] > scores[$1] }
        // Each word gives as many grams as it has letters and digits: "ok" or "hej" is too little.
        guard grams >= Self.minimumLetters, let best = ranked.first else {
            return Identification(code: "und", script: script, margin: 0)
        }
        // Two profiles of one language (none today) do not compete with each other.
        let rival = ranked.dropFirst().first { profiles[$0].code != profiles[best].code }
        let margin = rival.map { scores[best] - scores[$0] } ?? minimumMargin
        var found = Identification(
            code: profiles[best].code, script: script, margin: margin, best: profiles[best].code,
            runnerUp: rival.map { profiles[$0].code })
        if commonLanguages.contains(found.code),
            let other = otherWords.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }),
            other.value >= Self.otherWordsAtLeast, Double(other.value) >= Self.otherWordsShare * Double(words)
        {
            found.runnerUp = found.code
            found.code = other.key
            found.best = other.key
            return found
        }
        if margin < minimumMargin { found.code = "und" }
        return found
    }

    /// The script of most of the text's letters: Arabic or Ethiopic from a quarter of them on;
    /// nil without letters.
    ///
    /// Example: `script(of: "Brand i Rinkeby حريق كبير")` is `.arabic`.
    public static func script(of text: String) -> WritingScript? {
        var counts: [WritingScript: Int] = [:]
        for scalar in text.unicodeScalars {
            if let script = WritingScript.of(scalar) { counts[script, default: 0] += 1 }
        }
        let letters = counts.values.reduce(0, +)
        guard letters > 0 else { return nil }
        let arabic = counts[.arabic] ?? 0
        let ethiopic = counts[.ethiopic] ?? 0
        let share = Double(max(arabic, ethiopic)) / Double(letters)
        if share >= scriptShare { return arabic >= ethiopic ? .arabic : .ethiopic }
        return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key.rawValue > $1.key.rawValue }?.key
    }

    /// Common words of Tigrinya and of Amharic that the other language does not use so.
    static let tigrinyaWords: Set<String> = [
        "ኣብ", "ኣሎ", "ኣለዉ", "ኣሎና", "እዩ", "ኢዩ", "እያ", "ኢያ", "ነይሩ", "ነይራ", "ምስ", "ካብ", "ናብ", "እዚ", "እቲ", "ሕጂ",
        "ብዙሕ", "ኣይ", "ዘሎ", "ከምኡ",
    ]
    static let amharicWords: Set<String> = [
        "ነው", "ናቸው", "እና", "ላይ", "ውስጥ", "አለ", "ነበር", "ይህ", "ያለ", "አሁን", "ብዙ", "ወደ", "እባካችሁ", "አይደለም",
    ]

    /// Tigrinya, unless at least two of the words are Amharic's and more than are Tigrinya's.
    static func ethiopicLanguage(_ text: String) -> String {
        let words = LanguageGrams.words(text).filter { $0.script == .ethiopic }.map { LanguageGrams.string($0.scalars) }
        let tigrinya = words.filter(tigrinyaWords.contains).count
        let amharic = words.filter(amharicWords.contains).count
        return amharic >= 2 && amharic > tigrinya ? "am" : "ti"
    }
}
