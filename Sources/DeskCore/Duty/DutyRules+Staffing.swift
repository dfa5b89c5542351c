import Foundation

extension DutyRules {
    /// Carries out the trigger policy for an incident's current phase: calls out the people it
    /// needs (counting those already answering for the role, never calling anyone twice for the
    /// same incident), schedules follow-ups, and flags a role nobody can take as unstaffed.
    public static func staff(_ incident: Incident, existing: [CallOut], context: DutyContext) -> DutyChange {
        var change = DutyChange()
        let now = context.now
        change.staffed = StaffingMark(incidentID: incident.id, phase: incident.phase, at: now)
        var called = Set(existing.map(\.responderID))
        var unstaffedRoles: [DutyRole] = []
        for need in context.policy.needs(for: incident) {
            let answering = existing.filter { $0.role == need.role && ($0.state.isOpen || $0.state == .acknowledged) }
            let wanted = max(0, need.count - answering.count)
            let chain = context.escalationChain(area: incident.areaID, role: need.role)
                .filter { !called.contains($0.responder.id) }
            var picked: [CallOut] = []
            for link in chain.prefix(wanted) {
                called.insert(link.responder.id)
                picked.append(
                    CallOut(
                        id: context.stamp.ids.next(), incidentID: incident.id, area: incident.areaID, role: need.role,
                        responderID: link.responder.id, step: 0, source: link.source, task: need.task, createdAt: now,
                        dueAt: now.addingTimeInterval(need.ackWithin), ackWithin: need.ackWithin))
            }
            if answering.isEmpty && picked.isEmpty && need.count > 0 { unstaffedRoles.append(need.role) }
            for callOut in picked { announce(callOut, incident: incident, into: &change, context: context) }
            change.newCallOuts += picked
            let owner = (answering.first { $0.state == .acknowledged } ?? picked.first ?? answering.first)?.responderID
            for offset in need.followUps {
                let followUp = FollowUp(
                    id: context.stamp.ids.next(), incidentID: incident.id, area: incident.areaID, ownerID: owner,
                    label: label(offset), dueAt: now.addingTimeInterval(offset), createdAt: now)
                change.newFollowUps.append(followUp)
                change.events.append(
                    context.stamp.event(
                        .followUpScheduled, incident: incident.id,
                        data: [
                            "followup": .string(followUp.id.rawValue), "owner": .optional(owner),
                            "label": .string(followUp.label), "due_at": .string(Timestamp.format(followUp.dueAt)),
                        ]))
            }
        }
        if !unstaffedRoles.isEmpty {
            flagUnstaffed(
                incident, roles: unstaffedRoles,
                reason: "nobody on any rotation, neighbour, coordinator or national list can be called", into: &change,
                context: context)
        }
        return change
    }

    /// Marks the incident unstaffed for `roles`: the event and a notice to every receiver.
    static func flagUnstaffed(
        _ incident: Incident, roles: [DutyRole], reason: String, into change: inout DutyChange, context: DutyContext
    ) {
        change.unstaffed = StaffingMark(incidentID: incident.id, phase: incident.phase, at: context.now)
        let roleNames = JSONValue.array(roles.map { .string($0.rawValue) })
        change.events.append(
            context.stamp.event(
                .incidentUnstaffed, incident: incident.id,
                data: ["phase": .string(incident.phase.rawValue), "roles": roleNames, "reason": .string(reason)]))
        enqueue(
            WebhookNotice(
                incident: incident, occurredAt: context.now, subject: .incidentUnstaffed(roles: roles, reason: reason)),
            callOut: nil, into: &change, context: context)
    }
}
