import Foundation

/// The event that one or more reports describe.
public struct Incident: Sendable, Hashable {
    public var id: DeskID
    public var areaID: String
    public var title: String
    public var phase: Phase
    public var category: Category?
    /// 1 (minor) to 5 (mass casualty); nil until someone or something assesses it.
    public var severity: Int?
    public var status: IncidentStatus
    public var openedAt: Date
    public var updatedAt: Date
    public var closedAt: Date?
    /// How it ended, given when it was closed.
    public var outcome: String?
    public var reportCount: Int
    /// True while a low-confidence classification waits for a duty officer to confirm it.
    public var needsReview: Bool
    /// The latest classification that set the phase, with its signals; nil when none did.
    public var classification: StoredClassification?
    /// When the latest report arrived: a new report joins only within the correlation window.
    public var lastReportAt: Date
    /// When a retention purge erased its personal data; an erased incident takes no new text.
    public var erasedAt: Date?
    /// The languages its reports are written in (ISO 639 codes from their classifications, `und`
    /// when the identifier was unsure), sorted, each once: an incident with a Somali and a Swedish
    /// report is in both. Empty when no report was classified.
    public var languages: [String]

    /// Creates an incident.
    public init(
        id: DeskID, areaID: String, title: String, phase: Phase, category: Category?, severity: Int?,
        status: IncidentStatus, openedAt: Date, updatedAt: Date, closedAt: Date? = nil, outcome: String? = nil,
        reportCount: Int, needsReview: Bool = false, classification: StoredClassification? = nil,
        lastReportAt: Date? = nil,
        erasedAt: Date? = nil, languages: [String] = []
    ) {
        self.id = id
        self.areaID = areaID
        self.title = title
        self.phase = phase
        self.category = category
        self.severity = severity
        self.status = status
        self.openedAt = openedAt
        self.updatedAt = updatedAt
        self.closedAt = closedAt
        self.outcome = outcome
        self.reportCount = reportCount
        self.needsReview = needsReview
        self.classification = classification
        self.lastReportAt = lastReportAt ?? openedAt
        self.erasedAt = erasedAt
        self.languages = IncidentLanguages.normalized(languages)
    }
}
