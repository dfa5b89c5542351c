/// How several deskd on one PostgreSQL database take turns writing.
///
/// Every write transaction first takes one transaction-scoped advisory lock, so the desk's
/// writes are serialised across instances as they are within one (each instance's group commit
/// still batches its own writes into one turn). Inside the turn, statements see everything the
/// other instances committed before it (read committed), so a command's check of the state ("is
/// this call-out still open?") holds when it writes: a timer step run by two instances happens
/// once. The timeline stays one chain: the turn reads the chain's head, and when another
/// instance appended since this one last wrote, the writer's memory (the head and the open
/// incidents reports may join) is dropped and read again.
enum PostgresWriteTurn {
    /// The advisory lock every write transaction holds until it ends ("deskwrt").
    static let lockKey: Int64 = 0x6465_736B_7772_74

    /// Takes the turn in `db`'s open transaction and brings `state` up to date with what other
    /// instances wrote.
    static func take(in db: any SQLConnection, state: WriterState) throws {
        // Sent without waiting: the head is read by the next statement, which the server runs (with
        // a snapshot of its own) only once the lock is held.
        try db.enqueue("SELECT pg_advisory_xact_lock(?)", [lockKey])
        let position = try TimelineChain.position(in: db)
        if state.position != position {
            state.reset()
            state.position = position
        }
    }

    /// Ends the turn's writes (`start`: the chain's position when the turn was taken): when it
    /// appended events, moves the event table's own sequence past the numbers the writer gave
    /// them (so that a row inserted without one, as by hand, cannot take one of them) and tells
    /// other instances' live streams (`NOTIFY`). Sent without waiting, answered with `COMMIT`.
    static func finish(in db: any SQLConnection, state: WriterState, from start: TimelineChain.Position?) throws {
        guard let end = state.position, end != start else { return }
        try db.enqueue("SELECT setval(pg_get_serial_sequence('event', 'seq'), ?)", [end.sequence])
        try db.enqueue(PostgresTimelineSignal.notify, [])
    }
}
