import DeskCore
import Foundation
import GRDB

extension SQLiteDeskStore {
    public func purge(closedBefore cutoff: Date, dryRun: Bool, stamp: EventStamp) async throws -> PurgeSummary {
        try await guarded {
            try await database.write { db in
                let ids = try String.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM incident WHERE status = 'closed' AND closed_at < ? AND erased_at IS NULL
                        ORDER BY id
                        """, arguments: [Timestamp.format(cutoff)])
                guard !ids.isEmpty else {
                    return PurgeSummary(
                        cutoff: cutoff, dryRun: dryRun, incidents: [], reports: 0, events: 0, callOuts: 0, followUps: 0)
                }
                let list = "(" + ids.map { _ in "?" }.joined(separator: ",") + ")"
                let arguments = StatementArguments(ids)
                let reports =
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM report WHERE incident_id IN \(list)", arguments: arguments) ?? 0
                let callOuts =
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM callout WHERE incident_id IN \(list) AND reason IS NOT NULL",
                        arguments: arguments) ?? 0
                let followUps =
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM followup WHERE incident_id IN \(list) AND outcome IS NOT NULL",
                        arguments: arguments) ?? 0
                var redactions: [(seq: Int64, data: String)] = []
                for row in try Row.fetchAll(
                    db, sql: "SELECT seq, data FROM event WHERE incident_id IN \(list) AND redacted_at IS NULL",
                    arguments: arguments)
                {
                    if let redacted = Self.redact(row["data"]) { redactions.append((row["seq"], redacted)) }
                }
                let summary = PurgeSummary(
                    cutoff: cutoff, dryRun: dryRun, incidents: try ids.map(StoredValue.id), reports: reports,
                    events: redactions.count, callOuts: callOuts, followUps: followUps)
                if dryRun { return summary }
                let now = Timestamp.format(stamp.at)
                let erased = RetentionPolicy.erased
                try db.execute(
                    sql: """
                        UPDATE report SET text = ?, title = NULL, location = NULL, reporter_name = NULL,
                            reporter_contact = NULL, erased_at = ?
                        WHERE incident_id IN \(list)
                        """, arguments: [erased, now] + arguments)
                try db.execute(
                    sql: """
                        UPDATE incident SET title = ?, outcome = CASE WHEN outcome IS NULL THEN NULL ELSE ? END,
                            erased_at = ?
                        WHERE id IN \(list)
                        """, arguments: [erased, erased, now] + arguments)
                try db.execute(
                    sql: "UPDATE callout SET reason = ? WHERE incident_id IN \(list) AND reason IS NOT NULL",
                    arguments: [erased] + arguments)
                try db.execute(
                    sql: "UPDATE followup SET outcome = ? WHERE incident_id IN \(list) AND outcome IS NOT NULL",
                    arguments: [erased] + arguments)
                for redaction in redactions {
                    try db.execute(
                        sql: "UPDATE event SET data = ?, redacted_at = ? WHERE seq = ?",
                        arguments: [redaction.data, now, redaction.seq])
                }
                let event = stamp.event(
                    .retentionPurged, incident: nil,
                    data: [
                        "cutoff": .string(Timestamp.format(cutoff)), "incidents": .int(Int64(ids.count)),
                        "reports": .int(Int64(reports)), "callouts": .int(Int64(callOuts)),
                        "followups": .int(Int64(followUps)),
                        "redacted_events": .array(redactions.map { .int($0.seq) }),
                    ])
                _ = try Self.append([event], in: db)
                return summary
            }
        }
    }

    /// The event data with every free-text member replaced, or nil when it holds none.
    static func redact(_ data: String) -> String? {
        guard case .object(var members) = try? JSONDecoder().decode(JSONValue.self, from: Data(data.utf8)) else {
            return nil
        }
        var changed = false
        for key in members.keys where RetentionPolicy.erasedEventMembers.contains(key) {
            if members[key] != .null {
                members[key] = .string(RetentionPolicy.erased)
                changed = true
            }
        }
        return changed ? JSONValue.object(members).canonicalText : nil
    }
}
