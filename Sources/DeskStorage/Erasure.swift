import DeskCore
import Foundation
import GRDB
import PostgresNIO

extension SQLDeskStore {
    public func purgeCandidates(closedBefore cutoff: Date) async throws -> [DeskID] {
        try await guarded {
            // A read transaction: looking at every old closed incident never holds the writer.
            try await engine.read { db in try Erasure.candidates(closedBefore: cutoff, in: db).map(StoredValue.id) }
        }
    }
}

/// Erasing personal data by the retention policy, on one connection: finding the candidates (a
/// read) and erasing them (in the purge command's transaction).
enum Erasure {
    /// Erases `ids` (each checked again: still closed before `cutoff` and holding personal data),
    /// each in a savepoint of its own, so that one that fails is left for the next purge and never
    /// keeps the others from being erased. Returns the summary and, unless nothing was erased (or
    /// `dryRun`), the `retention.purged` event to append.
    static func erase(
        _ ids: [DeskID], closedBefore cutoff: Date, dryRun: Bool, stamp: EventStamp, in db: any SQLConnection
    ) throws -> (PurgeSummary, TimelineEvent?) {
        var summary = PurgeSummary(
            cutoff: cutoff, dryRun: dryRun, incidents: [], reports: 0, events: 0, callOuts: 0, followUps: 0)
        var redacted: [Int64] = []
        let now = Timestamp.format(stamp.at)
        for id in ids {
            do {
                var erased: IncidentErasure?
                try db.savepoint {
                    erased = try Self.erase(id.rawValue, closedBefore: cutoff, now: now, dryRun: dryRun, in: db)
                    return !dryRun
                }
                guard let erased else { continue }
                summary.incidents.append(id)
                summary.reports += erased.reports
                summary.events += erased.events.count
                summary.callOuts += erased.callOuts
                summary.followUps += erased.followUps
                redacted += erased.events
            } catch {
                summary.failed.append(PurgeFailure(incident: id, reason: Self.describe(error)))
            }
        }
        guard !dryRun, !summary.incidents.isEmpty else { return (summary, nil) }
        let event = stamp.event(
            .retentionPurged, incident: nil,
            data: [
                "cutoff": .string(Timestamp.format(cutoff)), "incidents": .int(Int64(summary.incidents.count)),
                "reports": .int(Int64(summary.reports)), "callouts": .int(Int64(summary.callOuts)),
                "followups": .int(Int64(summary.followUps)),
                "redacted_events": .array(redacted.map { .int($0) }),
                "failed": .array(summary.failed.map { .string($0.incident.rawValue) }),
            ])
        return (summary, event)
    }

    /// Closed before `cutoff` and holding personal data: never erased, or holding text added after
    /// an erasure (a follow-up done since; an earlier version let erased incidents be reopened,
    /// annotated or split), or webhook copies written since (or left by a purge before this version).
    static func candidates(closedBefore cutoff: Date, in db: any SQLConnection) throws -> [String] {
        let erased = "'\(RetentionPolicy.erased)'"
        let members = RetentionPolicy.erasedEventMembers.sorted()
            .map { "\(SQLJSON.member("e.data", $0, db.dialect)) IS NOT NULL" }.joined(separator: " OR ")
        let old = "i.status = 'closed' AND i.closed_at < ?"
        // The outbox has no index by incident: joined once, not searched once per incident.
        return try db.values(
            String.self,
            """
            SELECT i.id FROM incident i WHERE \(old) AND (
                i.erased_at IS NULL
                OR EXISTS (SELECT 1 FROM report WHERE incident_id = i.id AND erased_at IS NULL)
                OR EXISTS (SELECT 1 FROM callout WHERE incident_id = i.id AND reason <> \(erased))
                OR EXISTS (SELECT 1 FROM followup WHERE incident_id = i.id AND outcome <> \(erased))
                OR EXISTS (SELECT 1 FROM event e WHERE e.incident_id = i.id AND e.redacted_at IS NULL
                           AND e.at >= i.erased_at AND (\(members))))
            UNION
            SELECT i.id FROM outbox o JOIN incident i ON i.id = o.incident_id
            WHERE \(old) AND i.erased_at IS NOT NULL
                AND (o.created_at >= i.erased_at
                    OR \(SQLJSON.member("o.body", "incident.title", db.dialect)) IS DISTINCT FROM \(erased))
            ORDER BY 1
            """, [Timestamp.format(cutoff), Timestamp.format(cutoff)])
    }

