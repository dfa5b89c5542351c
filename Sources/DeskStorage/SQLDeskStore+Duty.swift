import DeskCore
import Foundation
import GRDB

extension SQLDeskStore: DutyStore {
    public func roster() async throws -> Roster {
        try await read { db in try DutyQueries.roster(in: db) }
    }

    public func callOuts(_ query: CallOutQuery) async throws -> [CallOut] {
        try await read { db in try DutyQueries.callOuts(query, in: db) }
    }

    public func callOut(_ id: DeskID) async throws -> CallOut? {
        try await read { db in try DutyQueries.callOut(id, in: db) }
    }

    public func followUps(_ query: FollowUpQuery) async throws -> [FollowUp] {
        try await read { db in try DutyQueries.followUps(query, in: db) }
    }

    public func followUp(_ id: DeskID) async throws -> FollowUp? {
        try await read { db in try DutyQueries.followUp(id, in: db) }
    }

    public func isUnstaffed(_ incident: DeskID) async throws -> Bool {
        try await read { db in
            try db.exists(
                """
                SELECT 1 FROM staffing s JOIN incident i ON i.id = s.incident_id
                WHERE s.incident_id = ? AND s.phase = i.phase AND s.unstaffed_at IS NOT NULL
                """, [incident.rawValue])
        }
    }

