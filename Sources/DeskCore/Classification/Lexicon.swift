/// The terms and weights the classifier works with: data a branch can edit (loaded from
/// `config/classifier.toml`), not code.
public struct Lexicon: Sendable, Hashable {
    /// What a rule votes for.
    public enum Target: Sendable, Hashable {
        case phase(Phase)
        case category(Category)
        /// Raises severity by this many steps.
        case severity(Int)
    }

    /// A group of terms that vote for one target with one weight.
    public struct Rule: Sendable, Hashable {
        /// A short label shown with the signals, e.g. `acute-now`.
        public var name: String
        public var target: Target
        public var weight: Double
        /// Terms, in the syntax `TermPattern` describes.
        public var terms: [String]
        /// A negator shortly before the term (`inte`, `ingen`, `not`, …) cancels it.
        public var negatable: Bool
        /// A cue that the event is happening now: it outweighs cues of a past event.
        public var present: Bool
        /// A grammatical cue (tense and aspect, modality, warnings, duration, transitions) rather
        /// than a word about the event: scored apart (`cue` signals), so the model weighs it apart.
        public var cue: Bool
        /// A match decides the phase whatever the model says (an operator's override).
        public var decisive: Bool
        /// The language the terms are in (`sv`, `en`), or nil for any.
        public var language: String?
        /// Where the rule was defined (for error messages), e.g. `config/classifier.toml:42`.
        public var origin: String

        /// Creates a rule.
        public init(
            name: String, target: Target, weight: Double, terms: [String], negatable: Bool = false,
            present: Bool = false, cue: Bool = false, decisive: Bool = false, language: String? = nil,
            origin: String = ""
        ) {
            self.name = name
            self.target = target
            self.weight = weight
            self.terms = terms
            self.negatable = negatable
            self.present = present
            self.cue = cue
            self.decisive = decisive
            self.language = language
            self.origin = origin
        }
    }

    /// Numbers that shape the verdict.
    public struct Settings: Sendable, Hashable {
        /// Confidence below which an incident needs a duty officer's review.
        public var reviewThreshold: Double = 0.5
        /// The same for a report in a language the lexicon has no rules for (Arabic, Somali …) or
        /// whose language is not recognised: the model alone read it, from less data, so it must
        /// be surer; under this it goes to review with the language named. 0.7: the least at which
        /// 97 % of the reports not sent to review were right when each training file was left out.
        public var unfamiliarReviewThreshold: Double = 0.7
        /// How many tokens before a cue a negator may stand.
        public var negationWindow: Int = 4
        /// Added to `during` when a cue says the event is happening now.
        public var presentBonus: Double = 2
        /// What a negated cue with "yet" (`inget har hänt ännu`) adds to `before`.
        public var notYetWeight: Double = 4
        /// What a negated acute cue with "no longer" (`det brinner inte längre`) adds to the
        /// grammatical cues of `after`: the acute event has stopped.
        public var noLongerWeight: Double = 4
        /// Keeps thin evidence from looking certain: without a model (or for a decisive rule, or a
        /// short report the lexicon decides), confidence is margin / (top + damping).
        public var confidenceDamping: Double = 1.5
        /// A report shorter than the model's full length (about eight words) follows the lexicon
        /// when the lexicon's best phase scores more than this many times the runner-up…
        public var shortReportLead: Double = 2
        /// …unless the phase model gives another phase at least this probability.
        public var shortReportVeto: Double = 0.95

        /// Default settings.
        public init() {}
    }

    public var rules: [Rule]
    /// Words that negate a following cue.
    public var negators: [String]
    /// Terms that make a negated cue "not yet" (a sign of what may come): `ännu`, `yet`, `so far`.
    public var yetTerms: [String]
    /// Terms that make a negated acute cue "no longer" (it has stopped): `längre`, `any more`.
    public var noLongerTerms: [String]
    /// Words that end a clause for negation, like punctuation does: `men`, `but`.
    public var clauseBreakers: [String]
    /// Common words of each language (`och`, `är` / `and`, `is`): when a report does not say its
    /// language, the one with more of them in the text is taken, and only its rules apply.
    public var languageMarkers: [String: [String]]
    public var settings: Settings

    /// Creates a lexicon.
    public init(
        rules: [Rule], negators: [String], yetTerms: [String], noLongerTerms: [String] = [],
        clauseBreakers: [String] = [], languageMarkers: [String: [String]] = [:], settings: Settings = Settings()
    ) {
        self.rules = rules
        self.negators = negators
        self.yetTerms = yetTerms
        self.noLongerTerms = noLongerTerms
        self.clauseBreakers = clauseBreakers
        self.languageMarkers = languageMarkers
        self.settings = settings
    }
}
