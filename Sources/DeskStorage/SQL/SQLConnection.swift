import GRDB

/// Which SQL a connection speaks, for the few statements the two engines write differently.
enum SQLDialect: Sendable {
    case sqlite
    case postgresql
}

/// The values of a statement's `?` placeholders, in order.
typealias SQLArguments = [(any DatabaseValueConvertible & Sendable)?]

/// One connection's statements, on either engine: the row code shared by SQLite and PostgreSQL
/// (incidents, reports, the timeline, the duty tables, tokens, texts, erasure, idempotency) runs
/// its SQL through this, written once with `?` placeholders. Rows come back as GRDB `Row`s on both
/// engines and are read by column name, so one mapping reads them.
///
/// Synchronous: a connection is used by one caller at a time (the writer, or one read), on a
/// thread of its own, never on Swift's cooperative pool.
protocol SQLConnection {
    /// The engine's SQL.
    var dialect: SQLDialect { get }

    /// Runs a query and hands each row to `body`; a row is valid only during its call (copy it to
    /// keep it). `cached`: keep the compiled statement for the next call (fixed SQL); dynamic SQL
    /// (a list of `?` as long as the input) passes false.
    func forEach(_ sql: String, _ arguments: SQLArguments, cached: Bool, _ body: (Row) throws -> Void) throws

    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int

    /// Runs a statement whose outcome the caller does not read (an insert whose success is all it
    /// needs). SQLite runs it at once. PostgreSQL sends it without waiting for its answer, so that
    /// it shares the round trip of the next statement that is waited for: its error is thrown by
    /// that statement, by `settle()`, or by the savepoint it was sent in, never later.
    func enqueue(_ sql: String, _ arguments: SQLArguments) throws

    /// Runs a statement that must change exactly `count` rows, or else fails with `failure()`.
    /// SQLite runs and checks it at once, and so does PostgreSQL, except in a pipelined batch
    /// (`GroupCommitWriter`), where it is sent without waiting and its count checked when its
    /// answer comes, before the batch's `COMMIT` at the latest: a wrong count then fails the batch,
    /// which is run again one write at a time.
    func enqueue(
        _ sql: String, _ arguments: SQLArguments, changing count: Int,
        otherwise failure: @escaping @Sendable () -> any Error
    ) throws

    /// Waits for every statement `enqueue` sent and throws the first one's error (on SQLite there
    /// is never one waiting; in a pipelined PostgreSQL batch they are checked before `COMMIT`).
    func settle() throws

    /// Runs `body` in a savepoint: kept when it returns true, rolled back when it returns false or
    /// throws. What `body` enqueued is settled before the savepoint is kept: an enqueued
    /// statement's error is `body`'s error.
    func savepoint(_ body: () throws -> Bool) throws

    /// Whether the connection is still inside the transaction it was given in (SQLite rolls a
    /// transaction back by itself after some errors; a lost PostgreSQL connection has none).
    var isInsideTransaction: Bool { get }
}

extension SQLConnection {
    /// Every row of a query, copied.
    func rows(_ sql: String, _ arguments: SQLArguments = [], cached: Bool = true) throws -> [Row] {
        var rows: [Row] = []
        try forEach(sql, arguments, cached: cached) { rows.append($0.copy()) }
        return rows
    }

    /// The first row of a query, if any.
    func row(_ sql: String, _ arguments: SQLArguments = []) throws -> Row? {
        var first: Row?
        try forEach(sql, arguments, cached: true) { row in
            if first == nil { first = row.copy() }
        }
        return first
    }

    /// The first column of every row (NULLs left out).
    func values<Value: DatabaseValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: SQLArguments = [], cached: Bool = true
    ) throws -> [Value] {
        var values: [Value] = []
        try forEach(sql, arguments, cached: cached) { row in
            if let value = Value.fromDatabaseValue(row[0] as DatabaseValue) { values.append(value) }
        }
        return values
    }

    /// The first column of the first row, if any and not NULL.
    func value<Value: DatabaseValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: SQLArguments = []
    ) throws -> Value? {
        try row(sql, arguments).flatMap { Value.fromDatabaseValue($0[0] as DatabaseValue) }
    }

    /// Whether a query returns a row whose first column is true (non-zero).
    func exists(_ sql: String, _ arguments: SQLArguments = []) throws -> Bool {
        try value(Bool.self, sql, arguments) ?? false
    }
}

/// GRDB's connection, as the shared row code uses it: statements compiled once per connection.
extension Database: SQLConnection {
    var dialect: SQLDialect { .sqlite }

    func forEach(_ sql: String, _ arguments: SQLArguments, cached: Bool, _ body: (Row) throws -> Void) throws {
        let statement = cached ? try cachedStatement(sql: sql) : try makeStatement(sql: sql)
        // A cursor's row is read in place, not copied: each is handled before the next step.
        let rows = try Row.fetchCursor(statement, arguments: StatementArguments(arguments.map(Self.value)))
        while let row = try rows.next() { try body(row) }
    }

    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments.map(Self.value)))
        return changesCount
    }

    func enqueue(_ sql: String, _ arguments: SQLArguments) throws { try execute(sql, arguments) }

    func enqueue(
        _ sql: String, _ arguments: SQLArguments, changing count: Int,
        otherwise failure: @escaping @Sendable () -> any Error
    ) throws {
        guard try execute(sql, arguments) == count else { throw failure() }
    }

    func settle() throws {}

    func savepoint(_ body: () throws -> Bool) throws {
        try inSavepoint { try body() ? .commit : .rollback }
    }

    private static func value(_ value: (any DatabaseValueConvertible)?) -> DatabaseValue {
        value?.databaseValue ?? .null
    }
}
