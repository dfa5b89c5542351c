import DeskCore
import Foundation
import GRDB

/// Rows of `incident`, read and written column by column with cached statements: incidents are
/// listed by the page and written by every report, so neither goes through Codable. The stored
/// classification stays the canonical JSON text it was written as.
enum IncidentRows {
    /// The columns `incident(_:)` reads, in its order.
    static let columns =
        "id, area_id, title, phase, category, severity, status, opened_at, updated_at, closed_at, outcome, "
        + "report_count, needs_review, classification, last_report_at, erased_at"

    /// The same columns of the table aliased `alias`.
    static func columns(of alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }
            .joined(separator: ", ")
    }

    /// The incident a row of `columns` holds; throws when it holds what the schema's checks should have refused.
    static func incident(_ row: Row) throws -> Incident {
        let category: String? = row[4]
        let closedAt: String? = row[9]
        let classification: String? = row[13]
        let erasedAt: String? = row[15]
        return Incident(
            id: try StoredValue.id(row[0]), areaID: row[1], title: row[2], phase: try StoredValue.enumeration(row[3]),
            category: try category.map { try StoredValue.enumeration($0) }, severity: row[5],
            status: try StoredValue.enumeration(row[6]), openedAt: try StoredValue.time(row[7]),
            updatedAt: try StoredValue.time(row[8]), closedAt: try closedAt.map(StoredValue.time), outcome: row[10],
            reportCount: row[11], needsReview: row[12],
            classification: classification.map(StoredClassification.init(storedJSON:)),
            lastReportAt: try StoredValue.time(row[14]), erasedAt: try erasedAt.map(StoredValue.time))
    }

    /// The incident with this id, if any.
    static func fetch(_ id: DeskID, in db: Database) throws -> Incident? {
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM incident WHERE id = ?")
        return try Row.fetchOne(statement, arguments: [id.rawValue]).map(incident)
    }

    /// Incidents a query selects, decoded.
    static func fetchAll(_ sql: String, _ arguments: StatementArguments, in db: Database) throws -> [Incident] {
        // A cursor's row is read in place, not copied: each is decoded before the next step.
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var incidents: [Incident] = []
        while let row = try rows.next() { incidents.append(try incident(row)) }
        return incidents
    }

    private static func arguments(_ incident: Incident) -> StatementArguments {
        [
            incident.areaID, incident.title, incident.phase.rawValue, incident.category?.rawValue, incident.severity,
            incident.status.rawValue, Timestamp.format(incident.openedAt), Timestamp.format(incident.updatedAt),
            incident.closedAt.map(Timestamp.format), incident.outcome, incident.reportCount, incident.needsReview,
            incident.classification?.json, Timestamp.format(incident.lastReportAt),
            incident.erasedAt.map(Timestamp.format), incident.id.rawValue,
        ]
    }

    /// Writes a new incident.
    static func insert(_ incident: Incident, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO incident (area_id, title, phase, category, severity, status, opened_at, updated_at,
                    closed_at, outcome, report_count, needs_review, classification, last_report_at, erased_at, id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: arguments(incident))
    }

    /// Writes an incident's new state.
    static func update(_ incident: Incident, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE incident SET area_id = ?, title = ?, phase = ?, category = ?, severity = ?, status = ?,
                    opened_at = ?, updated_at = ?, closed_at = ?, outcome = ?, report_count = ?, needs_review = ?,
                    classification = ?, last_report_at = ?, erased_at = ?
                WHERE id = ?
                """
        ).execute(arguments: arguments(incident))
        guard db.changesCount == 1 else { throw DeskError.incidentNotFound(incident.id.rawValue) }
    }
}
