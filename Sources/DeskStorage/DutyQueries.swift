import DeskCore
import Foundation
import GRDB

/// Reads and writes of the duty tables, on one connection: the reads behind `DutyStore` and what
/// the commands' `DeskTransaction` does with rosters, call-outs, follow-ups and the outbox.
enum DutyQueries {
    /// The whole roster.
    static func roster(in db: any SQLConnection) throws -> Roster {
        Roster(
            responders: try db.rows("SELECT * FROM responder ORDER BY id").map(DutyRows.responder),
            rotations: try db.rows("SELECT * FROM rotation ORDER BY id").map(DutyRows.rotation),
            overrides: try db.rows("SELECT * FROM roster_override ORDER BY starts_at, id").map(DutyRows.override),
            unavailability: try db.rows("SELECT * FROM unavailability ORDER BY seq").map(DutyRows.unavailability))
    }

    /// The call-out with this id, if any.
    static func callOut(_ id: DeskID, in db: any SQLConnection) throws -> CallOut? {
        try db.row("SELECT * FROM callout WHERE id = ?", [id.rawValue]).map(DutyRows.callOut)
    }

    /// The follow-up with this id, if any.
    static func followUp(_ id: DeskID, in db: any SQLConnection) throws -> FollowUp? {
        try db.row("SELECT * FROM followup WHERE id = ?", [id.rawValue]).map(DutyRows.followUp)
    }

    /// Call-outs matching `query`, newest first.
    static func callOuts(_ query: CallOutQuery, in db: any SQLConnection) throws -> [CallOut] {
        var conditions = SQLConditions()
        if let incident = query.incident { conditions.add("incident_id = ?", incident.rawValue) }
        if let responder = query.responder { conditions.add("responder_id = ?", responder) }
        if let states = query.states { conditions.add(oneOf: "state", states.map(\.rawValue)) }
        let sql = "SELECT * FROM callout" + conditions.whereClause + " ORDER BY id DESC LIMIT \(query.limit)"
        return try db.rows(sql, conditions.arguments, cached: false).map(DutyRows.callOut)
    }

    /// Follow-ups matching `query`, soonest due first.
    static func followUps(_ query: FollowUpQuery, in db: any SQLConnection) throws -> [FollowUp] {
        var conditions = SQLConditions()
        if let incident = query.incident { conditions.add("incident_id = ?", incident.rawValue) }
        if let responder = query.responder {
            conditions.add("(owner_id = ? OR escalated_to = ?)", responder, responder)
        }
        if let dueBefore = query.dueBefore {
            conditions.add("due_at < ? AND state IN ('open', 'escalated')", Timestamp.format(dueBefore))
        }
        if let states = query.states { conditions.add(oneOf: "state", states.map(\.rawValue)) }
        let sql = "SELECT * FROM followup" + conditions.whereClause + " ORDER BY due_at, id LIMIT \(query.limit)"
        return try db.rows(sql, conditions.arguments, cached: false).map(DutyRows.followUp)
    }

    /// Replaces every rotation, override and unavailability with `roster`'s.
    static func replaceSchedule(with roster: Roster, in db: any SQLConnection) throws {
        for table in ["rotation", "roster_override", "unavailability"] { try db.execute("DELETE FROM \(table)", []) }
        for rotation in roster.rotations { try DutyRows.insert(rotation, in: db) }
        for override in roster.overrides { try DutyRows.insert(override, in: db) }
        for entry in roster.unavailability {
            try db.execute(
                "INSERT INTO unavailability (responder_id, starts_at, ends_at, reason) VALUES (?, ?, ?, ?)",
                [
                    entry.responder, Timestamp.format(entry.starts), Timestamp.format(entry.ends), entry.reason,
                ])
        }
    }

