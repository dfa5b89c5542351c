import Foundation

/// The duty decisions, as pure functions from what is stored to what to write.
public enum DutyRules {
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

    /// The responder says yes. Only the responder called out may answer, and only while it is open.
    public static func acknowledge(
        _ callOut: CallOut, by responder: Responder, note: String?, context: DutyContext
    ) throws(DeskError) -> DutyChange {
        try checkAnswer(callOut, by: responder)
        var acknowledged = callOut
        acknowledged.state = .acknowledged
        acknowledged.updatedAt = context.now
        acknowledged.reason = note
        acknowledged.answeredVia = context.stamp.actor.channel
        var change = DutyChange()
        change.callOutTransitions.append(
            CallOutTransition(
                callOut: acknowledged, from: callOut.state, required: true,
                events: [
                    context.stamp.event(
                        .callOutAcknowledged, incident: callOut.incidentID,
                        data: [
                            "callout": .string(callOut.id.rawValue), "responder": .string(responder.id),
                            "role": .string(callOut.role.rawValue), "note": .optional(note),
                            "after_seconds": .int(Int64(context.now.timeIntervalSince(callOut.createdAt).rounded())),
                        ])
                ]))
        return change
    }

    /// The responder says no: the call-out escalates at once.
    public static func decline(
        _ callOut: CallOut, by responder: Responder, reason: String, incident: Incident, existing: [CallOut],
        context: DutyContext
    ) throws(DeskError) -> DutyChange {
        try checkAnswer(callOut, by: responder)
        let text = reason.trimmingWhitespace()
        guard !text.isEmpty, text.count <= 500 else {
            throw DeskError.invalid([FieldIssue(pointer: "/reason", detail: "give a reason of 1-500 characters")])
        }
        return escalate(callOut, reason: .declined(text), incident: incident, existing: existing, context: context)
    }

    /// Open call-outs of an incident that was closed: nobody needs to come any more.
    public static func cancel(_ callOuts: [CallOut], because reason: String, context: DutyContext) -> DutyChange {
        var change = DutyChange()
        for callOut in callOuts where callOut.state.isOpen {
            var cancelled = callOut
            cancelled.state = .cancelled
            cancelled.updatedAt = context.now
            cancelled.reason = reason
            change.callOutTransitions.append(
                CallOutTransition(
                    callOut: cancelled, from: callOut.state, required: false,
                    events: [
                        context.stamp.event(
                            .callOutCancelled, incident: callOut.incidentID,
                            data: [
                                "callout": .string(callOut.id.rawValue), "responder": .string(callOut.responderID),
                                "reason": .string(reason),
                            ])
                    ]))
        }
        return change
    }

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
        let body = notice(
            "followup.escalated", incident: incident, context: context,
            extra: [
                "followup": .object([
                    "id": .string(followUp.id.rawValue), "label": .string(followUp.label),
                    "due_at": .string(Timestamp.format(followUp.dueAt)), "owner": .optional(followUp.ownerID),
                ]),
                "responder": target.map { responderJSON($0.responder) } ?? .null,
            ])
        enqueue(body, kind: "followup.escalated", incident: incident.id, callOut: nil, into: &change, context: context)
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

