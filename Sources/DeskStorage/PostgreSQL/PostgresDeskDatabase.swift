import DeskCore
import Foundation
import Logging
import Synchronization

/// The desk's PostgreSQL database (`[storage] engine = "postgresql"`): one writer connection behind
/// the group-commit queue, as on SQLite, and a few reader connections, each used by one read at a
/// time on a queue of its own.
///
/// Opening connects to the first usable host of the URL, checks that a commit is durable
/// (`synchronous_commit` is not `off`; if the server's default is, the writer sets it `on` for its
/// session), and runs every pending migration under an advisory lock, so that two deskd starting
/// at once never race. A lost connection is opened again on next use (to whichever host of the
/// URL is usable then); a write whose transaction was lost fails and is never acknowledged. The
/// writer only uses a server that takes writes: when its server turns read-only (demoted), it and
/// the readers connect again, to whichever host of the URL takes writes now. A write waits for the
/// database at most as `PostgresDeadlines` says, then is answered 503.
public final class PostgresDeskDatabase: SQLEngine, Sendable {
    /// Where the database is.
    public let url: PostgresURL
    /// The password connections use (from `password` or `password_file`), if any.
    let password: String?
    let state = WriterState()
    let writer: GroupCommitWriter
    private let writerConnection: Locked<PostgresSQLConnection>
    private let readers: [Reader]
    private let nextReader = Atomic<Int>(0)
    /// How many times the writer found its server demoted; a reader that has seen fewer connects again.
    private let demotions: Demotions
    /// Migrations this start ran (empty when the schema was up to date).
    public let migrationsRun: [String]
    /// The server's `synchronous_commit` as the writer's session has it.
    public let synchronousCommit: String
    /// Where `backup(name:)` writes its SQLite copies (deskd's state directory's `backups`).
    let backupDirectory: String?

    var dialect: SQLDialect { .postgresql }

    /// Connects, checks durability and migrates. `backupDirectory`: where backups go (SQLite copies). Throws `PostgresUnreachable` when no host of the
    /// URL can be used, `PostgresSchemaTooNew` when a newer deskd migrated the database, or the
    /// server's error.
    public init(
        url: PostgresURL, password: String?, writeQueueCapacity: Int = DeskDatabase.defaultWriteQueueCapacity,
        readers: Int = 4, backupDirectory: String? = nil, logger: Logger = Logger(label: "deskd.storage")
    ) throws {
        self.url = url
        self.password = password
        self.backupDirectory = backupDirectory
        let demotions = Demotions()
        let connection = PostgresSQLConnection(
            url: url, password: password, logger: logger,
            setup: [
                "SET synchronous_commit = on", "SET statement_timeout = '30s'",
                "SET lock_timeout = '\(PostgresDeadlines.turnLock)'",
            ], writable: true, onDemoted: { demotions.count.add(1, ordering: .relaxed) })
        let level = try connection.value(String.self, "SHOW synchronous_commit") ?? ""
        guard ["on", "remote_write", "remote_apply", "local"].contains(level) else {
            throw StorageFailure("synchronous_commit is \(level), not on: a commit would not be durable")
        }
        synchronousCommit = level
        // Migrations may wait for another deskd's as long as those take; writes may not.
        try connection.execute("SET lock_timeout = 0", [])
        migrationsRun = try PostgresMigrations.migrate(connection)
        try connection.execute("SET lock_timeout = '\(PostgresDeadlines.turnLock)'", [])
        let locked = Locked(connection)
        writerConnection = locked
        self.demotions = demotions
        self.readers = (0..<max(1, readers)).map { index in
            Reader(
                connection: PostgresSQLConnection(
                    url: url, password: password, logger: logger, setup: ["SET statement_timeout = '30s'"]),
                queue: DispatchQueue(label: "deskd.postgres-reader-\(index)"))
        }
        let state = state
        /// A batch in one transaction of the writer's connection, in the write turn.
        func batch(pipelined: Bool) -> BatchTransaction {
            { body in
                try locked.withLock { connection in
                    try connection.transaction(within: PostgresDeadlines.transaction, pipelined: pipelined) { db in
                        try PostgresWriteTurn.take(in: db, state: state)
                        let start = state.position
                        try body(db)
                        try PostgresWriteTurn.finish(in: db, state: state, from: start)
                    }
                }
            }
        }
        writer = GroupCommitWriter(
            transact: batch(pipelined: false), pipelined: batch(pipelined: true), capacity: writeQueueCapacity,
            logger: logger, waitLimit: PostgresDeadlines.queueWait, onBatchFailure: { state.reset() })
    }

