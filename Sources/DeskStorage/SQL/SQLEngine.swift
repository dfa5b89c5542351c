import DeskCore
import GRDB

/// Something that runs reads on a connection of its own.
protocol SQLReader: Sendable {
    /// Runs `work` in a read transaction (a consistent snapshot) and returns its value.
    func read<Value: Sendable>(_ work: @escaping @Sendable (any SQLConnection) throws -> Value) async throws -> Value
}

/// What the desk's store (`SQLDeskStore`) needs of a database engine, SQLite (`DeskDatabase`) or
/// PostgreSQL (`PostgresDeskDatabase`): reads on connections of their own, writes in the
/// group-commit writer's transaction, and the few things only the engine knows how to do.
protocol SQLEngine: SQLReader {
    /// The engine's SQL.
    var dialect: SQLDialect { get }

    /// What the writer keeps in memory between transactions.
    var state: WriterState { get }

    /// The one writer: every write goes through its group-commit transactions.
    var writer: GroupCommitWriter { get }

    /// Takes a consistent copy of the whole database, named `name`, and checks it.
    func backup(name: String) async throws -> BackupSummary
}

extension SQLEngine {
    /// Runs `work` in the next group-commit transaction, in a savepoint of its own, and returns its
    /// value once that transaction is durable; see `GroupCommitWriter`.
    func write<Value: Sendable>(_ work: @escaping @Sendable (any SQLConnection) throws -> Value) async throws -> Value {
        try await writer.write(work)
    }
}

/// A GRDB reader (a pool, or a queue over a backup's copy) as an `SQLReader`.
struct GRDBReader: SQLReader {
    let reader: any DatabaseReader

    func read<Value: Sendable>(_ work: @escaping @Sendable (any SQLConnection) throws -> Value) async throws -> Value {
        try await reader.read { db in try work(db) }
    }
}
