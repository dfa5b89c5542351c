import Foundation

/// What a reporter tells the desk: the fields of a report, declared once.
///
/// The same type is what a client submits (before `validated`), what is stored with the report
/// (the storage derives its columns from these properties, in snake_case) and what the API maps
/// to its wire form. Adding a field takes this type, a migration adding its column, the wire type
/// and the tests.
public struct ReportFields: Sendable, Hashable, Codable {
    /// The area: as given (an id or a name) before validation, its id after.
    public var area: String
    public var text: String
    public var title: String?
    /// When it happened, as the reporter says.
    public var occurredAt: Date?
    public var location: String?
    /// Who reported, and how to reach them: personal data, purged with the report's text.
    public var reporterName: String?
    public var reporterContact: String?
    public var injured: Int?
    /// Whether it is still going on, as the reporter says.
    public var ongoing: Bool?
    /// The category the reporter gives, if any; wins over the classifier's.
    public var category: Category?
    /// The phase the reporter gives, if any; wins over everything.
    public var phase: Phase?

    /// Creates the fields of a report.
    public init(
        area: String, text: String, title: String? = nil, occurredAt: Date? = nil, location: String? = nil,
        reporterName: String? = nil, reporterContact: String? = nil, injured: Int? = nil, ongoing: Bool? = nil,
        category: Category? = nil, phase: Phase? = nil
    ) {
        self.area = area
        self.text = text
        self.title = title
        self.occurredAt = occurredAt
        self.location = location
        self.reporterName = reporterName
        self.reporterContact = reporterContact
        self.injured = injured
        self.ongoing = ongoing
        self.category = category
        self.phase = phase
    }

    /// The fields checked against the known areas and the limits, as of `now`: texts trimmed
    /// (empty optional ones dropped), the area resolved to its id, `occurredAt` to milliseconds.
    ///
    /// Collects every field issue into one `DeskError.invalid`; an unknown area alone is
    /// `DeskError.unknownArea`, so that the error can suggest the nearest known name.
    public func validated(areas: AreaDirectory, limits: ReportLimits, now: Date) throws(DeskError) -> ReportFields {
        var rules = FieldRules()
        var checked = self
        checked.text = rules.required(text, at: "/text", maxLength: limits.maxTextLength)
        checked.title = rules.optional(title, at: "/title", maxLength: limits.maxShortFieldLength)
        checked.location = rules.optional(location, at: "/location", maxLength: limits.maxLocationLength)
        checked.reporterName = rules.optional(
            reporterName, at: "/reporter/name", maxLength: limits.maxShortFieldLength)
        checked.reporterContact = rules.optional(
            reporterContact, at: "/reporter/contact", maxLength: limits.maxShortFieldLength)
        rules.assignable(phase, at: "/phase")
        if let injured, injured < 0 || injured > limits.maxInjured {
            rules.issues.append(
                FieldIssue(pointer: "/injured", detail: "must be between 0 and \(limits.maxInjured) (got \(injured))")
            )
        }
        if let occurredAt, occurredAt.timeIntervalSince(now) > limits.futureTolerance {
            rules.issues.append(
                FieldIssue(pointer: "/occurred_at", detail: "lies in the future; give the time it happened")
            )
        }
        checked.occurredAt = occurredAt?.truncatedToMilliseconds
        let areaText = area.trimmingWhitespace()
        let found = areas.lookup(areaText)
        if areaText.isEmpty {
            rules.issues.append(FieldIssue(pointer: "/area", detail: "must not be empty"))
        } else if found == nil, rules.issues.isEmpty {
            throw DeskError.unknownArea(areaText, suggestion: areas.suggestion(for: areaText)?.id)
        } else if found == nil {
            rules.issues.append(FieldIssue(pointer: "/area", detail: "unknown area \"\(areaText.clipped(60))\""))
        }
        try rules.finish()
        guard let found else { throw DeskError.unknownArea(areaText, suggestion: nil) }
        checked.area = found.id
        return checked
    }

    /// The incident title these fields give: their own title, else the first line of the text.
    public var derivedTitle: String {
        if let title, !title.isEmpty { return title }
        return Self.title(from: text)
    }

    /// The first line of `text`, clipped to 80 characters.
    static func title(from text: String) -> String {
        let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        return firstLine.trimmingWhitespace().clipped(80)
    }
}
