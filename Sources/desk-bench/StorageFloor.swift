import Foundation
import GRDB

/// The part of a stored report that is SQLite's own work: the rows one pipeline round wrote,
/// written again into an empty database of the same schema and settings (WAL,
/// `synchronous=FULL`, foreign keys), with the same number of reports per commit and one
/// savepoint per report, by cached statements bound straight from the rows read. What is left is
/// B-tree inserts, index upkeep, the schema's checks and triggers, WAL frames and the fsync: no
/// classification, correlation, hashing, encoding or queueing of ours.
///
/// Per report it does what the pipeline did for a report joining an incident: insert the report,
/// narrow-update its incident (`updated_at`, `report_count`, `last_report_at`) and insert its
/// share of the round's events in order. The round's incidents are inserted before the clock
/// starts (a few per thousand reports open one).
struct StorageFloor {
    /// The database a pipeline round wrote.
    let source: String
    /// Reports per commit, as in the round measured.
    let reportsPerCommit: Int

    /// Seconds to write the round's reports again, and how many there were.
    func measure(into directory: URL) throws -> (seconds: Double, reports: Int) {
        let from = try DatabaseQueue(path: source)
        defer { try? from.close() }
        let (schema, areas, incidents, reports, events) = try from.read { db in
            (
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
                        ORDER BY type = 'table' DESC, rowid
                        """),
                try Row.fetchAll(db, sql: "SELECT * FROM area"),
                try Row.fetchAll(db, sql: "SELECT * FROM incident"),
                try Row.fetchAll(db, sql: "SELECT * FROM report ORDER BY rowid"),
                try Row.fetchAll(db, sql: "SELECT * FROM event ORDER BY seq")
            )
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let to = try DatabaseQueue(path: directory.path + "/floor.sqlite", configuration: configuration)
        defer { try? to.close() }
        try to.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.inTransaction {
                for statement in schema { try db.execute(sql: statement) }
                try insertAll(areas, into: "area", db)
                try insertAll(incidents, into: "incident", db)
                return .commit
            }
        }
        guard let first = reports.first, let event = events.first else { return (0, 0) }
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            try to.writeWithoutTransaction { db in
                let insertReport = try db.cachedStatement(sql: Self.insert(into: "report", columns: first.columnNames))
                let insertEvent = try db.cachedStatement(
                    sql: Self.insert(into: "event", columns: event.columnNames.filter { $0 != "seq" }))
                let update = try db.cachedStatement(
                    sql:
                        "UPDATE incident SET updated_at = ?, report_count = report_count + 1, last_report_at = ? WHERE id = ?"
                )
                var written = 0
                for start in stride(from: 0, to: reports.count, by: reportsPerCommit) {
                    try db.inTransaction {
                        for index in start..<min(start + reportsPerCommit, reports.count) {
                            let report = reports[index]
                            try db.inSavepoint {
                                insertReport.setUncheckedArguments(StatementArguments(Array(report.databaseValues)))
                                try insertReport.execute()
                                let at: DatabaseValue = report["received_at"]
                                let incident: DatabaseValue = report["incident_id"]
                                try update.execute(arguments: [at, at, incident])
                                // This report's share of the events, in their order.
                                let upTo = (index + 1) * events.count / reports.count
                                while written < upTo {
                                    let values = Array(events[written].databaseValues.dropFirst())
                                    insertEvent.setUncheckedArguments(StatementArguments(values))
                                    try insertEvent.execute()
                                    written += 1
                                }
                                return .commit
                            }
                        }
                        return .commit
                    }
                }
            }
        }
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, reports.count)
    }

    private func insertAll(_ rows: [Row], into table: String, _ db: Database) throws {
        guard let first = rows.first else { return }
        let statement = try db.cachedStatement(sql: Self.insert(into: table, columns: first.columnNames))
        for row in rows { try statement.execute(arguments: StatementArguments(Array(row.databaseValues))) }
    }

    private static func insert(into table: String, columns: some Collection<String>) -> String {
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        return
            "INSERT INTO \(table) (\(names)) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
    }
}
