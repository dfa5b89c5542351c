import GRDB

/// Inserts a write enqueued (`SQLConnection.enqueue`) and the connection has not sent yet: sent
/// together as one statement, each but the last as a data-modifying `WITH` clause of the next
/// one, so that a report's incident, languages, report row and events cost the server one
/// statement, not five. postgres-nio runs one statement at a time, each a round trip between
/// deskd and the server, so statements, not bytes, are what a write costs.
///
/// Only plain `INSERT … VALUES` statements are held, and only such a statement (which may return
/// rows) carries them: the parts of one statement share its snapshot, and an insert reads nothing
/// but its foreign keys, which PostgreSQL checks at the end of the whole statement, when every part
/// has run. Anything else (a read, an update, a savepoint, the commit) is sent after the held
/// inserts, so it sees them as it would have.
///
/// Not thread-safe by itself: owned by one `PostgresSQLConnection`.
struct PostgresHeldInserts {
    private var statements: [(sql: String, arguments: SQLArguments)] = []

    /// Whether nothing is held.
    var isEmpty: Bool { statements.isEmpty }

    /// How many inserts are held.
    var count: Int { statements.count }

    /// How many inserts are held at most before they are sent (a pipelined batch holds its
    /// writes' inserts until something else is sent, which may be its end).
    static let limit = 24

    /// Whether `sql` is an insert of values that may be held: no `RETURNING` (its caller would
    /// need the answer).
    static func canHold(_ sql: String) -> Bool { isInsertOfValues(sql) && !sql.contains("RETURNING") }

    /// Whether `sql` may carry the held inserts ahead of it: an insert of values, its rows
    /// returned or not, without `ON CONFLICT` (which could meet a row held ahead of it in the
    /// same statement).
    static func canCarry(_ sql: String) -> Bool { isInsertOfValues(sql) && !sql.contains("ON CONFLICT") }

    /// An `INSERT … VALUES` that reads nothing: no `SELECT` (its reads would not see the rows
    /// held ahead of it) and no `WITH` of its own.
    private static func isInsertOfValues(_ sql: String) -> Bool {
        let text = sql.drop { $0 == " " || $0 == "\n" }
        return text.hasPrefix("INSERT INTO ") && !text.contains("SELECT") && !text.contains("WITH ")
    }

    /// Holds `sql` until `carried(by:)` or `combined()`.
    mutating func hold(_ sql: String, _ arguments: SQLArguments) {
        statements.append((sql, arguments))
    }

    /// Forgets what is held (its write failed or was rolled back).
    mutating func drop() { statements = [] }

    /// `sql` with every held insert ahead of it, and their arguments in placeholder order; nothing
    /// is held afterwards.
    mutating func carried(by sql: String, _ arguments: SQLArguments) -> (sql: String, arguments: SQLArguments) {
        guard !statements.isEmpty else { return (sql, arguments) }
        var clauses: [String] = []
        var all: SQLArguments = []
        for (index, statement) in statements.enumerated() {
            clauses.append("desk_held_\(index + 1) AS (\(statement.sql))")
            all += statement.arguments
        }
        statements = []
        return ("WITH " + clauses.joined(separator: ", ") + " " + sql, all + arguments)
    }

    /// The held inserts as one statement (the last carries the others), or nil when none is held;
    /// nothing is held afterwards.
    mutating func combined() -> (sql: String, arguments: SQLArguments)? {
        guard let last = statements.popLast() else { return nil }
        return carried(by: last.sql, last.arguments)
    }
}
