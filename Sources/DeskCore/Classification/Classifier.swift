import Foundation

/// Puts a report in a phase of the crisis model, with a category, a severity, a confidence and
/// the signals that decided it. Pure and deterministic: the same lexicon and input always give
/// the same answer, and nothing is read or written.
///
/// Precedence: a phase the reporter gave wins; then the structured fields (`ongoing: true` is
/// `during`; `ongoing: false` is `after`, unless `occurred_at` lies ahead or the text speaks of
/// something still to come); then the text.
///
/// The text is read twice: the lexicon's rules and grammatical cues score each phase, and the
/// phase model (a logistic regression over words, word pairs and character n-grams, with the
/// rules' scores as inputs) turns that into a probability per phase. The most probable phase
/// wins, unless a `decisive` rule matched. Every text with a word in it gets a phase; thin
/// evidence gets a low confidence and `needs_review`, never `unclassified`.
public struct Classifier: Sendable {
    /// What a term of the index stands for.
    enum TermRole: Sendable {
        /// A term of `lexicon.rules[index]`.
        case rule(Int)
        case negator
        case yet
        case noLonger
        /// A common word of this language.
        case marker(String)
    }

    public let lexicon: Lexicon
    /// The phase model for the languages the lexicon has rules for (Swedish and English); nil to
    /// decide by the rules alone, in every language.
    public let model: PhaseModel?
    /// The phase model for every other language (trained on all the corpus, the residents'
    /// languages with the Swedish and English); nil when it is not installed: a report in another
    /// language that only its text could decide then goes to review, its language named.
    public let otherLanguagesModel: PhaseModel?
    /// Names the language of each report.
    public let identifier: LanguageIdentifier
    /// The languages the lexicon has rules or markers for (`sv`, `en`): read with `model`, and
    /// reviewed at the lexicon's `reviewThreshold`; any other language (or `und`) is read with
    /// `otherLanguagesModel` and reviewed at `unfamiliarReviewThreshold`.
    public let familiarLanguages: Set<String>
    /// Every term (rules, negators, yet and no-longer terms, language markers), found in one pass
    /// over a report.
    let index: PatternIndex
    /// For each term in `index`, what it stands for.
    let roles: [TermRole]
    let breakers: Set<[UInt8]>

    /// Compiles a lexicon, to read with the installed models (trained with the shipped lexicon);
    /// throws for a term that cannot match anything or an out-of-range setting.
    public init(_ lexicon: Lexicon, models: ClassifierModels) throws(LexiconError) {
        try self.init(
            lexicon, model: models.phase, otherLanguagesModel: models.otherLanguages, identifier: models.identifier)
    }

    /// Compiles a lexicon, to read with `model` and `otherLanguagesModel` (nil: the rules alone)
    /// and name languages with `identifier`; throws for a term that cannot match anything or an
    /// out-of-range setting.
    public init(
        _ lexicon: Lexicon, model: PhaseModel?, otherLanguagesModel: PhaseModel?, identifier: LanguageIdentifier
    ) throws(LexiconError) {
        self.lexicon = lexicon
        self.model = model
        self.otherLanguagesModel = otherLanguagesModel
        self.identifier = identifier
        self.familiarLanguages = Set(lexicon.languageMarkers.keys).union(lexicon.rules.compactMap(\.language))
        var index = PatternIndex()
        var roles: [TermRole] = []
        func add(_ term: String, _ role: TermRole, context: String, origin: String = "") throws(LexiconError) {
            do {
                index.add(try TermPattern(term))
            } catch {
                throw LexiconError("\(context): \(error.message)", origin: origin)
            }
            roles.append(role)
        }
        for (ruleIndex, rule) in lexicon.rules.enumerated() {
            guard !rule.terms.isEmpty else {
                throw LexiconError("rule \"\(rule.name)\" has no terms", origin: rule.origin)
            }
            guard rule.weight.isFinite, rule.weight >= 0 else {
                throw LexiconError("rule \"\(rule.name)\": weight must be zero or more", origin: rule.origin)
            }
            for term in rule.terms {
                try add(term, .rule(ruleIndex), context: "rule \"\(rule.name)\"", origin: rule.origin)
            }
        }
        for word in lexicon.negators { try add("=\(word)", .negator, context: "negators") }
        for term in lexicon.yetTerms { try add(term, .yet, context: "yet") }
        for term in lexicon.noLongerTerms { try add(term, .noLonger, context: "no_longer") }
        for (language, words) in lexicon.languageMarkers.sorted(by: { $0.key < $1.key }) {
            for word in words { try add("=\(word)", .marker(language), context: "language markers of \(language)") }
        }
        self.index = index
        self.roles = roles
        var breakers: Set<[UInt8]> = []
        for word in lexicon.clauseBreakers {
            let tokens = TextTokens(word)
            guard tokens.count == 1 else { throw LexiconError("clause breaker \"\(word)\" must be one word") }
            breakers.insert(Array(tokens.word(0)))
        }
        self.breakers = breakers
    }

