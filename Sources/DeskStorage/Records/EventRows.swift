import DeskCore
import GRDB

/// Appending sealed events to the `event` table: all of one command's events in one statement
/// (one round trip to PostgreSQL however many there are), each numbered by the table.
enum EventRows {
    /// The columns an appended event fills (`seq` is the table's, `redacted_at` stays empty).
    private static let columns = "id, at, incident_id, actor, kind, data, content_hash, prev_hash, chain_hash"

    /// Inserts `records`, already sealed in this order, and returns the sequence number each got,
    /// in the same order. The numbers are matched to the records by event id, and must rise in the
    /// records' order (the chain is read in sequence order): otherwise nothing is kept and the
    /// write fails.
    static func insert(_ records: [EventRecord], in db: any SQLConnection) throws -> [Int64] {
        guard !records.isEmpty else { return [] }
        let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
        let sql =
            "INSERT INTO event (\(columns)) VALUES "
            + Array(repeating: row, count: records.count).joined(separator: ", ") + " RETURNING id, seq"
        var arguments: SQLArguments = []
        arguments.reserveCapacity(records.count * 9)
        for record in records {
            arguments += [
                record.id, record.at, record.incidentID, record.actor, record.kind, record.data,
                record.contentHash, record.prevHash, record.chainHash,
            ]
        }
        var numbers: [String: Int64] = [:]
        // A command appends one to a few events: one statement text per count, kept compiled.
        try db.forEach(sql, arguments, cached: records.count <= 8) { row in
            if let id: String = row["id"], let seq: Int64 = row["seq"] { numbers[id] = seq }
        }
        var sequences: [Int64] = []
        sequences.reserveCapacity(records.count)
        for record in records {
            guard let sequence = numbers[record.id], sequence > (sequences.last ?? 0) else {
                throw StorageFailure("appended events were not numbered in the order of the chain")
            }
            sequences.append(sequence)
        }
        return sequences
    }
}
