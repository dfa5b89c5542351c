import DeskCore
import Foundation
import GRDB

/// Row conversions for the duty tables (responders, rotations, call-outs, follow-ups, outbox).
enum DutyRows {
    static func json<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, _ text: String) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StorageFailure("stored \(type) is unreadable: \(error)")
        }
    }

    static func localDate(_ text: String) throws -> LocalDate {
        guard let date = LocalDate(text) else { throw StorageFailure("stored date is malformed: \(text)") }
        return date
    }

    static func responder(_ row: Row) throws -> Responder {
        Responder(
            id: row["id"], name: row["name"], contact: row["contact"],
            roles: try decode([DutyRole].self, row["roles"]), areas: try decode([String].self, row["areas"]),
            unixUser: row["unix_user"], active: row["active"],
            language: (row["language"] as String?).flatMap(TextLanguage.init(rawValue:)))
    }

    static func save(_ responder: Responder, in db: any SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO responder (id, name, contact, roles, areas, unix_user, active, language)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, contact = excluded.contact,
                roles = excluded.roles, areas = excluded.areas, unix_user = excluded.unix_user,
                active = excluded.active, language = excluded.language
            """,
            [
                responder.id, responder.name, responder.contact, try json(responder.roles), try json(responder.areas),
                responder.unixUser, responder.active, responder.language?.rawValue,
            ])
    }

    static func rotation(_ row: Row) throws -> Rotation {
        guard let handoff = LocalTime(row["handoff"]) else { throw StorageFailure("stored hand-off is malformed") }
        let ends: String? = row["ends"]
        return Rotation(
            id: row["id"], area: row["area_id"], role: try StoredValue.enumeration(row["role"]), layer: row["layer"],
            shiftDays: row["shift_days"], handoff: handoff, starts: try localDate(row["starts"]),
            ends: try ends.map(localDate), participants: try decode([String].self, row["participants"]))
    }

    static func insert(_ rotation: Rotation, in db: any SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO rotation (id, area_id, role, layer, shift_days, handoff, starts, ends, participants)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                rotation.id, rotation.area, rotation.role.rawValue, rotation.layer, rotation.shiftDays,
                rotation.handoff.description, rotation.starts.description, rotation.ends?.description,
                try json(rotation.participants),
            ])
    }

    static func override(_ row: Row) throws -> RosterOverride {
        RosterOverride(
            id: row["id"], area: row["area_id"], role: try StoredValue.enumeration(row["role"]),
            responder: row["responder_id"], starts: try StoredValue.time(row["starts_at"]),
            ends: try StoredValue.time(row["ends_at"]), reason: row["reason"])
    }

    static func insert(_ override: RosterOverride, in db: any SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO roster_override (id, area_id, role, responder_id, starts_at, ends_at, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                override.id, override.area, override.role.rawValue, override.responder,
                Timestamp.format(override.starts), Timestamp.format(override.ends), override.reason,
            ])
    }

    static func unavailability(_ row: Row) throws -> Unavailability {
        Unavailability(
            responder: row["responder_id"], starts: try StoredValue.time(row["starts_at"]),
            ends: try StoredValue.time(row["ends_at"]), reason: row["reason"])
    }

    static func callOut(_ row: Row) throws -> CallOut {
        let from: String? = row["escalated_from"]
        var callOut = CallOut(
            id: try StoredValue.id(row["id"]), incidentID: try StoredValue.id(row["incident_id"]),
            area: row["area_id"], role: try StoredValue.enumeration(row["role"]), responderID: row["responder_id"],
            state: try StoredValue.enumeration(row["state"]), step: row["step"], source: row["source"],
            task: row["task"], createdAt: try StoredValue.time(row["created_at"]),
            dueAt: try StoredValue.time(row["due_at"]), ackWithin: row["ack_seconds"],
            escalatedFrom: try from.map(StoredValue.id), reason: row["reason"])
        callOut.updatedAt = try StoredValue.time(row["updated_at"])
        callOut.sentVia = row["sent_via"]
        callOut.answeredVia = row["answered_via"]
        return callOut
    }

    static func insert(_ callOut: CallOut, in db: any SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO callout (id, incident_id, area_id, role, responder_id, state, step, source, task,
                created_at, updated_at, due_at, ack_seconds, escalated_from, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                callOut.id.rawValue, callOut.incidentID.rawValue, callOut.area, callOut.role.rawValue,
                callOut.responderID, callOut.state.rawValue, callOut.step, callOut.source, callOut.task,
                Timestamp.format(callOut.createdAt), Timestamp.format(callOut.updatedAt),
                Timestamp.format(callOut.dueAt), callOut.ackWithin, callOut.escalatedFrom?.rawValue, callOut.reason,
            ])
    }

    static func followUp(_ row: Row) throws -> FollowUp {
        var followUp = FollowUp(
            id: try StoredValue.id(row["id"]), incidentID: try StoredValue.id(row["incident_id"]),
            area: row["area_id"], ownerID: row["owner_id"], label: row["label"],
            dueAt: try StoredValue.time(row["due_at"]), state: try StoredValue.enumeration(row["state"]),
            createdAt: try StoredValue.time(row["created_at"]), escalatedTo: row["escalated_to"],
            outcome: row["outcome"], completedBy: row["completed_by"])
        followUp.updatedAt = try StoredValue.time(row["updated_at"])
        return followUp
    }

    static func insert(_ followUp: FollowUp, in db: any SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO followup (id, incident_id, area_id, owner_id, label, due_at, state, created_at,
                updated_at, escalated_to, outcome, completed_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                followUp.id.rawValue, followUp.incidentID.rawValue, followUp.area, followUp.ownerID, followUp.label,
                Timestamp.format(followUp.dueAt), followUp.state.rawValue, Timestamp.format(followUp.createdAt),
                Timestamp.format(followUp.updatedAt), followUp.escalatedTo, followUp.outcome, followUp.completedBy,
            ])
    }

    static func delivery(_ row: Row) throws -> Delivery {
        let incident: String? = row["incident_id"]
        let callOut: String? = row["callout_id"]
        var delivery = Delivery(
            id: try StoredValue.id(row["id"]), receiver: row["receiver"], kind: row["kind"], body: row["body"],
            incidentID: try incident.map(StoredValue.id), calloutID: try callOut.map(StoredValue.id),
            createdAt: try StoredValue.time(row["created_at"]))
        delivery.state = try StoredValue.enumeration(row["state"])
        delivery.attempts = row["attempts"]
        delivery.nextAttemptAt = try StoredValue.time(row["next_attempt_at"])
        delivery.lastError = row["last_error"]
        delivery.gatewayReference = row["gateway_ref"]
        return delivery
    }

    static func insert(_ delivery: Delivery, in db: any SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO outbox (id, receiver, kind, body, incident_id, callout_id, created_at, state, attempts,
                next_attempt_at, last_error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                delivery.id.rawValue, delivery.receiver, delivery.kind, delivery.body, delivery.incidentID?.rawValue,
                delivery.calloutID?.rawValue, Timestamp.format(delivery.createdAt), delivery.state.rawValue,
                delivery.attempts, Timestamp.format(delivery.nextAttemptAt), delivery.lastError,
            ])
    }
}
