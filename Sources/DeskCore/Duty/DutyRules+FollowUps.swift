import Foundation

extension DutyRules {
    /// An overdue follow-up goes to the area's coordinator (or the national duty officer).
    public static func escalateOverdue(_ followUp: FollowUp, incident: Incident, context: DutyContext) -> DutyChange {
        var change = DutyChange()
        let target = context.escalationChain(area: followUp.area, role: .coordinator)
            .first { $0.responder.id != followUp.ownerID }
        var escalated = followUp
        escalated.state = .escalated
        escalated.escalatedTo = target?.responder.id
        escalated.updatedAt = context.now
        change.followUpTransitions.append((escalated, followUp.state))
        change.events.append(
            context.stamp.event(
                .followUpEscalated, incident: followUp.incidentID,
                data: [
                    "followup": .string(followUp.id.rawValue), "owner": .optional(followUp.ownerID),
                    "to": .optional(target?.responder.id), "label": .string(followUp.label),
                    "due_at": .string(Timestamp.format(followUp.dueAt)),
                ]))
        enqueue(
            WebhookNotice(
                incident: incident, occurredAt: context.now,
                subject: .followUpEscalated(followUp, to: target?.responder)),
            callOut: nil, into: &change, context: context)
        text(
            to: target?.responder, notice: "followup.escalated", incident: incident.id, callOut: nil, into: &change,
            context: context
        ) {
            TextNotices.followUpHandedOn(
                escalated, incident: incident, areaName: areaName(incident.areaID, context), in: $0)
        }
        return change
    }

    /// The check-in was done; only its owner or the coordinator it was escalated to records it.
    public static func complete(
        _ followUp: FollowUp, by responder: Responder, outcome: String, context: DutyContext
    ) throws(DeskError) -> DutyChange {
        // Whose it is, is not the caller's to know.
        guard followUp.isAssigned(to: responder.id) else {
            throw DeskError.forbidden(
                "follow-up \(followUp.id) is not yours (you are \(responder.id)); only its owner or the coordinator "
                    + "it was escalated to records it")
        }
        guard followUp.state.isOpen else {
            throw DeskError.conflict(.followUpClosed(followUp.id.rawValue, followUp.state.rawValue))
        }
        let text = outcome.trimmingWhitespace()
        guard !text.isEmpty, text.count <= 2000 else {
            throw DeskError.invalid([FieldIssue(pointer: "/outcome", detail: "give an outcome of 1-2000 characters")])
        }
        var done = followUp
        done.state = .done
        done.outcome = text
        done.completedBy = responder.id
        done.updatedAt = context.now
        var change = DutyChange()
        change.followUpTransitions.append((done, followUp.state))
        change.events.append(
            context.stamp.event(
                .followUpCompleted, incident: followUp.incidentID,
                data: [
                    "followup": .string(followUp.id.rawValue), "responder": .string(responder.id),
                    "label": .string(followUp.label), "outcome": .string(text),
                    "late": .bool(context.now > followUp.dueAt),
                ]))
        return change
    }
}
