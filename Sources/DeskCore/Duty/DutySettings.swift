import Foundation

/// What the duty rules decide with: the trigger policy, the local calendar, the receivers.
public struct DutySettings: Sendable {
    public var policy: TriggerPolicy
    public var calendar: LocalCalendar
    /// Names of the webhook receivers every notice goes to.
    public var receivers: [String]
    public var delivery: DeliveryPolicy

    /// Creates settings.
    public init(
        policy: TriggerPolicy = .standard, calendar: LocalCalendar, receivers: [String] = [],
        delivery: DeliveryPolicy = DeliveryPolicy()
    ) {
        self.policy = policy
        self.calendar = calendar
        self.receivers = receivers
        self.delivery = delivery
    }
}