    /// Classifies one report.
    public func classify(_ input: ClassifierInput) -> Classification {
        let text = Self.reading(input)
        let reader = reader(for: input, text: text)
        let tokens = TextTokens(text, breakers: breakers)
        var evidence = evidence(in: tokens, language: input.language)
        let reading = textVerdict(tokens: tokens, evidence: evidence, model: reader.model)
        evidence.signals.append(contentsOf: reading?.signals ?? [])
        var signals: [Classification.Signal] = []
        let verdict = phase(for: input, text: reading, fieldSignals: &signals)
        let category = input.category ?? evidence.leadingCategory ?? .other
        if input.category != nil {
            signals.append(field("category", input.category?.rawValue ?? "", vote: category.rawValue))
        }
        var severity = Self.baseSeverity(verdict.phase) + evidence.severitySteps
        if let injured = input.injured, injured > 0 {
            let steps = injured >= 5 ? 2 : 1
            severity += steps
            signals.append(
                .init(
                    kind: "severity", rule: "injured", term: "injured", matched: String(injured), vote: "+\(steps)",
                    weight: Double(steps)))
        }
        evidence.signals.append(contentsOf: signals)
        let confidence = (verdict.confidence * 100).rounded() / 100
        let needsReview =
            verdict.phase == .unclassified || confidence < reader.reviewThreshold
            || (verdict.basis == .text && !reader.readsText)
        return Classification(
            phase: verdict.phase, category: category, severity: min(5, max(1, severity)), confidence: confidence,
            needsReview: needsReview, reviewReason: needsReview ? reader.reviewReason : nil, decidedBy: verdict.basis,
            language: reader.language,
            scores: Dictionary(
                uniqueKeysWithValues: Phase.assignable.map { ($0.rawValue, evidence.ruleScores[$0] ?? 0) }),
            probabilities: reading?.probabilities, signals: evidence.signals
        )
    }

    /// How a report is read, by its language: which model, the confidence it needs to pass without
    /// review, and the reason given when it does not.
    struct Reader {
        var language: String
        var model: PhaseModel?
        var reviewThreshold: Double
        var reviewReason: String?
        /// False when no installed model reads this language: a verdict from its text alone (the
        /// rules' few words) is never trusted without a reader.
        var readsText = true
    }

    /// The language given, or the identifier's; a familiar language, or an `und` text too short to
    /// name ("ok") or that reads most like one ("Brand!"), with `model` at the lexicon's threshold; any
    /// other with `otherLanguagesModel` at `unfamiliarReviewThreshold`, the reason naming the language.
    func reader(for input: ClassifierInput, text: String) -> Reader {
        let found =
            input.language.map { LanguageIdentifier.Identification(code: $0, script: nil, margin: 0) }
            ?? identifier.identify(text)
        let settings = lexicon.settings
        // Too short to name ("ok"), or reads most like Swedish or English: the desk's own languages.
        let readsLikeFamiliar = found.code == "und" && found.best.map(familiarLanguages.contains) != false
        if familiarLanguages.contains(found.code) || readsLikeFamiliar {
            return Reader(language: found.code, model: model, reviewThreshold: settings.reviewThreshold)
        }
        return Reader(
            language: found.code, model: model == nil ? nil : otherLanguagesModel ?? model,
            reviewThreshold: max(settings.reviewThreshold, settings.unfamiliarReviewThreshold),
            reviewReason: LanguageNames.reviewReason(found.code),
            readsText: model == nil || otherLanguagesModel != nil)
    }

    private struct Verdict {
        var phase: Phase
        var basis: Classification.Basis
        var confidence: Double
    }

    private func phase(
        for input: ClassifierInput, text: TextVerdict?, fieldSignals signals: inout [Classification.Signal]
    ) -> Verdict {
        let textConfidence = text?.confidence ?? 0
        if let phase = input.phase {
            signals.append(field("phase", phase.rawValue, vote: phase.rawValue))
            return Verdict(phase: phase, basis: .reporter, confidence: 1)
        }
        // A field decides with high confidence; a little less when the text says otherwise.
        func byFields(_ phase: Phase) -> Verdict {
            Verdict(phase: phase, basis: .fields, confidence: text == nil || text?.phase == phase ? 0.9 : 0.75)
        }
        if input.ongoing == true {
            signals.append(field("ongoing", "true", vote: Phase.during.rawValue))
            return byFields(.during)
        }
        if input.ongoing == false {
            if let occurredAt = input.occurredAt, occurredAt > input.now {
                signals.append(field("occurred_at", Timestamp.format(occurredAt), vote: Phase.before.rawValue))
                return byFields(.before)
            }
            if let text, text.phase == .before {
                return Verdict(phase: .before, basis: .text, confidence: textConfidence)
            }
            signals.append(field("ongoing", "false", vote: Phase.after.rawValue))
            if let occurredAt = input.occurredAt {
                signals.append(field("occurred_at", Timestamp.format(occurredAt), vote: Phase.after.rawValue))
            }
            return byFields(.after)
        }
        guard let text else { return Verdict(phase: .unclassified, basis: .none, confidence: 0) }
        return Verdict(phase: text.phase, basis: .text, confidence: textConfidence)
    }

    private func field(_ name: String, _ value: String, vote: String) -> Classification.Signal {
        .init(kind: "field", rule: name, term: name, matched: value, vote: vote, weight: 0)
    }

    /// Acute events start at 3, aftermath at 2, early signs at 1.
    private static func baseSeverity(_ phase: Phase) -> Int {
        switch phase {
        case .during: return 3
        case .after, .unclassified: return 2
        case .before: return 1
        }
    }
}
