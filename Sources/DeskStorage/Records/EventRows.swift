import DeskCore
import GRDB

/// Appending sealed events to the `event` table: all of one command's events in one statement,
/// numbered by the writer (`SQLTransaction.append`), so that the statement is sent without waiting
/// for an answer (on PostgreSQL it rides with the next statement; see `SQLConnection.enqueue`).
enum EventRows {
    /// The columns an appended event fills (`redacted_at` stays empty).
    private static let columns = "seq, id, at, incident_id, actor, kind, data, content_hash, prev_hash, chain_hash"

    /// Inserts `records`, already numbered and sealed in this order. A number already taken fails
    /// the write (the primary key), so a stale idea of the chain's end cannot fork it.
    static func insert(_ records: [EventRecord], in db: any SQLConnection) throws {
        guard !records.isEmpty else { return }
        let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        let sql =
            "INSERT INTO event (\(columns)) VALUES "
            + Array(repeating: row, count: records.count).joined(separator: ", ")
        var arguments: SQLArguments = []
        arguments.reserveCapacity(records.count * 10)
        for record in records {
            arguments += [
                record.seq, record.id, record.at, record.incidentID, record.actor, record.kind, record.data,
                record.contentHash, record.prevHash, record.chainHash,
            ]
        }
        try db.enqueue(sql, arguments)
    }
}