    /// Runs `work` in a read-only snapshot on the next reader connection, on that reader's queue.
    func read<Value: Sendable>(
        _ work: @escaping @Sendable (any SQLConnection) throws -> Value
    ) async throws -> Value {
        let reader = readers[nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count]
        let demotions = demotions.count.load(ordering: .relaxed)
        return try await withCheckedThrowingContinuation { continuation in
            reader.queue.async {
                // The writer left a demoted server: so does this reader (it may read there no more).
                reader.follow(demotions)
                continuation.resume(
                    with: Result { try reader.connection.transaction(readOnly: true) { try work($0) } })
            }
        }
    }

    /// Runs `work` in a read-only snapshot on the next reader connection and waits for it, for the
    /// few synchronous reads (counts at start-up, in tests and after a copy). Takes no write turn,
    /// so it neither waits for other instances' writes nor holds theirs up.
    func readNow<Value>(_ work: (any SQLConnection) throws -> Value) throws -> Value {
        let reader = readers[nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count]
        return try reader.queue.sync { try reader.connection.transaction(readOnly: true) { try work($0) } }
    }

    /// Runs `work` in a write transaction of its own on the writer's connection, with the write
    /// turn, outside the queue (at start-up and on reload).
    func transaction<Value>(_ work: (any SQLConnection) throws -> Value) throws -> Value {
        try writerConnection.withLock { connection in
            try connection.transaction { db in
                try PostgresWriteTurn.take(in: db, state: state)
                let start = state.position
                let value = try work(db)
                try PostgresWriteTurn.finish(in: db, state: state, from: start)
                return value
            }
        }
    }

    /// What the write queue has done so far.
    public func writeQueueStats() -> WriteQueueStats { writer.counters }

    /// Makes the stored areas match `areas` (see `AreaRows.sync`), in one transaction.
    public func syncAreas(_ areas: [Area]) throws -> AreaSyncSummary {
        try AreaRows.check(areas)
        return try transaction { db in try AreaRows.sync(areas, in: db) }
    }

    /// How many incidents are stored.
    public func incidentCount() throws -> Int {
        try readNow { db in try db.value(Int.self, "SELECT count(*) FROM incident") ?? 0 }
    }

    /// Names of the migrations applied so far, in order.
    public func appliedMigrations() throws -> [String] {
        try readNow { db in
            try db.values(String.self, "SELECT name FROM desk_migration ORDER BY applied_at, name")
        }
    }

    /// Rows per table of the desk's schema (the migration table aside).
    public func rowCounts() throws -> [String: Int] {
        try readNow { db in
            let tables = try db.values(
                String.self,
                """
                SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()
                AND tablename <> 'desk_migration' ORDER BY 1
                """)
            var counts: [String: Int] = [:]
            for table in tables {
                // The name comes from the catalogue itself, quoted as an identifier.
                let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                counts[table] = try db.value(Int.self, "SELECT count(*) FROM \(quoted)") ?? 0
            }
            return counts
        }
    }

    /// A consistent copy of the whole desk as an SQLite file beside deskd's state (see `DeskCopy`).
    func backup(name: String) async throws -> BackupSummary {
        guard let directory = backupDirectory else {
            throw DeskError.invalid([
                FieldIssue(pointer: "/name", detail: "this desk has no backup directory configured")
            ])
        }
        return try await DeskCopy.backup(of: self, named: name, in: directory)
    }

    /// Closes every connection. The object is unusable afterwards.
    public func close() {
        writerConnection.withLock { $0.close() }
        for reader in readers { reader.queue.sync { reader.connection.close() } }
    }

    /// How many times the writer found its server demoted.
    private final class Demotions: Sendable {
        let count = Atomic<Int>(0)
    }

    /// A reader connection and the queue it is used on.
    private final class Reader: @unchecked Sendable {
        // `@unchecked`: the connection and `demotionsSeen` are only used on `queue`, one read at a time.
        let connection: PostgresSQLConnection
        let queue: DispatchQueue
        private var demotionsSeen = 0

        init(connection: PostgresSQLConnection, queue: DispatchQueue) {
            self.connection = connection
            self.queue = queue
        }

        /// Closes the connection (the next read connects again) when the writer has found its
        /// server demoted since this reader last looked.
        func follow(_ demotions: Int) {
            guard demotions != demotionsSeen else { return }
            demotionsSeen = demotions
            connection.close()
        }
    }
}

/// A value used under a lock, by one caller at a time.
///
/// `@unchecked Sendable`: every use of `value` is inside `lock`.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private let value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(value)
    }
}
