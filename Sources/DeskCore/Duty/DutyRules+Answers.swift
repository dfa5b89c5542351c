import Foundation

extension DutyRules {
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

    /// Only the responder called out may answer, and only while the call-out is open.
    static func checkAnswer(_ callOut: CallOut, by responder: Responder) throws(DeskError) {
        // Whose it is, is not the caller's to know.
        guard callOut.responderID == responder.id else {
            throw DeskError.forbidden(
                "call-out \(callOut.id) is not yours (you are \(responder.id)); only the responder called answers it")
        }
        guard callOut.state.isOpen else {
            throw DeskError.conflict(.callOutClosed(callOut.id.rawValue, callOut.state.rawValue))
        }
    }
}
