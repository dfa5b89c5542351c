import DeskCore
import Foundation
import GRDB

/// Rows of `incident`, read and written column by column with cached statements (on either engine): incidents are
/// listed by the page and written by every report, so neither goes through Codable. The stored
/// classification stays the canonical JSON text it was written as.
enum IncidentRows {
    /// The columns `incident(_:)` reads, in its order.
    static let columns =
        "id, area_id, title, phase, category, severity, status, opened_at, updated_at, closed_at, outcome, "
        + "report_count, needs_review, classification, last_report_at, erased_at, language"

    /// The same columns of the table aliased `alias`.
    static func columns(of alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }
            .joined(separator: ", ")
    }

    /// The names in `columns`, in its order.
    static let columnNames = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }

    /// `columnNames`' positions in order: where an SQLite row of `columns` has them.
    private static let inOrder = Array(columnNames.indices)

    /// Where each of `columnNames` is in a row of `db`: in order on SQLite (every incident query
    /// selects `columns`, and a list of 50 is read column by column, not by name); found by name in
    /// a PostgreSQL row, whose columns come in no set order.
    static func positions(of row: Row, in db: any SQLConnection) -> [Int] {
        guard db.dialect == .postgresql else { return inOrder }
        let names = Array(row.columnNames)
        return columnNames.map { names.firstIndex(of: $0) ?? -1 }
    }

    /// The incident a row of `columns` holds, its columns at `at` (see `positions`); throws when
    /// it holds what the schema's checks should have refused.
    static func incident(_ row: Row, at at: [Int]) throws -> Incident {
        guard at.count == columnNames.count, !at.contains(-1) else {
            throw StorageFailure("an incident row lacks some of the columns \(columns)")
        }
        let category: String? = row[at[4]]
        let closedAt: String? = row[at[9]]
        let classification: String? = row[at[13]]
        let erasedAt: String? = row[at[15]]
        let languages: String? = row[at[16]]
        return Incident(
            id: try StoredValue.id(row[at[0]]), areaID: row[at[1]], title: row[at[2]],
            phase: try StoredValue.enumeration(row[at[3]]),
            category: try category.map { try StoredValue.enumeration($0) }, severity: row[at[5]],
            status: try StoredValue.enumeration(row[at[6]]), openedAt: try StoredValue.time(row[at[7]]),
            updatedAt: try StoredValue.time(row[at[8]]), closedAt: try closedAt.map(StoredValue.time),
            outcome: row[at[10]], reportCount: row[at[11]], needsReview: row[at[12]],
            classification: classification.map(StoredClassification.init(storedJSON:)),
            lastReportAt: try StoredValue.time(row[at[14]]), erasedAt: try erasedAt.map(StoredValue.time),
            languages: IncidentLanguages.parse(languages))
    }

    /// The incident with this id, if any.
    static func fetch(_ id: DeskID, in db: any SQLConnection) throws -> Incident? {
        try db.row("SELECT \(columns) FROM incident WHERE id = ?", [id.rawValue]).map { row in
            try incident(row, at: positions(of: row, in: db))
        }
    }

    /// Incidents a query of `columns` selects, decoded.
    static func fetchAll(
        _ sql: String, _ arguments: SQLArguments, cached: Bool = true, in db: any SQLConnection
    ) throws -> [Incident] {
        var incidents: [Incident] = []
        try db.forEach(sql, arguments, cached: cached) { row in
            incidents.append(try incident(row, at: positions(of: row, in: db)))
        }
        return incidents
    }

    private static func arguments(_ incident: Incident) -> SQLArguments {
        [
            incident.areaID, incident.title, incident.phase.rawValue, incident.category?.rawValue, incident.severity,
            incident.status.rawValue, Timestamp.format(incident.openedAt), Timestamp.format(incident.updatedAt),
            incident.closedAt.map(Timestamp.format), incident.outcome, incident.reportCount, incident.needsReview,
            incident.classification?.json, Timestamp.format(incident.lastReportAt),
            incident.erasedAt.map(Timestamp.format), IncidentLanguages.stored(incident.languages), incident.id.rawValue,
        ]
    }

    /// Writes a new incident, and its languages to the index `?language=` reads.
    static func insert(_ incident: Incident, in db: any SQLConnection) throws {
        try db.enqueue(
            """
            INSERT INTO incident (area_id, title, phase, category, severity, status, opened_at, updated_at,
                closed_at, outcome, report_count, needs_review, classification, last_report_at, erased_at, language, id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments(incident))
        try indexLanguages(of: incident.id, adding: incident.languages, removing: [], in: db)
    }

    /// Keeps `incident_language`, one row per incident and language, in step with the incident's
    /// `language` column.
    private static func indexLanguages(
        of id: DeskID, adding added: [String], removing removed: [String], in db: any SQLConnection
    ) throws {
        for language in removed {
            try db.execute(
                "DELETE FROM incident_language WHERE language = ? AND incident_id = ?", [language, id.rawValue])
        }
        for language in added {
            try db.enqueue(
                "INSERT INTO incident_language (language, incident_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [language, id.rawValue])
        }
    }

    /// Writes an incident's new state: only the columns that differ from `previous`, the state the
    /// command read in this transaction. A report joining an incident changes three or four of its
    /// seventeen columns; naming only those lets SQLite leave alone the indexes of the others (eight
    /// on this table), which a full-row update rewrites every time.
    static func update(_ incident: Incident, from previous: Incident, in db: any SQLConnection) throws {
        guard incident.id == previous.id else {
            throw DeskError.unavailable("an update of \(incident.id) named \(previous.id) as its previous state")
        }
        let changed = updatable.filter { $0.differs(incident, previous) }
        guard !changed.isEmpty else { return }
        let assignments = changed.map { "\($0.name) = ?" }.joined(separator: ", ")
        var values: SQLArguments = changed.map { $0.value(incident) }
        values.append(incident.id.rawValue)
        let id = incident.id.rawValue
        try db.enqueue(
            "UPDATE incident SET \(assignments) WHERE id = ?", values, changing: 1,
            otherwise: { DeskError.incidentNotFound(id) })
        if incident.languages != previous.languages {
            let before = Set(previous.languages)
            let after = Set(incident.languages)
            try indexLanguages(
                of: incident.id, adding: after.subtracting(before).sorted(),
                removing: before.subtracting(after).sorted(), in: db)
        }
    }

    /// A column an update may write: how to tell whether it changed, and its stored value.
    private struct Updatable: Sendable {
        let name: String
        let differs: @Sendable (Incident, Incident) -> Bool
        let value: @Sendable (Incident) -> DatabaseValue

        init<Field: Equatable>(
            _ name: String, _ field: KeyPath<Incident, Field> & Sendable,
            _ stored: @escaping @Sendable (Field) -> DatabaseValue
        ) {
            self.name = name
            differs = { $0[keyPath: field] != $1[keyPath: field] }
            value = { stored($0[keyPath: field]) }
        }
    }

    /// Every column but `id`, in the table's order.
    private static let updatable: [Updatable] = [
        Updatable("area_id", \.areaID) { $0.databaseValue },
        Updatable("title", \.title) { $0.databaseValue },
        Updatable("phase", \.phase) { $0.rawValue.databaseValue },
        Updatable("category", \.category) { $0?.rawValue.databaseValue ?? .null },
        Updatable("severity", \.severity) { $0.databaseValue },
        Updatable("status", \.status) { $0.rawValue.databaseValue },
        Updatable("opened_at", \.openedAt) { Timestamp.format($0).databaseValue },
        Updatable("updated_at", \.updatedAt) { Timestamp.format($0).databaseValue },
        Updatable("closed_at", \.closedAt) { $0.map(Timestamp.format)?.databaseValue ?? .null },
        Updatable("outcome", \.outcome) { $0?.databaseValue ?? .null },
        Updatable("report_count", \.reportCount) { $0.databaseValue },
        Updatable("needs_review", \.needsReview) { $0.databaseValue },
        Updatable("classification", \.classification?.json) { $0?.databaseValue ?? .null },
        Updatable("last_report_at", \.lastReportAt) { Timestamp.format($0).databaseValue },
        Updatable("erased_at", \.erasedAt) { $0.map(Timestamp.format)?.databaseValue ?? .null },
        Updatable("language", \.languages) { IncidentLanguages.stored($0)?.databaseValue ?? .null },
    ]
}
