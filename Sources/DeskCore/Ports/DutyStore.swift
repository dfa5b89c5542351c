import Foundation

/// What the duty side of the desk (rosters, call-outs, follow-ups, the notification outbox) needs
/// to read from persistent storage; its changes are commands (`DeskTransaction`).
public protocol DutyStore: Sendable {
    /// The whole roster.
    func roster() async throws -> Roster

    /// Call-outs matching `query`, newest first.
    func callOuts(_ query: CallOutQuery) async throws -> [CallOut]

    /// The call-out with this id, if any.
    func callOut(_ id: DeskID) async throws -> CallOut?

    /// Follow-ups matching `query`, soonest due first.
    func followUps(_ query: FollowUpQuery) async throws -> [FollowUp]

    /// The follow-up with this id, if any.
    func followUp(_ id: DeskID) async throws -> FollowUp?

    /// Whether an incident was flagged unstaffed in its current phase.
    func isUnstaffed(_ incident: DeskID) async throws -> Bool

    /// The call-out progress of each of `incidents` (absent: no call-outs and not unstaffed), read
    /// in a fixed number of queries however many incidents are asked for.
    func callOutProgress(of incidents: [DeskID]) async throws -> [DeskID: CallOutProgress]

    /// Open incidents whose current phase has not been staffed yet (oldest first, at most `limit`).
    func incidentsToStaff(limit: Int) async throws -> [Incident]

    /// Open call-outs whose answer time ran out by `now`.
    func callOutsDue(at now: Date, limit: Int) async throws -> [CallOut]

    /// Open call-outs of closed incidents.
    func callOutsOfClosedIncidents(limit: Int) async throws -> [CallOut]

    /// Follow-ups still `open` whose due time is at or before `dueBy`.
    func followUpsOverdue(dueBy: Date, limit: Int) async throws -> [FollowUp]

    /// Claims the pending deliveries whose next attempt is due by `now`, oldest first: in one
    /// write, their next attempt moves to `leaseUntil`, so that no other deskd on the same
    /// database (nor this one's next round) sends them meanwhile. Recording the attempt's result
    /// sets the real next attempt; a deskd that dies mid-send leaves them to whoever finds them
    /// due again once the lease has run out.
    func claimDeliveries(dueAt now: Date, limit: Int, leaseUntil: Date) async throws -> [Delivery]

    /// How many call-outs wait for an answer (pending or notified), counted, not fetched.
    func callOutsAwaitingAnswer() async throws -> Int

    /// What waits at `now` (call-outs past their answer-by time, unstaffed open incidents, the
    /// outbox by receiver), counted from indexes, for monitoring.
    func dutyBacklog(at now: Date) async throws -> DutyBacklog
}

/// Which call-outs to list.
public struct CallOutQuery: Sendable, Hashable {
    public var incident: DeskID?
    public var responder: String?
    public var states: [CallOut.State]?
    public var limit: Int

    /// Creates a query; nil filters match everything.
    public init(incident: DeskID? = nil, responder: String? = nil, states: [CallOut.State]? = nil, limit: Int = 200) {
        self.incident = incident
        self.responder = responder
        self.states = states
        self.limit = limit
    }
}

/// Which follow-ups to list.
public struct FollowUpQuery: Sendable, Hashable {
    public var incident: DeskID?
    /// Owned by, or escalated to, this responder.
    public var responder: String?
    /// Only those still to be done and due before this instant.
    public var dueBefore: Date?
    public var states: [FollowUp.State]?
    public var limit: Int

    /// Creates a query; nil filters match everything.
    public init(
        incident: DeskID? = nil, responder: String? = nil, dueBefore: Date? = nil, states: [FollowUp.State]? = nil,
        limit: Int = 200
    ) {
        self.incident = incident
        self.responder = responder
        self.dueBefore = dueBefore
        self.states = states
        self.limit = limit
    }
}
