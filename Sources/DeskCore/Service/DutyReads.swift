import Foundation

/// Reading rosters, call-outs and follow-ups: who is on duty, "my" call-outs, what a responder
/// may see. Never writes.
public struct DutyReads: Sendable {
    private let incidents: any DeskStore
    private let store: any DutyStore
    private let settings: LiveSettings
    private let clock: any WallClock

    /// Reads from the stores; areas and the calendar come from `settings`.
    public init(incidents: any DeskStore, store: any DutyStore, settings: LiveSettings, clock: any WallClock) {
        self.incidents = incidents
        self.store = store
        self.settings = settings
        self.clock = clock
    }

    /// The whole roster.
    public func roster() async throws -> Roster { try await store.roster() }

    /// Who is on duty at `at` (default: now) for each area and role asked for (default: all active
    /// areas, all roles), with the next hand-off.
    public func onDuty(area: String?, role: DutyRole?, at: Date?) async throws -> [DutySlot] {
        let settings = settings.current
        let areas = settings.areas
        var areaIDs = areas.all.filter(\.active).map(\.id)
        if let area {
            guard let found = areas.lookup(area) else {
                throw DeskError.unknownArea(area, suggestion: areas.suggestion(for: area)?.id)
            }
            areaIDs = [found.id]
        }
        let roster = try await store.roster()
        let calendar = settings.duty.calendar
        let instant = at ?? clock.now()
        let roles = role.map { [$0] } ?? DutyRole.allCases
        return areaIDs.flatMap { area in
            roles.map { roster.slot(area: area, role: $0, at: instant, calendar: calendar) }
        }
    }

    /// The responder `principal` is: the one their token was made for, else the one bound to their
    /// local user.
    public func responder(for principal: Principal) async throws -> Responder {
        try await store.roster().responder(for: principal)
    }

    /// Call-outs matching `query`; with `mine`, only those of that principal's responder.
    public func callOuts(_ query: CallOutQuery, mine principal: Principal? = nil) async throws -> [CallOut] {
        var query = query
        if let principal { query.responder = try await responder(for: principal).id }
        return try await store.callOuts(query)
    }

    /// How many call-outs wait for an answer (pending or notified), for the `STATUS=` line.
    public func callOutsAwaitingAnswer() async throws -> Int { try await store.callOutsAwaitingAnswer() }

    /// What waits now: call-outs past their answer-by time, unstaffed incidents, the outbox (for `/metrics`).
    public func backlog() async throws -> DutyBacklog { try await store.dutyBacklog(at: clock.now()) }

    /// Follow-ups matching `query`; with `mine`, those that principal's responder owns or was escalated.
    public func followUps(_ query: FollowUpQuery, mine principal: Principal? = nil) async throws -> [FollowUp] {
        var query = query
        if let principal { query.responder = try await responder(for: principal).id }
        return try await store.followUps(query)
    }

    /// The follow-up with this id, if any.
    public func followUp(_ id: DeskID) async throws -> FollowUp? { try await store.followUp(id) }

    /// The call-out with this id, if any.
    public func callOut(_ id: DeskID) async throws -> CallOut? { try await store.callOut(id) }

    /// The incidents `responder` is called to now: by a call-out still waiting for their answer, or
    /// one they acknowledged while the incident is open. What they may read besides their areas.
    public func incidentsCalled(responder: String) async throws -> Set<DeskID> {
        let callOuts = try await store.callOuts(
            CallOutQuery(responder: responder, states: [.pending, .notified, .acknowledged], limit: 1000))
        var called: Set<DeskID> = []
        for callOut in callOuts where !called.contains(callOut.incidentID) {
            if callOut.state.isOpen {
                called.insert(callOut.incidentID)
            } else if try await incidents.incident(callOut.incidentID)?.status == .open {
                called.insert(callOut.incidentID)
            }
        }
        return called
    }

    /// Whether the incident was flagged unstaffed in its current phase.
    public func isUnstaffed(_ incident: DeskID) async throws -> Bool { try await store.isUnstaffed(incident) }

    /// The call-out progress of each of `incidents` (absent: none, and not unstaffed), in a fixed
    /// number of queries.
    public func callOutProgress(of incidents: [DeskID]) async throws -> [DeskID: CallOutProgress] {
        try await store.callOutProgress(of: incidents)
    }
}
