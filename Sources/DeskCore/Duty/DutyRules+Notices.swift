import Foundation

extension DutyRules {
    /// The `callout.created` event and a delivery to every receiver for a new call-out.
    static func announce(
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
        enqueue(
            WebhookNotice(
                incident: incident, occurredAt: context.now, subject: .callOutCreated(callOut, responder: responder)),
            callOut: callOut.id, into: &change, context: context)
        text(
            to: responder, notice: "callout.created", incident: incident.id, callOut: callOut.id, into: &change,
            context: context
        ) { TextNotices.callOut(callOut, incident: incident, areaName: areaName(incident.areaID, context), in: $0) }
    }

    /// A delivery of `notice` to every webhook receiver, each with its own delivery id.
    static func enqueue(
        _ notice: WebhookNotice, callOut: DeskID?, into change: inout DutyChange, context: DutyContext
    ) {
        for receiver in context.receivers {
            let id = context.stamp.ids.next()
            change.newDeliveries.append(
                Delivery(
                    id: id, receiver: receiver, kind: notice.kind, body: notice.body(delivery: id, receiver: receiver),
                    incidentID: notice.incident.id, calloutID: callOut, createdAt: context.now))
        }
    }
}
