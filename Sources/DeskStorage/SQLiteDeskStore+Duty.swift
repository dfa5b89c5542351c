import DeskCore
import Foundation
import GRDB

extension SQLiteDeskStore: DutyStore {
    public func roster() async throws -> Roster {
        try await guarded { try await pool.read { db in try Self.roster(in: db) } }
    }

    static func roster(in db: Database) throws -> Roster {
        Roster(
            responders: try Row.fetchAll(db, sql: "SELECT * FROM responder ORDER BY id").map(DutyRows.responder),
            rotations: try Row.fetchAll(db, sql: "SELECT * FROM rotation ORDER BY id").map(DutyRows.rotation),
            overrides: try Row.fetchAll(db, sql: "SELECT * FROM roster_override ORDER BY starts_at, id")
                .map(DutyRows.override),
            unavailability: try Row.fetchAll(db, sql: "SELECT * FROM unavailability ORDER BY seq")
                .map(DutyRows.unavailability))
    }

    public func insertResponder(_ responder: Responder, event: TimelineEvent) async throws {
        try await guarded {
            try await database.write { db in
                if try Row.fetchOne(db, sql: "SELECT 1 FROM responder WHERE id = ?", arguments: [responder.id]) != nil {
                    throw DeskError.conflict(.responderExists(responder.id))
                }
                try DutyRows.save(responder, in: db)
                _ = try Self.append([event], in: db)
            }
        }
    }

    public func updateResponder(
        _ id: String,
        _ change: @escaping @Sendable (Responder, Roster) throws(DeskError) -> (Responder, TimelineEvent)
    ) async throws -> (Responder, TimelineEvent) {
        try await guarded {
            try await database.write { db in
                let roster = try Self.roster(in: db)
                guard let current = roster.responder(id) else { throw DeskError.notFound(kind: "responder", id: id) }
                let (updated, event) = try change(current, roster)
                try DutyRows.save(updated, in: db)
                let stored = try Self.append([event], in: db)
                return (updated, stored[0])
            }
        }
    }

    public func importRoster(_ roster: Roster, event: TimelineEvent) async throws {
        try await guarded {
            try await database.write { db in
                for responder in roster.responders { try DutyRows.save(responder, in: db) }
                try db.execute(sql: "DELETE FROM rotation; DELETE FROM roster_override; DELETE FROM unavailability")
                for rotation in roster.rotations { try DutyRows.insert(rotation, in: db) }
                for override in roster.overrides { try DutyRows.insert(override, in: db) }
                for entry in roster.unavailability {
                    try db.execute(
                        sql:
                            "INSERT INTO unavailability (responder_id, starts_at, ends_at, reason) VALUES (?, ?, ?, ?)",
                        arguments: [
                            entry.responder, Timestamp.format(entry.starts), Timestamp.format(entry.ends), entry.reason,
                        ])
                }
                _ = try Self.append([event], in: db)
            }
        }
    }

    public func insertOverride(_ override: RosterOverride, event: TimelineEvent) async throws {
        try await guarded {
            try await database.write { db in
                try DutyRows.insert(override, in: db)
                _ = try Self.append([event], in: db)
            }
        }
    }

