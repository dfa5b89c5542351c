import DeskCore
import Foundation
import GRDB
import Logging

/// The desk's SQLite database: one `DatabasePool` per file, WAL, `synchronous=FULL`.
///
/// Opening creates the file if needed and runs every pending migration.
public final class DeskDatabase: SQLEngine {
    /// The pool; exposed inside the module only.
    let pool: DatabasePool
    /// Where the database lives.
    public let path: String
    /// Every write of the running desk goes through here (group commit).
    let writer: GroupCommitWriter
    /// What the writer keeps in memory: correlation candidates and the timeline's head.
    let state: WriterState

    /// Opens (creating if needed) and migrates the database at `path`. At most
    /// `writeQueueCapacity` writes wait for the disk at once; more are refused with
    /// `DeskError.overloaded`.
    ///
    /// Fails, without serving anything, when the file is not a database, cannot be opened, or
    /// durability cannot be set to `synchronous=FULL`.
    /// - Parameter statementObserver: sees the SQL of every statement any connection runs, e.g.
    ///   to count a read's queries in a test; nil (the default) traces nothing.
    public init(
        path: String, writeQueueCapacity: Int = DeskDatabase.defaultWriteQueueCapacity,
        logger: Logger = Logger(label: "deskd.storage"),
        statementObserver: (@Sendable (String) -> Void)? = nil
    ) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = "deskd"
        configuration.prepareDatabase { db in
            // Keep the WAL from growing without bound between checkpoints.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            if let statementObserver { db.trace(options: .statement) { statementObserver($0.description) } }
        }
        try PrivateFiles.prepareDatabase(at: path)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool sets synchronous=NORMAL when it enables WAL, after prepareDatabase ran:
            // set FULL on the writer (the only connection that commits) and read it back.
            let level = try pool.writeWithoutTransaction { db -> Int? in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // Savepoint journals and sorts in memory, not in temporary files created and
                // unlinked by the batch.
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                return try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            guard level == 2 else {
                throw StorageFailure("PRAGMA synchronous is \(level.map(String.init) ?? "unknown"), not FULL (2)")
            }
            try Migrations.migrator.migrate(pool)
        } catch let error as StorageFailure {
            throw error
        } catch let error as DatabaseError {
            throw StorageFailure(
                "cannot open database \(path): \(error.message ?? error.description)",
                isDamaged: [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode))
        }
        self.path = path
        let state = WriterState()
        self.state = state
        writer = GroupCommitWriter(
            transact: { [pool] body in try pool.write { db in try body(db) } }, capacity: writeQueueCapacity,
            logger: logger, onBatchFailure: { state.reset() })
    }

    /// Writes allowed to wait for the disk unless configured otherwise (`[storage] write_queue`).
    public static let defaultWriteQueueCapacity = 4096

    /// Runs `work` in a read transaction of the pool.
    func read<Value: Sendable>(
        _ work: @escaping @Sendable (any SQLConnection) throws -> Value
    ) async throws -> Value {
        try await pool.read { db in try work(db) }
    }

    var dialect: SQLDialect { .sqlite }

    /// What the write queue has done so far: batches, writes committed and refused, writes waiting.
    public func writeQueueStats() -> WriteQueueStats { writer.counters }

    /// The durability level of the writer connection, as SQLite reports it (2 = FULL).
    public func synchronousLevel() throws -> Int {
        try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The journal mode, as SQLite reports it (`wal`).
    public func journalMode() throws -> String {
        try pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Copies the live database to `backups/<name>.sqlite` beside it with SQLite's online backup
    /// API (a consistent snapshot while writes go on), then checks the copy: integrity and the
    /// timeline chain. An existing backup is never overwritten. The copy is `0600` in a `0700`
    /// directory, like the database.
    func backup(name: String) async throws -> BackupSummary {
        let directory = (path as NSString).deletingLastPathComponent + "/backups"
        let target = try PrivateFiles.claimBackup(named: name, in: directory)
        do {
            let copy = try DatabaseQueue(path: target)
            try pool.backup(to: copy)
            let integrity = try await copy.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
            let timeline = try await TimelineChain.verify(reading: GRDBReader(reader: copy), anchor: nil)
            try copy.close()
            let bytes = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
            return BackupSummary(path: target, bytes: bytes, integrity: integrity, timeline: timeline)
        } catch {
            try? FileManager.default.removeItem(atPath: target)
            throw error
        }
    }

    /// Names of the migrations applied so far, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { try Migrations.migrator.appliedMigrations($0) }
    }

    /// How many incidents are stored.
    public func incidentCount() throws -> Int {
        try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM incident") ?? 0 }
    }

    /// Rows per table, for every table of the schema (as `sqlite_master` lists them, GRDB's own
    /// migration table and SQLite's internal ones aside): for diagnostics and for proving that a
    /// refused request wrote nothing anywhere.
    public func rowCounts() throws -> [String: Int] {
        try pool.read { db in
            let tables = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table'
                    AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name
                    """)
            var counts: [String: Int] = [:]
            for table in tables {
                // The name comes from the schema itself, quoted as an identifier.
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0
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
    /// Whether SQLite found the file damaged or not a database (`SQLITE_CORRUPT`, `SQLITE_NOTADB`):
    /// deskd must not start on it, nor "repair" it by starting over.
    public let isDamaged: Bool

    init(_ description: String, isDamaged: Bool = false) {
        self.description = description
        self.isDamaged = isDamaged
    }
}
