import DeskCore
import Foundation
import GRDB

/// Reads and writes of the duty tables, on one connection: the reads behind `DutyStore` and what
/// the commands' `DeskTransaction` does with rosters, call-outs, follow-ups and the outbox.
enum DutyQueries {
    /// The whole roster.
    static func roster(in db: Database) throws -> Roster {
        Roster(
            responders: try Row.fetchAll(db, sql: "SELECT * FROM responder ORDER BY id").map(DutyRows.responder),
            rotations: try Row.fetchAll(db, sql: "SELECT * FROM rotation ORDER BY id").map(DutyRows.rotation),
            overrides: try Row.fetchAll(db, sql: "SELECT * FROM roster_override ORDER BY starts_at, id")
                .map(DutyRows.override),
            unavailability: try Row.fetchAll(db, sql: "SELECT * FROM unavailability ORDER BY seq")
                .map(DutyRows.unavailability))
    }

    /// The call-out with this id, if any.
    static func callOut(_ id: DeskID, in db: Database) throws -> CallOut? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM callout WHERE id = ?"), arguments: [id.rawValue])
            .map(DutyRows.callOut)
    }

    /// The follow-up with this id, if any.
    static func followUp(_ id: DeskID, in db: Database) throws -> FollowUp? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM followup WHERE id = ?"), arguments: [id.rawValue])
            .map(DutyRows.followUp)
    }

    /// Call-outs matching `query`, newest first.
    static func callOuts(_ query: CallOutQuery, in db: Database) throws -> [CallOut] {
        var conditions = SQLConditions()
        if let incident = query.incident { conditions.add("incident_id = ?", incident.rawValue) }
        if let responder = query.responder { conditions.add("responder_id = ?", responder) }
        if let states = query.states { conditions.add(oneOf: "state", states.map(\.rawValue)) }
        let sql = "SELECT * FROM callout" + conditions.whereClause + " ORDER BY id DESC LIMIT \(query.limit)"
        return try Row.fetchAll(db, sql: sql, arguments: conditions.arguments).map(DutyRows.callOut)
    }

    /// Follow-ups matching `query`, soonest due first.
    static func followUps(_ query: FollowUpQuery, in db: Database) throws -> [FollowUp] {
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
        return try Row.fetchAll(db, sql: sql, arguments: conditions.arguments).map(DutyRows.followUp)
    }

    /// Replaces every rotation, override and unavailability with `roster`'s.
    static func replaceSchedule(with roster: Roster, in db: Database) throws {
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
    }

    /// Records on the incident the phase its trigger policy ran for (`incidentsToStaff` skips it).
    private static func markStaffed(_ incident: DeskID, phase: Phase, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE incident SET staffed_phase = ? WHERE id = ?")
            .execute(arguments: [phase.rawValue, incident.rawValue])
    }

    /// Writes a duty change whole (see `DeskTransaction.apply`) and returns its events, to append.
    static func apply(_ change: DutyChange, in db: Database) throws -> [TimelineEvent] {
        if let mark = change.staffed {
            do {
                try db.execute(
                    sql: "INSERT INTO staffing (incident_id, phase, staffed_at) VALUES (?, ?, ?)",
                    arguments: [mark.incidentID.rawValue, mark.phase.rawValue, Timestamp.format(mark.at)])
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw DeskError.conflict(.alreadyStaffed(mark.incidentID.rawValue, mark.phase.rawValue))
            }
            try markStaffed(mark.incidentID, phase: mark.phase, in: db)
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
            try markStaffed(mark.incidentID, phase: mark.phase, in: db)
        }
        var events: [TimelineEvent] = []
        for transition in change.callOutTransitions {
            let callOut = transition.callOut
            try db.execute(
                sql: """
                    UPDATE callout SET state = ?, updated_at = ?, reason = ?, sent_via = ?, answered_via = ?
                    WHERE id = ? AND state = ?
                    """,
                arguments: [
                    callOut.state.rawValue, Timestamp.format(callOut.updatedAt), callOut.reason, callOut.sentVia,
                    callOut.answeredVia, callOut.id.rawValue, transition.from.rawValue,
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
                    UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, gateway_ref = ?
                    WHERE id = ? AND state = 'pending'
                    """,
                arguments: [
                    delivery.state.rawValue, delivery.attempts, Timestamp.format(delivery.nextAttemptAt),
                    delivery.lastError, delivery.gatewayReference, delivery.id.rawValue,
                ])
        }
        return events + change.events
    }
}