    /// What erasing one incident erased.
    struct IncidentErasure {
        var reports = 0
        var callOuts = 0
        var followUps = 0
        /// The events whose data was redacted.
        var events: [Int64] = []
    }

    /// Erases what is left of one incident's personal data (with `dryRun`, only counts it); nil
    /// when it is no longer closed before `cutoff` (reopened since the candidates were read).
    static func erase(
        _ id: String, closedBefore cutoff: Date, now: String, dryRun: Bool, in db: any SQLConnection
    ) throws -> IncidentErasure? {
        guard
            try db.exists(
                "SELECT 1 FROM incident WHERE id = ? AND status = 'closed' AND closed_at < ?",
                [id, Timestamp.format(cutoff)])
        else { return nil }
        let erased = RetentionPolicy.erased
        var result = IncidentErasure()
        result.reports =
            try db.value(Int.self, "SELECT count(*) FROM report WHERE incident_id = ? AND erased_at IS NULL", [id])
            ?? 0
        result.callOuts =
            try db.value(
                Int.self, "SELECT count(*) FROM callout WHERE incident_id = ? AND reason IS NOT NULL AND reason <> ?",
                [id, erased]) ?? 0
        result.followUps =
            try db.value(
                Int.self,
                "SELECT count(*) FROM followup WHERE incident_id = ? AND outcome IS NOT NULL AND outcome <> ?",
                [id, erased]) ?? 0
        var redactions: [(seq: Int64, data: String)] = []
        for row in try db.rows("SELECT seq, data FROM event WHERE incident_id = ? AND redacted_at IS NULL", [id]) {
            if let redacted = redact(row["data"]) { redactions.append((row["seq"], redacted)) }
        }
        result.events = redactions.map(\.seq)
        if dryRun { return result }
        // Only reports not erased yet: the immutability trigger allows one erasure per report.
        try db.execute(
            """
            UPDATE report SET text = ?, title = NULL, location = NULL, reporter_name = NULL,
                reporter_contact = NULL, erased_at = ?
            WHERE incident_id = ? AND erased_at IS NULL
            """, [erased, now, id])
        try db.execute(
            """
            UPDATE incident SET title = ?, outcome = CASE WHEN outcome IS NULL THEN NULL ELSE ? END,
                erased_at = ?
            WHERE id = ?
            """, [erased, erased, now, id])
        try db.execute(
            "UPDATE callout SET reason = ? WHERE incident_id = ? AND reason IS NOT NULL AND reason <> ?",
            [erased, id, erased])
        try db.execute(
            "UPDATE followup SET outcome = ? WHERE incident_id = ? AND outcome IS NOT NULL AND outcome <> ?",
            [erased, id, erased])
        for row in try db.rows("SELECT id, body FROM outbox WHERE incident_id = ?", [id]) {
            let body: String = row["body"]
            if let redacted = redact(body, members: RetentionPolicy.erasedNoticeMembers, deep: true) {
                try db.execute(
                    "UPDATE outbox SET body = ? WHERE id = ?", [redacted, row["id"] as String])
            }
        }
        for redaction in redactions {
            try db.execute(
                "UPDATE event SET data = ?, redacted_at = ? WHERE seq = ?", [redaction.data, now, redaction.seq])
        }
        return result
    }

    /// The JSON object with every member named in `members` (at the top, or with `deep` at any
    /// depth) replaced, or nil when it holds none.
    static func redact(
        _ data: String, members: Set<String> = RetentionPolicy.erasedEventMembers, deep: Bool = false
    ) -> String? {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(data.utf8)) else { return nil }
        var changed = false
        func redacted(_ value: JSONValue) -> JSONValue {
            switch value {
            case .object(var object):
                for (key, member) in object {
                    if members.contains(key) {
                        if member != .null && member != .string(RetentionPolicy.erased) {
                            object[key] = .string(RetentionPolicy.erased)
                            changed = true
                        }
                    } else if deep {
                        object[key] = redacted(member)
                    }
                }
                return .object(object)
            case .array(let items) where deep:
                return .array(items.map(redacted))
            default:
                return value
            }
        }
        guard case .object = value else { return nil }
        let result = redacted(value)
        return changed ? result.canonicalText : nil
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return StorageErrorText.describe(error) }
        if let error = error as? PSQLError { return PostgresErrorText.describe(error) }
        return "\(error)"
    }
}
