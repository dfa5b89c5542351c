import Foundation

/// A submission that passed every rule: trimmed, typed and tied to a known area.
public struct ValidatedReport: Sendable, Hashable {
    public var area: Area
    public var text: String
    public var title: String?
    public var occurredAt: Date?
    public var location: String?
    public var reporter: Reporter?
    public var injured: Int?
    public var ongoing: Bool?
    public var category: Category?
    public var phase: Phase?

    /// Validates `submission` against the known areas and the limits, as of `now`.
    ///
    /// Collects every field issue into one `DeskError.invalid`; an unknown area alone is
    /// `DeskError.unknownArea` so the error can suggest the nearest known name.
    public init(
        _ submission: ReportSubmission, areas: AreaDirectory, limits: ReportLimits, now: Date
    ) throws(DeskError) {
        var rules = FieldRules()
        let text = rules.required(submission.text, at: "/text", maxLength: limits.maxTextLength)
        let title = rules.optional(submission.title, at: "/title", maxLength: limits.maxShortFieldLength)
        let location = rules.optional(submission.location, at: "/location", maxLength: limits.maxLocationLength)
        let name = rules.optional(
            submission.reporter?.name, at: "/reporter/name", maxLength: limits.maxShortFieldLength)
        let contact = rules.optional(
            submission.reporter?.contact, at: "/reporter/contact", maxLength: limits.maxShortFieldLength
        )
        let category = rules.oneOf(submission.category, at: "/category", allowed: Category.allCases)
        let phase = rules.oneOf(submission.phase, at: "/phase", allowed: Phase.assignable)
        if let injured = submission.injured, injured < 0 || injured > limits.maxInjured {
            rules.issues.append(
                FieldIssue(pointer: "/injured", detail: "must be between 0 and \(limits.maxInjured) (got \(injured))")
            )
        }
        if let occurredAt = submission.occurredAt, occurredAt.timeIntervalSince(now) > limits.futureTolerance {
            rules.issues.append(
                FieldIssue(pointer: "/occurred_at", detail: "lies in the future; give the time it happened")
            )
        }
        let areaText = submission.area.trimmingWhitespace()
        let area = areas.lookup(areaText)
        if areaText.isEmpty {
            rules.issues.append(FieldIssue(pointer: "/area", detail: "must not be empty"))
        } else if area == nil, rules.issues.isEmpty {
            throw DeskError.unknownArea(areaText, suggestion: areas.suggestion(for: areaText)?.id)
        } else if area == nil {
            rules.issues.append(FieldIssue(pointer: "/area", detail: "unknown area \"\(areaText.clipped(60))\""))
        }
        try rules.finish()
        guard let area else { throw DeskError.unknownArea(areaText, suggestion: nil) }
        self.area = area
        self.text = text
        self.title = title
        self.occurredAt = submission.occurredAt?.truncatedToMilliseconds
        self.location = location
        self.reporter = (name == nil && contact == nil) ? nil : Reporter(name: name, contact: contact)
        self.injured = submission.injured
        self.ongoing = submission.ongoing
        self.category = category
        self.phase = phase
    }

    /// The incident title this report gives: its own title, else the first line of its text.
    public var derivedTitle: String {
        if let title { return title }
        return Self.title(from: text)
    }

    /// The first line of `text`, clipped to 80 characters.
    static func title(from text: String) -> String {
        let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        return firstLine.trimmingWhitespace().clipped(80)
    }
}
