import Foundation

extension DutyRules {
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
}
