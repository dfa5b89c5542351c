import Foundation

/// Everything one duty decision writes, in one transaction: call-outs and follow-ups created or
/// moved on, the staffing marks, outgoing deliveries and the timeline events telling it all.
public struct DutyChange: Sendable {
    /// The incident and phase whose policy this change carries out; the store refuses a second one,
    /// so a phase is never staffed twice (also not across a restart).
    public var staffed: StaffingMark?
    /// Flags the incident as unstaffed in this phase: nobody at all could be found for a role.
    public var unstaffed: StaffingMark?
    public var newCallOuts: [CallOut] = []
    public var callOutTransitions: [CallOutTransition] = []
    public var newFollowUps: [FollowUp] = []
    /// Follow-ups moved on; each is written only if it is still in `from`'s state, else the change fails.
    public var followUpTransitions: [(followUp: FollowUp, from: FollowUp.State)] = []
    public var newDeliveries: [Delivery] = []
    /// Deliveries after an attempt.
    public var deliveryUpdates: [Delivery] = []
    /// Events besides those of the transitions, written after them.
    public var events: [TimelineEvent] = []
    /// Delivery attempts this change records, for the journal and metrics once it is stored
    /// (not written themselves: the delivery updates and events are).
    public var attempts: [DeliveryAttempt] = []

    /// An empty change.
    public init() {}

    /// Whether it writes nothing.
    public var isEmpty: Bool {
        staffed == nil && unstaffed == nil && newCallOuts.isEmpty && callOutTransitions.isEmpty
            && newFollowUps.isEmpty && followUpTransitions.isEmpty && newDeliveries.isEmpty
            && deliveryUpdates.isEmpty && events.isEmpty
    }
}

/// An incident in one phase.
public struct StaffingMark: Sendable, Hashable {
    public var incidentID: DeskID
    public var phase: Phase
    public var at: Date
}

/// A call-out moving from one state to another, with the events that tell it.
public struct CallOutTransition: Sendable {
    /// The call-out as it becomes.
    public var callOut: CallOut
    /// The state it must still be in; another request that moved it first wins.
    public var from: CallOut.State
    /// When false a lost race drops this transition (and its events) instead of failing the change.
    public var required: Bool
    public var events: [TimelineEvent]
}
