import DeskCore
import Foundation
import GRDB

/// Copies a whole desk from one database to another, engine to engine, row by row with every id,
/// sequence number and hash as it is: `deskctl storage copy` (SQLite to an empty PostgreSQL
/// database) and the backups of a PostgreSQL desk (to an SQLite file). Reads one consistent
/// snapshot of the source, writes the target in transactions of `chunk` rows, then checks that
/// every table has as many rows as the source's and that the copied timeline verifies.
public enum DeskCopy {
    /// The trends' roll-up (`StatsRollup`: `stats_*_rollup`, `stats_unstaffed`) is not among them:
    /// the target's triggers build it from the copied incidents, staffing, call-outs and
    /// follow-ups, as they would have counted them.
    /// A table and the columns that order it (a unique key), in an order where every foreign key
    /// points to a table copied before it (an escalated call-out after the one it escalated).
    static let tables: [(name: String, key: [String])] = [
        ("area", ["id"]), ("area_neighbour", ["area_id", "neighbour_id"]), ("responder", ["id"]),
        ("incident", ["id"]), ("incident_language", ["language", "incident_id"]), ("report", ["id"]),
        ("event", ["seq"]), ("idempotent_response", ["principal", "key"]),
        ("rotation", ["id"]), ("roster_override", ["id"]), ("unavailability", ["seq"]),
        ("staffing", ["incident_id", "phase"]), ("callout", ["step", "created_at", "id"]), ("followup", ["id"]),
        ("outbox", ["id"]), ("api_token", ["id"]), ("sms_inbound", ["provider", "message_id"]),
        ("console_session", ["digest"]), ("console_code", ["digest"]),
    ]

    /// Rows written per target transaction.
    static let chunk = 2000

    /// What a copy did.
    struct Summary: Sendable {
        var rows: [String: Int] = [:]
    }

    /// Copies every table of `source` (read in one snapshot) into `target` through `write`, which
    /// runs its closure in one target transaction. The target must be empty.
    static func copy(
        from source: any SQLConnection, into write: (_ body: (any SQLConnection) throws -> Void) throws -> Void
    ) throws -> Summary {
        var summary = Summary()
        try write { target in
            for table in tables {
                if try target.exists("SELECT 1 FROM \(table.name) LIMIT 1") {
                    throw StorageFailure("the target database is not empty: its table \(table.name) has rows")
                }
            }
        }
        for table in tables {
            let order = table.key.joined(separator: ", ")
            var after: [DatabaseValue]?
            var copied = 0
            while true {
                var sql = "SELECT * FROM \(table.name)"
                var arguments: SQLArguments = []
                if let after {
                    let marks = Array(repeating: "?", count: after.count).joined(separator: ", ")
                    sql += " WHERE (\(order)) > (\(marks))"
                    arguments = after.map { $0 }
                }
                sql += " ORDER BY \(order) LIMIT \(chunk)"
                let rows = try source.rows(sql, arguments)
                if rows.isEmpty { break }
                try write { target in
                    for row in rows {
                        let columns = Array(row.columnNames)
                        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
                        try target.execute(
                            "INSERT INTO \(table.name) (\(names)) VALUES (\(marks))",
                            columns.map { row[$0] as DatabaseValue })
                    }
                }
                copied += rows.count
                after = table.key.map { rows[rows.count - 1][$0] as DatabaseValue }
                if rows.count < chunk { break }
            }
            summary.rows[table.name] = copied
        }
        try write { target in
            guard target.dialect == .postgresql else { return }
            // Identity columns go on from the highest copied value.
            for (table, column) in [("event", "seq"), ("unavailability", "seq")] {
                try target.execute(
                    """
                    SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'),
                        coalesce((SELECT max(\(column)) FROM \(table)), 0) + 1, false)
                    """, [])
            }
        }
        return summary
    }

    /// The row count of every copied table, read in one snapshot.
    static func counts(in db: any SQLConnection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in tables { counts[table.name] = try db.value(Int.self, "SELECT count(*) FROM \(table.name)") ?? 0 }
        return counts
    }

    /// Copies `database` into a new SQLite file `directory/<name>.sqlite` (never overwriting one),
    /// then checks the copy as an SQLite backup is checked: integrity and the timeline.
    static func backup(
        of database: PostgresDeskDatabase, named name: String, in directory: String
    ) async throws
        -> BackupSummary
    {
        guard BackupSummary.isValidName(name) else {
            throw DeskError.invalid([FieldIssue(pointer: "/name", detail: "not a valid backup name")])
        }
        let target = try PrivateFiles.claimBackup(named: name, in: directory)
        do {
            let copy = try DeskDatabase(path: target)
            let (expected, copied) = try await database.read { source in
                let summary = try DeskCopy.copy(from: source) { body in try copy.pool.write { try body($0) } }
                return (try counts(in: source), summary.rows)
            }
            guard expected == copied else {
                throw StorageFailure("the backup's row counts differ from the desk's: \(copied) against \(expected)")
            }
            let integrity = try await copy.pool.read { db in
                try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? ""
            }
            let timeline = try await TimelineChain.verify(reading: GRDBReader(reader: copy.pool), anchor: nil)
            try copy.close()
            let bytes = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
            return BackupSummary(path: target, bytes: bytes, integrity: integrity, timeline: timeline)
        } catch {
            try? FileManager.default.removeItem(atPath: target)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) }
            throw error
        }
    }
}

/// What moving an SQLite desk into PostgreSQL did, checked.
public struct StorageCopyReport: Sendable {
    /// Rows copied per table (each equal to the source's count, or the copy failed).
    public let rows: [String: Int]
    /// The copied timeline, verified in PostgreSQL.
    public let timeline: TimelineVerification
}

extension DeskCopy {
    /// Copies the SQLite desk at `path` (deskd stopped) into the empty PostgreSQL database at
    /// `url`, which is migrated first: every row with its ids, sequence numbers and hashes. Then
    /// checks that every table has the source's row count and that the timeline verifies in
    /// PostgreSQL with the same head. Throws, saying what differs, otherwise.
    public static func copySQLite(
        at path: String, to url: PostgresURL, password: String?
    ) async throws -> StorageCopyReport {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StorageFailure("there is no SQLite desk at \(path)")
        }
        let source = try DeskDatabase(path: path)
        defer { try? source.close() }
        let target = try PostgresDeskDatabase(url: url, password: password, readers: 1)
        defer { target.close() }
        let (expected, copied) = try await source.read { db in
            let summary = try copy(from: db) { body in try target.transaction { try body($0) } }
            return (try counts(in: db), summary.rows)
        }
        let found = try target.readNow { try counts(in: $0) }
        guard expected == copied, expected == found else {
            throw StorageFailure("row counts differ: the SQLite desk has \(expected), PostgreSQL \(found)")
        }
        let before = try await TimelineChain.verify(reading: source, anchor: nil)
        let after = try await TimelineChain.verify(reading: target, anchor: nil)
        guard after.intact, after.head == before.head, after.events == before.events else {
            throw StorageFailure("the copied timeline does not verify as the original does: \(after)")
        }
        return StorageCopyReport(rows: found, timeline: after)
    }
}
