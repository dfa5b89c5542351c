import PostgresNIO

/// A pipelined batch (`PostgresSQLConnection.transaction(pipelined:)`) that was not committed
/// because something in it failed, and which write it was is not known: its statements were sent
/// without waiting, and a failed one makes the server refuse every statement after it.
/// `GroupCommitWriter` then runs the same writes again one at a time, each in its own savepoint,
/// so that only the failing write fails, as an unpipelined batch would have.
struct PipelineAbandoned: Error {
    /// What failed first.
    let underlying: any Error

    /// Whether running the batch again one write at a time can end otherwise: not when the
    /// connection was lost or the server stopped taking writes, a wait for a lock or a statement
    /// ran out of time, or a commit's outcome is not known. Those fail the batch as before.
    var mayRunAgain: Bool {
        if let inner = underlying as? PipelineAbandoned { return inner.mayRunAgain }
        if underlying is PostgresCommitUnconfirmed || PostgresErrorText.needsNewConnection(underlying) {
            return false
        }
        guard let error = underlying as? PSQLError else {
            // A write's own error (a refused change, a row count that was not what it expected).
            return true
        }
        guard let state = error.serverInfo?[.sqlState] else { return false }
        // 53: out of resources; 55: a lock not available in time; 57: a statement cancelled or
        // timed out. Anything else the server refused (a constraint, bad data) was a write's.
        return !["53", "55", "57"].contains(String(state.prefix(2)))
    }
}