    /// Records one delivery attempt: delivered, retried later with back-off, or given up. A delivered
    /// call-out that was still pending becomes `notified`.
    ///
    /// The timeline gets the success, the first failure and the give-up of a delivery; the attempts
    /// in between are only in `change.attempts` (journal and metrics), so a receiver that stays down
    /// cannot flood the hash-chained record.
    public static func recordAttempt(
        _ delivery: Delivery, result: DeliveryResult, callOut: CallOut?, policy: DeliveryPolicy, context: DutyContext
    ) -> DutyChange {
        var change = DutyChange()
        var updated = delivery
        updated.attempts += 1
        var data: [String: JSONValue] = [
            "delivery": .string(delivery.id.rawValue), "receiver": .string(delivery.receiver),
            "notice": .string(delivery.kind), "attempt": .int(Int64(updated.attempts)),
        ]
        let kind: EventKind
        let outcome: DeliveryAttempt.Outcome
        switch result {
        case .delivered(let status, let reference):
            updated.state = .delivered
            updated.lastError = nil
            updated.gatewayReference = reference
            data["status"] = .int(Int64(status))
            if let reference { data["gateway_id"] = .string(reference) }
            kind = .notificationDelivered
            outcome = .delivered(status: status)
        case .failed(let error):
            updated.lastError = error
            data["error"] = .string(error)
            if context.now.timeIntervalSince(delivery.createdAt) >= policy.giveUpAfter {
                updated.state = .failed
                data["gave_up"] = .bool(true)
                outcome = .gaveUp(error: error)
            } else {
                updated.nextAttemptAt = context.now.addingTimeInterval(policy.backoff(afterFailures: updated.attempts))
                data["next_attempt_at"] = .string(Timestamp.format(updated.nextAttemptAt))
                outcome = .willRetry(error: error, next: updated.nextAttemptAt)
            }
            kind = .notificationFailed
        }
        let onTimeline = kind == .notificationDelivered || updated.attempts == 1 || updated.state == .failed
        change.deliveryUpdates.append(updated)
        if onTimeline {
            change.events.append(context.stamp.event(kind, incident: delivery.incidentID, data: data))
        }
        change.attempts.append(
            DeliveryAttempt(
                delivery: delivery.id, receiver: delivery.receiver, notice: delivery.kind,
                incidentID: delivery.incidentID, number: updated.attempts, outcome: outcome, onTimeline: onTimeline))
        let channel = delivery.receiver == context.textReceiver ? "sms" : "webhook"
        if updated.state == .delivered, let callOut, callOut.state == .pending {
            var notified = callOut
            notified.state = .notified
            notified.updatedAt = context.now
            notified.sentVia = channel
            change.callOutTransitions.append(
                CallOutTransition(
                    callOut: notified, from: .pending, required: false,
                    events: [
                        context.stamp.event(
                            .callOutNotified, incident: callOut.incidentID,
                            data: [
                                "callout": .string(callOut.id.rawValue), "responder": .string(callOut.responderID),
                                "receiver": .string(delivery.receiver), "delivery": .string(delivery.id.rawValue),
                            ])
                    ]))
        } else if updated.state == .delivered, var reached = callOut, reached.sentVia == nil {
            // Answered before the delivery was recorded: still say how it reached them.
            reached.sentVia = channel
            change.callOutTransitions.append(
                CallOutTransition(callOut: reached, from: reached.state, required: false, events: []))
        }
        return change
    }

    private static func checkAnswer(_ callOut: CallOut, by responder: Responder) throws(DeskError) {
        // Whose it is, is not the caller's to know.
        guard callOut.responderID == responder.id else {
            throw DeskError.forbidden(
                "call-out \(callOut.id) is not yours (you are \(responder.id)); only the responder called answers it")
        }
        guard callOut.state.isOpen else {
            throw DeskError.conflict(.callOutClosed(callOut.id.rawValue, callOut.state.rawValue))
        }
    }

    private static func flagUnstaffed(
        _ incident: Incident, roles: [DutyRole], reason: String, into change: inout DutyChange, context: DutyContext
    ) {
        change.unstaffed = StaffingMark(incidentID: incident.id, phase: incident.phase, at: context.now)
        let roleNames = JSONValue.array(roles.map { .string($0.rawValue) })
        change.events.append(
            context.stamp.event(
                .incidentUnstaffed, incident: incident.id,
                data: ["phase": .string(incident.phase.rawValue), "roles": roleNames, "reason": .string(reason)]))
        let body = notice(
            "incident.unstaffed", incident: incident, context: context,
            extra: ["roles": roleNames, "reason": .string(reason)])
        enqueue(body, kind: "incident.unstaffed", incident: incident.id, callOut: nil, into: &change, context: context)
    }