    /// Records on the incident the phase its trigger policy ran for (`incidentsToStaff` skips it).
    private static func markStaffed(_ incident: DeskID, phase: Phase, in db: any SQLConnection) throws {
        try db.execute("UPDATE incident SET staffed_phase = ? WHERE id = ?", [phase.rawValue, incident.rawValue])
    }

    /// Writes a duty change whole (see `DeskTransaction.apply`) and returns its events, to append.
    static func apply(_ change: DutyChange, in db: any SQLConnection) throws -> [TimelineEvent] {
        if let mark = change.staffed {
            // ON CONFLICT DO NOTHING rather than a caught constraint error: on PostgreSQL a failed
            // statement would leave the whole transaction aborted.
            let inserted = try db.execute(
                """
                INSERT INTO staffing (incident_id, phase, staffed_at) VALUES (?, ?, ?)
                ON CONFLICT (incident_id, phase) DO NOTHING
                """, [mark.incidentID.rawValue, mark.phase.rawValue, Timestamp.format(mark.at)])
            guard inserted == 1 else {
                throw DeskError.conflict(.alreadyStaffed(mark.incidentID.rawValue, mark.phase.rawValue))
            }
            try markStaffed(mark.incidentID, phase: mark.phase, in: db)
        }
        if let mark = change.unstaffed {
            try db.execute(
                """
                INSERT INTO staffing (incident_id, phase, staffed_at, unstaffed_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (incident_id, phase) DO UPDATE SET unstaffed_at = excluded.unstaffed_at
                """,
                [
                    mark.incidentID.rawValue, mark.phase.rawValue, Timestamp.format(mark.at),
                    Timestamp.format(mark.at),
                ])
            try markStaffed(mark.incidentID, phase: mark.phase, in: db)
        }
        var events: [TimelineEvent] = []
        for transition in change.callOutTransitions {
            let callOut = transition.callOut
            let changed = try db.execute(
                """
                UPDATE callout SET state = ?, updated_at = ?, reason = ?, sent_via = ?, answered_via = ?
                WHERE id = ? AND state = ?
                """,
                [
                    callOut.state.rawValue, Timestamp.format(callOut.updatedAt), callOut.reason, callOut.sentVia,
                    callOut.answeredVia, callOut.id.rawValue, transition.from.rawValue,
                ])
            if changed == 1 {
                events += transition.events
            } else if transition.required {
                let state = try db.value(String.self, "SELECT state FROM callout WHERE id = ?", [callOut.id.rawValue])
                throw DeskError.conflict(.callOutClosed(callOut.id.rawValue, state ?? "gone"))
            }
        }
        for callOut in change.newCallOuts { try DutyRows.insert(callOut, in: db) }
        for (followUp, from) in change.followUpTransitions {
            let changed = try db.execute(
                """
                UPDATE followup SET state = ?, updated_at = ?, escalated_to = ?, outcome = ?, completed_by = ?
                WHERE id = ? AND state = ?
                """,
                [
                    followUp.state.rawValue, Timestamp.format(followUp.updatedAt), followUp.escalatedTo,
                    followUp.outcome, followUp.completedBy, followUp.id.rawValue, from.rawValue,
                ])
            if changed != 1 {
                let state = try db.value(String.self, "SELECT state FROM followup WHERE id = ?", [followUp.id.rawValue])
                throw DeskError.conflict(.followUpClosed(followUp.id.rawValue, state ?? "gone"))
            }
        }
        for followUp in change.newFollowUps { try DutyRows.insert(followUp, in: db) }
        for delivery in change.newDeliveries { try DutyRows.insert(delivery, in: db) }
        for delivery in change.deliveryUpdates {
            try db.execute(
                """
                UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, gateway_ref = ?
                WHERE id = ? AND state = 'pending'
                """,
                [
                    delivery.state.rawValue, delivery.attempts, Timestamp.format(delivery.nextAttemptAt),
                    delivery.lastError, delivery.gatewayReference, delivery.id.rawValue,
                ])
        }
        return events + change.events
    }
}
