import Foundation

/// The JSON body of a webhook notice: the wire format receivers parse (README, "Webhooks").
///
/// Written once, when the duty rules decide to send it, and kept in the outbox as canonical JSON
/// text (`Delivery.body`, keys sorted), so that every retry sends and signs the same bytes.
/// Absent optional members are sent as `null`, never left out.
struct WebhookNotice: Sendable {
    /// What the notice announces, beside its incident.
    enum Subject: Sendable {
        /// `callout.created`: a new call-out, with the responder it calls (`null` if not on the roster).
        case callOutCreated(CallOut, responder: Responder?)
        /// `incident.unstaffed`: the roles nobody can take, and why.
        case incidentUnstaffed(roles: [DutyRole], reason: String)
        /// `followup.escalated`: an overdue follow-up, with the coordinator it went to (`null` if nobody).
        case followUpEscalated(FollowUp, to: Responder?)
    }

    var incident: Incident
    var occurredAt: Date
    var subject: Subject

    /// The notice's `type` member, also the delivery's `kind`.
    var kind: String {
        switch subject {
        case .callOutCreated: "callout.created"
        case .incidentUnstaffed: "incident.unstaffed"
        case .followUpEscalated: "followup.escalated"
        }
    }

    /// The body sent to `receiver` as delivery `delivery` (receivers de-duplicate on its id).
    func body(delivery: DeskID, receiver: String) -> String {
        var members: [String: JSONValue] = [
            "type": .string(kind), "occurred_at": .string(Timestamp.format(occurredAt)),
            "incident": .object([
                "id": .string(incident.id.rawValue), "area": .string(incident.areaID), "title": .string(incident.title),
                "phase": .string(incident.phase.rawValue), "category": .optional(incident.category?.rawValue),
                "severity": .optional(incident.severity),
            ]),
            "delivery_id": .string(delivery.rawValue), "receiver": .string(receiver),
        ]
        switch subject {
        case .callOutCreated(let callOut, let responder):
            members["callout"] = .object([
                "id": .string(callOut.id.rawValue), "role": .string(callOut.role.rawValue),
                "step": .int(Int64(callOut.step)), "source": .string(callOut.source),
                "task": .optional(callOut.task), "due_at": .string(Timestamp.format(callOut.dueAt)),
                "escalated_from": .optional(callOut.escalatedFrom?.rawValue),
            ])
            members["responder"] = Self.member(responder)
        case .incidentUnstaffed(let roles, let reason):
            members["roles"] = .array(roles.map { .string($0.rawValue) })
            members["reason"] = .string(reason)
        case .followUpEscalated(let followUp, let target):
            members["followup"] = .object([
                "id": .string(followUp.id.rawValue), "label": .string(followUp.label),
                "due_at": .string(Timestamp.format(followUp.dueAt)), "owner": .optional(followUp.ownerID),
            ])
            members["responder"] = Self.member(target)
        }
        return JSONValue.object(members).canonicalText
    }

    /// A responder as receivers see them: id, name and contact; `null` for nobody.
    private static func member(_ responder: Responder?) -> JSONValue {
        guard let responder else { return .null }
        return .object([
            "id": .string(responder.id), "name": .string(responder.name), "contact": .string(responder.contact),
        ])
    }
}
