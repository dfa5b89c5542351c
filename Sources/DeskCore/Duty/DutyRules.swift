import Foundation

/// The duty decisions, as pure functions from what is stored to what to write.
///
/// One concern a file: staffing (`DutyRules+Staffing`), escalation (`+Escalation`), a responder's
/// answer and cancelling (`+Answers`), follow-ups (`+FollowUps`), delivery attempts
/// (`+Deliveries`), the webhook notices (`+Notices`, their body in `WebhookNotice`) and texts (`+Texts`).
public enum DutyRules {
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
