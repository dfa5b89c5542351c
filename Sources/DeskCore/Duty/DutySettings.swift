import Foundation

/// What the duty rules decide with: the trigger policy, the local calendar, the receivers.
public struct DutySettings: Sendable {
    public var policy: TriggerPolicy
    public var calendar: LocalCalendar
    /// Names of the webhook receivers every notice goes to.
    public var receivers: [String]
    /// The SMS receiver texts to responders go through, if one is configured.
    public var textReceiver: String?
    public var delivery: DeliveryPolicy

    /// Creates settings.
    public init(
        policy: TriggerPolicy = .standard, calendar: LocalCalendar, receivers: [String] = [],
        textReceiver: String? = nil, delivery: DeliveryPolicy = DeliveryPolicy()
    ) {
        self.textReceiver = textReceiver
        self.policy = policy
        self.calendar = calendar
        self.receivers = receivers
        self.delivery = delivery
    }
}
