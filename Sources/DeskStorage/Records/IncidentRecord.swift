import DeskCore
import Foundation
import GRDB

/// A row of `incident`.
struct IncidentRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "incident"

    var id: String
    var areaID: String
    var title: String
    var phase: String
    var category: String?
    var severity: Int?
    var status: String
    /// Times as canonical `Timestamp` text.
    var openedAt: String
    var updatedAt: String
    var closedAt: String?
    var outcome: String?
    var reportCount: Int
    var needsReview: Bool
    /// JSON of the classification that set the phase.
    var classification: String?
    var lastReportAt: String
    /// Set by a retention purge; an update carries it through the domain value unchanged.
    var erasedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, title, phase, category, severity, status, outcome, classification
        case needsReview = "needs_review"
        case lastReportAt = "last_report_at"
        case erasedAt = "erased_at"
        case areaID = "area_id"
        case openedAt = "opened_at"
        case updatedAt = "updated_at"
        case closedAt = "closed_at"
        case reportCount = "report_count"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let areaID = Column(CodingKeys.areaID)
        static let phase = Column(CodingKeys.phase)
        static let status = Column(CodingKeys.status)
        static let openedAt = Column(CodingKeys.openedAt)
        static let lastReportAt = Column(CodingKeys.lastReportAt)
        static let needsReview = Column(CodingKeys.needsReview)
    }

    init(_ incident: Incident) {
        id = incident.id.rawValue
        areaID = incident.areaID
        title = incident.title
        phase = incident.phase.rawValue
        category = incident.category?.rawValue
        severity = incident.severity
        status = incident.status.rawValue
        openedAt = Timestamp.format(incident.openedAt)
        updatedAt = Timestamp.format(incident.updatedAt)
        closedAt = incident.closedAt.map(Timestamp.format)
        outcome = incident.outcome
        reportCount = incident.reportCount
        needsReview = incident.needsReview
        classification = StoredValue.classificationText(incident.classification)
        lastReportAt = Timestamp.format(incident.lastReportAt)
        erasedAt = incident.erasedAt.map(Timestamp.format)
    }

    /// The domain value; throws when a row holds what the schema's checks should have refused.
    /// The domain value; without `classification` its stored classification is not decoded
    /// (the costliest part), for readers that do not need it.
    func incident(classification decodingClassification: Bool = true) throws -> Incident {
        Incident(
            id: try StoredValue.id(id), areaID: areaID, title: title, phase: try StoredValue.enumeration(phase),
            category: try category.map { try StoredValue.enumeration($0) }, severity: severity,
            status: try StoredValue.enumeration(status), openedAt: try StoredValue.time(openedAt),
            updatedAt: try StoredValue.time(updatedAt), closedAt: try closedAt.map(StoredValue.time), outcome: outcome,
            reportCount: reportCount, needsReview: needsReview,
            classification: decodingClassification ? try StoredValue.classification(classification) : nil,
            lastReportAt: try StoredValue.time(lastReportAt), erasedAt: try erasedAt.map(StoredValue.time)
        )
    }
}
