import NIOCore

/// How long a write may wait for PostgreSQL before its request is answered 503 with Retry-After.
///
/// Several deskd on one database take turns writing (`PostgresWriteTurn`). A transaction that
/// holds the turn while its `COMMIT` waits for a synchronous standby that is gone keeps the turn
/// (a commit's wait for replication is ended by no `statement_timeout`), and every writer of every
/// instance would wait with it. So each wait has a bound, and together they keep a write's answer
/// within `writeAnswer`, under the 30–35 s clients and load balancers give a request:
///
/// - a write waits in the group-commit queue at most `queueWait`, then is answered without having
///   been run (nothing stored);
/// - a batch waits for the turn at most `turnLock` (`lock_timeout`, SQLSTATE 55P03: nothing stored);
/// - a batch's transaction, its `COMMIT` included, lasts at most `transaction`; then the connection
///   is dropped and the writer connects again. A commit given up this way may still land on the
///   server (its WAL was written before the wait): a retry with the same Idempotency-Key then
///   gets the stored answer, never a second incident.
enum PostgresDeadlines {
    /// The longest a write waits in the queue before it is answered 503.
    static let queueWait: Duration = .seconds(10)
    /// The longest a batch waits for the write turn (`lock_timeout` of the writer's session).
    static let turnLock = "8s"
    /// The longest a batch's transaction lasts, from `BEGIN` to the answer to `COMMIT`.
    static let transaction = TimeAmount.seconds(15)
    /// What the three add up to: the longest a write's answer takes (a little scheduling aside).
    static let writeAnswer: Duration = .seconds(25)
}