    /// The `callout.created` event and a delivery to every receiver for a new call-out.
    private static func announce(
        _ callOut: CallOut, incident: Incident, into change: inout DutyChange, context: DutyContext
    ) {
        change.events.append(
            context.stamp.event(
                .callOutCreated, incident: incident.id,
                data: [
                    "callout": .string(callOut.id.rawValue), "responder": .string(callOut.responderID),
                    "role": .string(callOut.role.rawValue), "source": .string(callOut.source),
                    "step": .int(Int64(callOut.step)), "due_at": .string(Timestamp.format(callOut.dueAt)),
                    "task": .optional(callOut.task), "escalated_from": .optional(callOut.escalatedFrom?.rawValue),
                ]))
        let responder = context.roster.responder(callOut.responderID)
        let body = notice(
            "callout.created", incident: incident, context: context,
            extra: [
                "callout": .object([
                    "id": .string(callOut.id.rawValue), "role": .string(callOut.role.rawValue),
                    "step": .int(Int64(callOut.step)), "source": .string(callOut.source),
                    "task": .optional(callOut.task), "due_at": .string(Timestamp.format(callOut.dueAt)),
                    "escalated_from": .optional(callOut.escalatedFrom?.rawValue),
                ]),
                "responder": responder.map(responderJSON) ?? .null,
            ])
        enqueue(
            body, kind: "callout.created", incident: incident.id, callOut: callOut.id, into: &change, context: context)
        text(
            to: responder, notice: "callout.created", incident: incident.id, callOut: callOut.id, into: &change,
            context: context
        ) { TextNotices.callOut(callOut, incident: incident, areaName: areaName(incident.areaID, context), in: $0) }
    }

    private static func enqueue(
        _ body: [String: JSONValue], kind: String, incident: DeskID, callOut: DeskID?, into change: inout DutyChange,
        context: DutyContext
    ) {
        for receiver in context.receivers {
            let id = context.stamp.ids.next()
            var message = body
            message["delivery_id"] = .string(id.rawValue)
            message["receiver"] = .string(receiver)
            change.newDeliveries.append(
                Delivery(
                    id: id, receiver: receiver, kind: kind, body: JSONValue.object(message).canonicalText,
                    incidentID: incident, calloutID: callOut, createdAt: context.now))
        }
    }

    private static func notice(
        _ kind: String, incident: Incident, context: DutyContext, extra: [String: JSONValue]
    ) -> [String: JSONValue] {
        var body = extra
        body["type"] = .string(kind)
        body["occurred_at"] = .string(Timestamp.format(context.now))
        body["incident"] = .object([
            "id": .string(incident.id.rawValue), "area": .string(incident.areaID), "title": .string(incident.title),
            "phase": .string(incident.phase.rawValue), "category": .optional(incident.category?.rawValue),
            "severity": .optional(incident.severity),
        ])
        return body
    }

    private static func responderJSON(_ responder: Responder) -> JSONValue {
        .object([
            "id": .string(responder.id), "name": .string(responder.name), "contact": .string(responder.contact),
        ])
    }

    /// `+1 day`, `+7 days`, `+6 hours`.
    static func label(_ offset: TimeInterval) -> String {
        if offset >= 86_400, offset.truncatingRemainder(dividingBy: 86_400) == 0 {
            let days = Int(offset / 86_400)
            return days == 1 ? "+1 day" : "+\(days) days"
        }
        let hours = Int((offset / 3600).rounded())
        return hours == 1 ? "+1 hour" : "+\(hours) hours"
    }

    static func minutes(_ interval: TimeInterval) -> String {
        let minutes = Int((interval / 60).rounded())
        return minutes == 1 ? "1 minute" : "\(minutes) minutes"
    }
}
