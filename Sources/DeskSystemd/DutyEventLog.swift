import DeskCore
import Logging

/// Writes call-out, escalation, follow-up and notification events to the log with structured
/// fields (`DESK_INCIDENT`, `DESK_CALLOUT`, `DESK_RESPONDER`, `DESK_EVENT`, `MESSAGE_ID`).
///
/// Unstaffed incidents are warnings; a delivery given up is an error; a failed attempt that will
/// be retried is a notice. Delivery attempts are logged from `record(_ attempts:)` (every attempt,
/// also those the timeline leaves out), never from their events, so none is logged twice.
public struct DutyEventLog: Sendable {
    private let logger: Logger

    /// Creates the log over a logger.
    public init(logger: Logger) { self.logger = logger }

    /// Logs each duty event once it is stored.
    public func record(_ events: [TimelineEvent]) {
        for event in events where event.kind != .notificationFailed && event.kind != .notificationDelivered {
            var metadata: Logger.Metadata = [
                "DESK_EVENT": "\(event.kind.rawValue)", "DESK_PRINCIPAL": "\(event.actor.rawValue)",
                "DESK_EVENT_SEQ": "\(event.sequence)",
            ]
            if let incident = event.incidentID { metadata["DESK_INCIDENT"] = "\(incident)" }
            if let callOut = event.data["callout"]?.stringValue { metadata["DESK_CALLOUT"] = "\(callOut)" }
            if let responder = event.data["responder"]?.stringValue { metadata["DESK_RESPONDER"] = "\(responder)" }
            let (level, message, text) = describe(event)
            if let message { metadata["MESSAGE_ID"] = "\(message.id)" }
            logger.log(level: level, "\(text)", metadata: metadata)
        }
    }

    /// Logs each delivery attempt: a success at info, a failure that will be retried as a notice,
    /// a give-up as an error (`MESSAGE_ID` notificationFailed for both failures).
    public func record(_ attempts: [DeliveryAttempt]) {
        for attempt in attempts {
            var metadata: Logger.Metadata = [
                "DESK_DELIVERY": "\(attempt.delivery)", "DESK_RECEIVER": "\(attempt.receiver)",
                "DESK_NOTICE": "\(attempt.notice)", "DESK_ATTEMPT": "\(attempt.number)",
            ]
            if let incident = attempt.incidentID { metadata["DESK_INCIDENT"] = "\(incident)" }
            let about = attempt.incidentID.map { "incident \($0)" } ?? "the desk"
            let what = "\(attempt.notice) to \(attempt.receiver) for \(about) (attempt \(attempt.number))"
            switch attempt.outcome {
            case .delivered(let status):
                logger.info("delivered \(what): HTTP \(status)", metadata: metadata)
            case .willRetry(let error, let next):
                metadata["MESSAGE_ID"] = "\(JournalMessage.notificationFailed.id)"
                logger.notice(
                    "delivery of \(what) failed, next attempt \(Timestamp.format(next)): \(error)", metadata: metadata)
            case .gaveUp(let error):
                metadata["MESSAGE_ID"] = "\(JournalMessage.notificationFailed.id)"
                logger.error("gave up delivering \(what): \(error)", metadata: metadata)
            }
        }
    }

    private func describe(_ event: TimelineEvent) -> (Logger.Level, JournalMessage?, String) {
        let data = event.data
        let incident = event.incidentID.map { "incident \($0)" } ?? "the desk"
        let who = data["responder"]?.stringValue ?? "?"
        switch event.kind {
        case .callOutCreated:
            let step = data["escalated_from"]?.stringValue == nil ? "" : " (escalation)"
            return (.notice, .callOutCreated, "\(who) called out to \(incident)\(step)")
        case .callOutAcknowledged:
            return (.notice, .callOutAnswered, "\(who) acknowledged the call-out to \(incident)")
        case .callOutDeclined:
            return (.notice, .callOutAnswered, "\(who) declined the call-out to \(incident)")
        case .callOutEscalated, .callOutExpired:
            let to = data["to_responder"]?.stringValue.map { ", now calling \($0)" } ?? ", nobody left to call"
            return (.notice, .callOutEscalated, "\(who) did not answer the call-out to \(incident)\(to)")
        case .incidentUnstaffed:
            return (.warning, .incidentUnstaffed, "\(incident) is unstaffed: \(data["reason"]?.stringValue ?? "")")
        default:
            return (.info, nil, "\(event.kind.rawValue) for \(incident)")
        }
    }
}
