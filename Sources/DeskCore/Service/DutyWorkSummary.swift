/// What one run of the timers did.
public struct DutyWorkSummary: Sendable, Hashable {
    public var incidentsStaffed = 0
    public var callOutsCreated = 0
    public var escalated = 0
    public var cancelled = 0
    public var unstaffed = 0
    public var followUpsEscalated = 0
    /// Incidents not staffed because the desk has no responders at all.
    public var waitingForRoster = 0

    /// Creates an empty summary.
    public init() {}
}