    /// Two grouped queries for any number of incidents (the ids go in as one JSON array): call-outs
    /// counted by incident and state through the `(incident_id, responder_id)` unique index, and
    /// the incidents flagged unstaffed in their current phase.
    public func callOutProgress(of incidents: [DeskID]) async throws -> [DeskID: CallOutProgress] {
        guard !incidents.isEmpty else { return [:] }
        let byText = Dictionary(incidents.map { ($0.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        let ids = String(decoding: try JSONEncoder().encode(Array(byText.keys)), as: UTF8.self)
        return try await read { db in
            let list = SQLJSON.elements(of: "?", db.dialect)
            var progress: [DeskID: CallOutProgress] = [:]
            let counts = try db.rows(
                """
                SELECT incident_id, state, count(*) AS n FROM callout
                WHERE incident_id IN (\(list)) GROUP BY incident_id, state
                """, [ids])
            for row in counts {
                guard let id = byText[row["incident_id"] as String],
                    let state = CallOut.State(rawValue: row["state"])
                else { continue }
                progress[id, default: CallOutProgress()].byState[state] = row["n"]
            }
            let unstaffed = try db.values(
                String.self,
                """
                SELECT s.incident_id FROM staffing s JOIN incident i ON i.id = s.incident_id
                WHERE s.incident_id IN (\(list)) AND s.phase = i.phase AND s.unstaffed_at IS NOT NULL
                """, [ids])
            for text in unstaffed {
                if let id = byText[text] { progress[id, default: CallOutProgress()].unstaffed = true }
            }
            return progress
        }
    }

    /// Open incidents whose trigger policy has not run for their phase, found through the partial
    /// index `incident_to_staff` (an incident leaves it when staffed), not by checking every open one.
    public func incidentsToStaff(limit: Int) async throws -> [Incident] {
        try await read { db in
            try IncidentRows.fetchAll(Self.incidentsToStaffQuery(db.dialect), [limit], in: db)
        }
    }

    /// What `incidentsToStaff` asks: through the partial index (on SQLite `INDEXED BY`, so that it
    /// fails rather than falls back to checking every open incident); its first two terms are the
    /// index's. `NOT EXISTS` still decides: an incident moved back to a phase it was staffed for
    /// before stays in the index (its `staffed_phase` is the other one) and is skipped here, never
    /// staffed twice.
    static func incidentsToStaffQuery(_ dialect: SQLDialect) -> String {
        let indexed = dialect == .sqlite ? " INDEXED BY incident_to_staff" : ""
        return """
            SELECT \(IncidentRows.columns(of: "i")) FROM incident i\(indexed)
            WHERE i.status = 'open' AND i.staffed_phase IS DISTINCT FROM i.phase
              AND i.phase IN ('before', 'during', 'after')
              AND NOT EXISTS (SELECT 1 FROM staffing s WHERE s.incident_id = i.id AND s.phase = i.phase)
            ORDER BY i.id LIMIT ?
            """
    }

    public func callOutsDue(at now: Date, limit: Int) async throws -> [CallOut] {
        try await fetch(
            "SELECT * FROM callout WHERE state IN ('pending', 'notified') AND due_at <= ? ORDER BY due_at LIMIT ?",
            [Timestamp.format(now), limit], DutyRows.callOut)
    }

    public func callOutsAwaitingAnswer() async throws -> Int {
        // From the partial index callout_open_by_due alone (its WHERE is this one).
        try await read { db in
            try db.value(Int.self, "SELECT count(*) FROM callout WHERE state IN ('pending', 'notified')") ?? 0
        }
    }

    /// Three reads, each bounded by what waits rather than by the desk's history: the open call-outs
    /// through the partial index `callout_open_by_due`, the open incidents through
    /// `incident_open_by_phase` (then their `staffing` row by primary key), and the pending
    /// deliveries through `outbox_pending`.
    public func dutyBacklog(at now: Date) async throws -> DutyBacklog {
        try await read { db in
            let awaiting =
                try db.value(Int.self, "SELECT count(*) FROM callout WHERE state IN ('pending', 'notified')") ?? 0
            let late =
                try db.value(
                    Int.self, "SELECT count(*) FROM callout WHERE state IN ('pending', 'notified') AND due_at <= ?",
                    [Timestamp.format(now)]) ?? 0
            let unstaffed =
                try db.value(
                    Int.self,
                    """
                    SELECT count(*) FROM incident i JOIN staffing s ON s.incident_id = i.id AND s.phase = i.phase
                    WHERE i.status = 'open' AND s.unstaffed_at IS NOT NULL
                    """) ?? 0
            var outbox: [String: DutyBacklog.Outbox] = [:]
            let rows = try db.rows(
                """
                SELECT receiver, count(*) AS n, min(created_at) AS oldest FROM outbox
                WHERE state = 'pending' GROUP BY receiver
                """)
            for row in rows {
                let receiver: String = row["receiver"]
                outbox[receiver] = DutyBacklog.Outbox(
                    pending: row["n"], oldestCreatedAt: try StoredValue.time(row["oldest"]))
            }
            return DutyBacklog(
                measuredAt: now, callOutsAwaitingAnswer: awaiting, callOutsPastAnswerBy: late,
                unstaffedIncidents: unstaffed,
                outbox: outbox)
        }
    }

    public func callOutsOfClosedIncidents(limit: Int) async throws -> [CallOut] {
        try await fetch(
            """
            SELECT c.* FROM callout c JOIN incident i ON i.id = c.incident_id
            WHERE c.state IN ('pending', 'notified') AND i.status = 'closed' ORDER BY c.id LIMIT ?
            """, [limit], DutyRows.callOut)
    }

    public func followUpsOverdue(dueBy: Date, limit: Int) async throws -> [FollowUp] {
        try await fetch(
            "SELECT * FROM followup WHERE state = 'open' AND due_at <= ? ORDER BY due_at LIMIT ?",
            [Timestamp.format(dueBy), limit], DutyRows.followUp)
    }

    public func claimDeliveries(dueAt now: Date, limit: Int, leaseUntil: Date) async throws -> [Delivery] {
        let due = Timestamp.format(now)
        let lease = Timestamp.format(leaseUntil)
        // Most rounds find nothing due: a read says so without taking a write turn.
        let anyDue = try await read { db in
            try db.exists("SELECT 1 FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?", [due])
        }
        guard anyDue else { return [] }
        return try await guarded {
            try await engine.write { db in
                let claimed = try db.rows(
                    """
                    SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?
                    ORDER BY next_attempt_at, id LIMIT ?
                    """, [due, limit]
                ).map(DutyRows.delivery)
                for delivery in claimed {
                    try db.execute(
                        "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND state = 'pending'",
                        [lease, delivery.id.rawValue])
                }
                return claimed
            }
        }
    }

    private func fetch<Value: Sendable>(
        _ sql: String, _ arguments: SQLArguments, _ convert: @escaping @Sendable (Row) throws -> Value
    ) async throws -> [Value] {
        try await read { db in try db.rows(sql, arguments).map(convert) }
    }
}
