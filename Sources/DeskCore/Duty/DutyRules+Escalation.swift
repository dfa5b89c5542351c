import Foundation

extension DutyRules {
    /// Why a call-out is being replaced.
    public enum EscalationReason: Sendable, Hashable {
        /// Nobody answered within the call-out's time.
        case noAnswer
        /// The responder said no.
        case declined(String)
        /// The responder was deactivated: they are taken off their call-outs at once.
        case deactivated
    }

    /// Replaces an open call-out with one to the next person in the escalation chain who has not
    /// been called for this incident. When there is nobody left and no one else answers for the
    /// role, the incident is flagged unstaffed.
    public static func escalate(
        _ callOut: CallOut, reason: EscalationReason, incident: Incident, existing: [CallOut], context: DutyContext
    ) -> DutyChange {
        var change = DutyChange()
        let now = context.now
        let called = Set(existing.map(\.responderID)).union([callOut.responderID])
        let next = context.escalationChain(area: callOut.area, role: callOut.role)
            .first { !called.contains($0.responder.id) }
        var old = callOut
        old.updatedAt = now
        var data: [String: JSONValue] = [
            "callout": .string(callOut.id.rawValue), "responder": .string(callOut.responderID),
            "role": .string(callOut.role.rawValue), "step": .int(Int64(callOut.step)),
        ]
        let kind: EventKind
        switch reason {
        case .declined(let text):
            old.state = .declined
            old.reason = text
            old.answeredVia = context.stamp.actor.channel
            data["reason"] = .string(text)
            kind = .callOutDeclined
        case .noAnswer:
            old.state = next == nil ? .expired : .escalated
            data["reason"] = .string("no answer within \(minutes(callOut.ackWithin))")
            kind = next == nil ? .callOutExpired : .callOutEscalated
        case .deactivated:
            old.state = next == nil ? .expired : .escalated
            data["reason"] = .string("the responder was deactivated")
            kind = next == nil ? .callOutExpired : .callOutEscalated
        }
        var replacement: CallOut?
        if let next {
            let fresh = CallOut(
                id: context.stamp.ids.next(), incidentID: callOut.incidentID, area: callOut.area, role: callOut.role,
                responderID: next.responder.id, step: callOut.step + 1, source: next.source, task: callOut.task,
                createdAt: now, dueAt: now.addingTimeInterval(callOut.ackWithin), ackWithin: callOut.ackWithin,
                escalatedFrom: callOut.id)
            data["to_callout"] = .string(fresh.id.rawValue)
            data["to_responder"] = .string(fresh.responderID)
            data["to_source"] = .string(fresh.source)
            replacement = fresh
        }
        change.callOutTransitions.append(
            CallOutTransition(
                callOut: old, from: callOut.state, required: true,
                events: [context.stamp.event(kind, incident: callOut.incidentID, data: data)]))
        if let replacement {
            change.newCallOuts.append(replacement)
            announce(replacement, incident: incident, into: &change, context: context)
        } else {
            let othersAnswering = existing.contains {
                $0.id != callOut.id && $0.role == callOut.role && ($0.state.isOpen || $0.state == .acknowledged)
            }
            if !othersAnswering {
                flagUnstaffed(
                    incident, roles: [callOut.role],
                    reason: "the escalation chain for \(callOut.role.rawValue) in \(callOut.area) is exhausted",
                    into: &change, context: context)
            }
        }
        return change
    }
}
