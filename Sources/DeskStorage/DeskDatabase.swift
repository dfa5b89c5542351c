import DeskCore
import Foundation
import GRDB

/// The desk's SQLite database: one `DatabasePool` per file, WAL, `synchronous=FULL`.
///
/// Opening creates the file if needed and runs every pending migration.
public final class DeskDatabase: Sendable {
    /// The pool; exposed inside the module only.
    let pool: DatabasePool
    /// Where the database lives.
    public let path: String

    /// Opens (creating if needed) and migrates the database at `path`.
    ///
    /// Fails, without serving anything, when the file is not a database, cannot be opened, or
    /// durability cannot be set to `synchronous=FULL`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = "deskd"
        configuration.prepareDatabase { db in
            // Keep the WAL from growing without bound between checkpoints.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool sets synchronous=NORMAL when it enables WAL, after prepareDatabase ran:
            // set FULL on the writer (the only connection that commits) and read it back.
            let level = try pool.writeWithoutTransaction { db -> Int? in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                return try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            guard level == 2 else {
                throw StorageFailure("PRAGMA synchronous is \(level.map(String.init) ?? "unknown"), not FULL (2)")
            }
            try Migrations.migrator.migrate(pool)
        } catch let error as StorageFailure {
            throw error
        } catch let error as DatabaseError {
            throw StorageFailure("cannot open database \(path): \(error.message ?? error.description)")
        }
        self.path = path
    }

    /// The durability level of the writer connection, as SQLite reports it (2 = FULL).
    public func synchronousLevel() throws -> Int {
        try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The journal mode, as SQLite reports it (`wal`).
    public func journalMode() throws -> String {
        try pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Names of the migrations applied so far, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { try Migrations.migrator.appliedMigrations($0) }
    }

    /// How many incidents are stored.
    public func incidentCount() throws -> Int {
        try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM incident") ?? 0 }
    }

    /// Rows per table (`area`, `incident`, `report`, `event`): for diagnostics and for proving
    /// that a refused request wrote nothing.
    public func rowCounts() throws -> [String: Int] {
        try pool.read { db in
            var counts: [String: Int] = [:]
            for table in ["area", "incident", "report", "event"] {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
            return counts
        }
    }

    /// Checkpoints the WAL and closes every connection. The object is unusable afterwards.
    public func close() throws {
        _ = try? pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try pool.close()
    }
}

/// A failure to open or prepare the database, with a message for the operator.
public struct StorageFailure: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) { self.description = description }
}