    public func callOuts(_ query: CallOutQuery) async throws -> [CallOut] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let incident = query.incident {
            conditions.append("incident_id = ?")
            arguments.append(incident.rawValue)
        }
        if let responder = query.responder {
            conditions.append("responder_id = ?")
            arguments.append(responder)
        }
        if let states = query.states {
            conditions.append("state IN (\(states.map { _ in "?" }.joined(separator: ", ")))")
            arguments += states.map(\.rawValue)
        }
        let sql =
            "SELECT * FROM callout" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY id DESC LIMIT \(query.limit)"
        return try await fetch(sql, StatementArguments(arguments), DutyRows.callOut)
    }

    public func callOut(_ id: DeskID) async throws -> CallOut? {
        try await fetch("SELECT * FROM callout WHERE id = ?", [id.rawValue], DutyRows.callOut).first
    }

    public func followUps(_ query: FollowUpQuery) async throws -> [FollowUp] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let incident = query.incident {
            conditions.append("incident_id = ?")
            arguments.append(incident.rawValue)
        }
        if let responder = query.responder {
            conditions.append("(owner_id = ? OR escalated_to = ?)")
            arguments += [responder, responder]
        }
        if let dueBefore = query.dueBefore {
            conditions.append("due_at < ? AND state IN ('open', 'escalated')")
            arguments.append(Timestamp.format(dueBefore))
        }
        if let states = query.states {
            conditions.append("state IN (\(states.map { _ in "?" }.joined(separator: ", ")))")
            arguments += states.map(\.rawValue)
        }
        let sql =
            "SELECT * FROM followup" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY due_at, id LIMIT \(query.limit)"
        return try await fetch(sql, StatementArguments(arguments), DutyRows.followUp)
    }

    public func followUp(_ id: DeskID) async throws -> FollowUp? {
        try await fetch("SELECT * FROM followup WHERE id = ?", [id.rawValue], DutyRows.followUp).first
    }

    public func isUnstaffed(_ incident: DeskID) async throws -> Bool {
        try await guarded {
            try await pool.read { db in
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT s.unstaffed_at IS NOT NULL FROM staffing s JOIN incident i ON i.id = s.incident_id
                        WHERE s.incident_id = ? AND s.phase = i.phase
                        """, arguments: [incident.rawValue]) ?? false
            }
        }
    }

    public func incidentsToStaff(limit: Int) async throws -> [Incident] {
        try await guarded {
            try await pool.read { db in
                try IncidentRecord.fetchAll(
                    db,
                    sql: """
                        SELECT i.* FROM incident i
                        WHERE i.status = 'open' AND i.phase IN ('before', 'during', 'after')
                          AND NOT EXISTS (SELECT 1 FROM staffing s WHERE s.incident_id = i.id AND s.phase = i.phase)
                        ORDER BY i.id LIMIT ?
                        """, arguments: [limit]
                ).map { try $0.incident(classification: false) }  // staffing goes by phase, category, severity
            }
        }
    }

    public func callOutsDue(at now: Date, limit: Int) async throws -> [CallOut] {
        try await fetch(
            "SELECT * FROM callout WHERE state IN ('pending', 'notified') AND due_at <= ? ORDER BY due_at LIMIT ?",
            [Timestamp.format(now), limit], DutyRows.callOut)
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

    public func deliveriesDue(at now: Date, limit: Int) async throws -> [Delivery] {
        try await fetch(
            "SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            [Timestamp.format(now), limit], DutyRows.delivery)
    }

    public func apply(_ change: DutyChange) async throws -> [TimelineEvent] {
        try await guarded {
            try await database.write { db in
                if let mark = change.staffed {
                    do {
                        try db.execute(
                            sql: "INSERT INTO staffing (incident_id, phase, staffed_at) VALUES (?, ?, ?)",
                            arguments: [mark.incidentID.rawValue, mark.phase.rawValue, Timestamp.format(mark.at)])
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                        throw DeskError.conflict(.alreadyStaffed(mark.incidentID.rawValue, mark.phase.rawValue))
                    }
                }
                if let mark = change.unstaffed {
                    try db.execute(
                        sql: """
                            INSERT INTO staffing (incident_id, phase, staffed_at, unstaffed_at) VALUES (?, ?, ?, ?)
                            ON CONFLICT (incident_id, phase) DO UPDATE SET unstaffed_at = excluded.unstaffed_at
                            """,
                        arguments: [
                            mark.incidentID.rawValue, mark.phase.rawValue, Timestamp.format(mark.at),
                            Timestamp.format(mark.at),
                        ])
                }
                var events: [TimelineEvent] = []
                for transition in change.callOutTransitions {
                    let callOut = transition.callOut
                    try db.execute(
                        sql: "UPDATE callout SET state = ?, updated_at = ?, reason = ? WHERE id = ? AND state = ?",
                        arguments: [
                            callOut.state.rawValue, Timestamp.format(callOut.updatedAt), callOut.reason,
                            callOut.id.rawValue, transition.from.rawValue,
                        ])
                    if db.changesCount == 1 {
                        events += transition.events
                    } else if transition.required {
                        let state = try String.fetchOne(
                            db, sql: "SELECT state FROM callout WHERE id = ?", arguments: [callOut.id.rawValue])
                        throw DeskError.conflict(.callOutClosed(callOut.id.rawValue, state ?? "gone"))
                    }
                }
                for callOut in change.newCallOuts { try DutyRows.insert(callOut, in: db) }
                for (followUp, from) in change.followUpTransitions {
                    try db.execute(
                        sql: """
                            UPDATE followup SET state = ?, updated_at = ?, escalated_to = ?, outcome = ?, completed_by = ?
                            WHERE id = ? AND state = ?
                            """,
                        arguments: [
                            followUp.state.rawValue, Timestamp.format(followUp.updatedAt), followUp.escalatedTo,
                            followUp.outcome, followUp.completedBy, followUp.id.rawValue, from.rawValue,
                        ])
                    if db.changesCount != 1 {
                        let state = try String.fetchOne(
                            db, sql: "SELECT state FROM followup WHERE id = ?", arguments: [followUp.id.rawValue])
                        throw DeskError.conflict(.followUpClosed(followUp.id.rawValue, state ?? "gone"))
                    }
                }
                for followUp in change.newFollowUps { try DutyRows.insert(followUp, in: db) }
                for delivery in change.newDeliveries { try DutyRows.insert(delivery, in: db) }
                for delivery in change.deliveryUpdates {
                    try db.execute(
                        sql: """
                            UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?
                            WHERE id = ? AND state = 'pending'
                            """,
                        arguments: [
                            delivery.state.rawValue, delivery.attempts, Timestamp.format(delivery.nextAttemptAt),
                            delivery.lastError, delivery.id.rawValue,
                        ])
                }
                return try Self.append(events + change.events, in: db)
            }
        }
    }

    private func fetch<Value: Sendable>(
        _ sql: String, _ arguments: StatementArguments, _ convert: @escaping @Sendable (Row) throws -> Value
    ) async throws -> [Value] {
        try await guarded {
            try await pool.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(convert) }
        }
    }
}
