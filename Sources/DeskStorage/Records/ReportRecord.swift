import DeskCore
import Foundation
import GRDB

/// A row of `report`.
struct ReportRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "report"

    var id: String
    var incidentID: String
    var areaID: String
    /// Times as canonical `Timestamp` text.
    var receivedAt: String
    var occurredAt: String?
    var title: String?
    var text: String
    var location: String?
    var reporterName: String?
    var reporterContact: String?
    var injured: Int?
    var ongoing: Bool?
    var category: String?
    var phase: String?
    var actor: String
    var transport: String
    /// JSON of what the classifier made of the report.
    var classification: String?

    enum CodingKeys: String, CodingKey {
        case id, title, text, location, injured, ongoing, category, phase, actor, transport, classification
        case incidentID = "incident_id"
        case areaID = "area_id"
        case receivedAt = "received_at"
        case occurredAt = "occurred_at"
        case reporterName = "reporter_name"
        case reporterContact = "reporter_contact"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let incidentID = Column(CodingKeys.incidentID)
    }

    init(_ report: Report) {
        id = report.id.rawValue
        incidentID = report.incidentID.rawValue
        areaID = report.areaID
        receivedAt = Timestamp.format(report.receivedAt)
        occurredAt = report.occurredAt.map(Timestamp.format)
        title = report.title
        text = report.text
        location = report.location
        reporterName = report.reporter?.name
        reporterContact = report.reporter?.contact
        injured = report.injured
        ongoing = report.ongoing
        category = report.category?.rawValue
        phase = report.phase?.rawValue
        actor = report.actor.rawValue
        transport = report.transport.rawValue
        classification = StoredValue.classificationText(report.classification)
    }

    func report() throws -> Report {
        let reporter =
            (reporterName == nil && reporterContact == nil)
            ? nil : Reporter(name: reporterName, contact: reporterContact)
        return Report(
            id: try StoredValue.id(id), incidentID: try StoredValue.id(incidentID), areaID: areaID,
            receivedAt: try StoredValue.time(receivedAt), occurredAt: try occurredAt.map(StoredValue.time),
            title: title, text: text, location: location,
            reporter: reporter, injured: injured, ongoing: ongoing,
            category: try category.map { try StoredValue.enumeration($0) },
            phase: try phase.map { try StoredValue.enumeration($0) }, actor: Actor(rawValue: actor),
            transport: try StoredValue.enumeration(transport),
            classification: try StoredValue.classification(classification)
        )
    }
}
