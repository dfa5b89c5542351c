import Foundation

/// The classifier's verdict on a report, with the evidence.
public struct Classification: Sendable, Hashable, Codable {
    /// One piece of evidence: a matched term or a structured field, and what it voted for.
    public struct Signal: Sendable, Hashable, Codable {
        /// `phase` (a word rule), `cue` (a grammatical cue), `decisive` (a rule that overrides the
        /// model), `present`, `not-yet`, `no-longer` (a negated acute cue that has stopped: `after`),
        /// `short-report` (a short report the lexicon decided), `negated`, `category`, `severity`,
        /// `field`, or the model's:
        /// `model` (its verdict and probability), `model-part` (how much the words, the lexicon and
        /// the cues pushed it) and `model-feature` (the words and word parts that pushed most).
        public var kind: String
        /// The rule (or field) that produced it, e.g. `acute-now` or `ongoing`.
        public var rule: String
        /// The term as configured, e.g. `pågår` or `right now`.
        public var term: String
        /// The text that matched it, e.g. `pågår` or `dödsskjutningen`.
        public var matched: String
        /// What it voted for: a phase, a category or `+N` severity.
        public var vote: String
        public var weight: Double

        /// Creates a signal.
        public init(kind: String, rule: String, term: String, matched: String, vote: String, weight: Double) {
            self.kind = kind
            self.rule = rule
            self.term = term
            self.matched = matched
            self.vote = vote
            self.weight = weight
        }
    }

    public var phase: Phase
    public var category: Category
    /// 1 (minor) to 5 (mass casualty).
    public var severity: Int
    /// 0 (no idea) to 1 (certain), rounded to two decimals.
    public var confidence: Double
    /// True when confidence is under the configured threshold: a duty officer should confirm.
    public var needsReview: Bool
    /// Why it needs review, when a reader of a language is wanted: `needs someone who reads
    /// Somali`. Nil for a Swedish or English report, and when no review is needed.
    public var reviewReason: String?
    /// What decided the phase.
    public var decidedBy: Basis
    /// The report's language: the one asked for, or the one `LanguageIdentifier` named (ISO 639:
    /// `sv`, `en`, `ar`, `so`, `fa` for Persian and Dari, `ti`, `am`, or `und` when unsure). Nil
    /// only in classifications stored before languages were named.
    public var language: String?
    /// Phase scores of the lexicon's rules and cues, for the explanation.
    public var scores: [String: Double]
    /// The model's probability of each phase, when a model read the text.
    public var probabilities: [String: Double]?
    public var signals: [Signal]

    /// Creates a classification.
    public init(
        phase: Phase, category: Category, severity: Int, confidence: Double, needsReview: Bool,
        reviewReason: String? = nil, decidedBy: Basis, language: String? = nil, scores: [String: Double],
        probabilities: [String: Double]? = nil,
        signals: [Signal]
    ) {
        self.phase = phase
        self.category = category
        self.severity = severity
        self.confidence = confidence
        self.needsReview = needsReview
        self.reviewReason = reviewReason
        self.decidedBy = decidedBy
        self.language = language
        self.scores = scores
        self.probabilities = probabilities
        self.signals = signals
    }

    enum CodingKeys: String, CodingKey {
        case phase, category, severity, confidence, language, scores, probabilities, signals
        case needsReview = "needs_review"
        case reviewReason = "review_reason"
        case decidedBy = "decided_by"
    }
}

extension Classification {
    /// What decided the phase.
    public enum Basis: String, Sendable, Hashable, Codable {
        /// The reporter gave the phase.
        case reporter
        /// `ongoing` and `occurred_at` decided it.
        case fields
        /// The text decided it: the model with the rules' scores, or a decisive rule.
        case text
        /// Nothing did: the phase is `unclassified`.
        case none
    }
}

extension Classification.Signal {
    enum CodingKeys: String, CodingKey {
        case kind, rule, term, matched, vote, weight
    }
}

/// What the classifier reads: the text and the structured fields of a report.
public struct ClassifierInput: Sendable, Hashable {
    public var text: String
    public var title: String?
    public var ongoing: Bool?
    public var occurredAt: Date?
    public var injured: Int?
    /// The phase the reporter gave; wins over everything.
    public var phase: Phase?
    /// The category the reporter gave; wins over the text.
    public var category: Category?
    /// Only rules in this language (and language-neutral ones) apply; nil for all.
    public var language: String?
    /// Now, to judge `occurredAt`.
    public var now: Date

    /// Creates an input.
    public init(
        text: String, title: String? = nil, ongoing: Bool? = nil, occurredAt: Date? = nil, injured: Int? = nil,
        phase: Phase? = nil, category: Category? = nil, language: String? = nil, now: Date = Date()
    ) {
        self.text = text
        self.title = title
        self.ongoing = ongoing
        self.occurredAt = occurredAt
        self.injured = injured
        self.phase = phase
        self.category = category
        self.language = language
        self.now = now
    }
}
