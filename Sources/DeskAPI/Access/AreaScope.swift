import DeskCore

/// What part of the desk a principal may read: responders see the incidents and rosters of the
/// areas they cover; every other role sees everything.
enum AreaScope {
    /// The areas the caller may read, or nil for all of them.
    static func areas(of context: DeskRequestContext, duty: DutyDesk) async throws -> Set<String>? {
        guard let principal = context.principal, principal.role == .responder else { return nil }
        let responder = try await duty.responder(for: principal.actor, bound: principal.responderID)
        return Set(responder.areas)
    }

    /// Refuses an incident outside the caller's areas as not found (its existence is not theirs to know).
    static func check(_ incident: Incident, _ areas: Set<String>?) throws(DeskError) {
        if let areas, !areas.contains(incident.areaID) { throw DeskError.incidentNotFound(incident.id.rawValue) }
    }
}
