import Foundation

/// What a command runs with besides the state: who asks, when, over which transport, and the
/// desk's settings as they were when the command was handed to the pipeline.
public struct CommandContext: Sendable {
    /// Who runs the command.
    public let principal: Principal
    /// How the request arrived (`internal` for the desk's own commands).
    public let transport: Transport
    /// The actor and instant every event of the command carries, and where ids come from.
    public let stamp: EventStamp
    /// The settings in force.
    public let settings: DeskSettings

    /// Creates a context.
    public init(principal: Principal, transport: Transport, stamp: EventStamp, settings: DeskSettings) {
        self.principal = principal
        self.transport = transport
        self.stamp = stamp
        self.settings = settings
    }

    /// When the command runs.
    public var now: Date { stamp.at }

    /// The context the duty rules decide in, over `roster`.
    func duty(_ roster: Roster) -> DutyContext {
        let duty = settings.duty
        return DutyContext(
            roster: roster, areas: settings.areas, policy: duty.policy, calendar: duty.calendar,
            receivers: duty.receivers, textReceiver: duty.textReceiver, stamp: stamp)
    }
}

/// The settings commands decide by: one value, replaced whole on reload.
public struct DeskSettings: Sendable {
    /// The areas, active and inactive.
    public var areas: AreaDirectory
    public var limits: ReportLimits
    public var correlation: CorrelationPolicy
    public var duty: DutySettings
    public var retention: RetentionPolicy
    /// How long an idempotency key is remembered: a retry after this is a new request.
    public var keyLifetime: TimeInterval

    /// Creates settings.
    public init(
        areas: AreaDirectory = AreaDirectory([]), limits: ReportLimits = ReportLimits(),
        correlation: CorrelationPolicy = CorrelationPolicy(), duty: DutySettings,
        retention: RetentionPolicy = RetentionPolicy(), keyLifetime: TimeInterval = 86_400
    ) {
        self.keyLifetime = keyLifetime
        self.areas = areas
        self.limits = limits
        self.correlation = correlation
        self.duty = duty
        self.retention = retention
    }
}
