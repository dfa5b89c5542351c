import DeskCore

/// What a responder may read: the incidents, call-outs, follow-ups and rosters of the areas they
/// cover, and besides those whatever they are called to now — their call-out while it is pending,
/// notified, or acknowledged on an incident still open, and that incident (a first-aider called from
/// a neighbouring area, a national duty officer). Once the call-out is closed, that access ends.
/// Every other role reads everything (`nil` scope).
struct ReadScope: Sendable {
    /// The areas the responder covers.
    let areas: Set<String>
    let responderID: String
    /// The incidents the responder is called to now.
    let calledTo: Set<DeskID>

    /// The caller's scope, or nil when they may read everything.
    static func of(_ context: DeskRequestContext, duty: DutyReads) async throws -> ReadScope? {
        guard let principal = context.principal else { return nil }
        return try await of(principal, duty: duty)
    }

    /// `principal`'s scope, or nil when they may read everything.
    static func of(_ principal: Principal, duty: DutyReads) async throws -> ReadScope? {
        guard principal.role == .responder else { return nil }
        let responder = try await duty.responder(for: principal)
        return ReadScope(
            areas: Set(responder.areas), responderID: responder.id,
            calledTo: try await duty.incidentsCalled(responder: responder.id))
    }

    /// Whether the incident is in the responder's areas or they are called to it.
    func allows(_ incident: Incident) -> Bool { areas.contains(incident.areaID) || calledTo.contains(incident.id) }

    /// Whether the call-out is in the responder's areas, or theirs and still open.
    func allows(_ callOut: CallOut) -> Bool {
        areas.contains(callOut.area) || (callOut.responderID == responderID && calledTo.contains(callOut.incidentID))
    }

    /// Whether the follow-up is in the responder's areas, or assigned to them and not done.
    func allows(_ followUp: FollowUp) -> Bool {
        areas.contains(followUp.area) || (followUp.isAssigned(to: responderID) && followUp.state.isOpen)
    }

    /// Refuses an incident outside the scope as not found (its existence is not theirs to know).
    static func check(_ incident: Incident, _ scope: ReadScope?) throws(DeskError) {
        if let scope, !scope.allows(incident) { throw DeskError.incidentNotFound(incident.id.rawValue) }
    }
}
