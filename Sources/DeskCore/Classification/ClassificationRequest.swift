import Foundation

/// A dry-run classification as a client asks for it (`POST /v1/classify`), before validation:
/// the fields of a report that the classifier reads, and optionally the language.
public struct ClassificationRequest: Sendable, Hashable {
    public var text: String
    public var title: String?
    /// `sv` or `en` to apply only that language's rules; nil to let the classifier guess.
    public var language: String?
    public var occurredAt: Date?
    public var injured: Int?
    public var ongoing: Bool?
    public var category: String?
    public var phase: String?

    /// Creates a request.
    public init(
        text: String, title: String? = nil, language: String? = nil, occurredAt: Date? = nil, injured: Int? = nil,
        ongoing: Bool? = nil, category: String? = nil, phase: String? = nil
    ) {
        self.text = text
        self.title = title
        self.language = language
        self.occurredAt = occurredAt
        self.injured = injured
        self.ongoing = ongoing
        self.category = category
        self.phase = phase
    }

    /// Checks the request by the same rules as a report and turns it into classifier input.
    func validated(limits: ReportLimits, languages: [String], now: Date) throws(DeskError) -> ClassifierInput {
        var rules = FieldRules()
        let text = rules.required(text, at: "/text", maxLength: limits.maxTextLength)
        let title = rules.optional(title, at: "/title", maxLength: limits.maxShortFieldLength)
        let category = rules.oneOf(category, at: "/category", allowed: Category.allCases)
        let phase = rules.oneOf(phase, at: "/phase", allowed: Phase.assignable)
        if let language, !languages.contains(language) {
            rules.issues.append(
                FieldIssue(
                    pointer: "/lang",
                    detail: "must be one of \(languages.joined(separator: ", ")) (got \"\(language.clipped(20))\")"))
        }
        if let injured, injured < 0 || injured > limits.maxInjured {
            rules.issues.append(
                FieldIssue(pointer: "/injured", detail: "must be between 0 and \(limits.maxInjured) (got \(injured))"))
        }
        try rules.finish()
        return ClassifierInput(
            text: text, title: title, ongoing: ongoing, occurredAt: occurredAt, injured: injured, phase: phase,
            category: category, language: language, now: now
        )
    }
}

extension ClassifierInput {
    /// What the classifier reads of a validated report.
    init(_ report: ReportFields, now: Date) {
        self.init(
            text: report.text, title: report.title, ongoing: report.ongoing, occurredAt: report.occurredAt,
            injured: report.injured, phase: report.phase, category: report.category, now: now
        )
    }
}

extension Classifier {
    /// The languages rules may be restricted to.
    public var languages: [String] {
        Array(Set(lexicon.languageMarkers.keys).union(lexicon.rules.compactMap(\.language))).sorted()
    }
}
