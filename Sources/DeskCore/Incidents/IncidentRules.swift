/// The pure decisions about an incident's life: each checks the current state and returns the
/// new state with its timeline events, or throws without changing anything.
public enum IncidentRules {
    /// Moves `incident` to `phase` for a stated reason.
    public static func changePhase(
        _ incident: Incident, to phase: Phase, reason: String, limits: ReportLimits, stamp: EventStamp
    ) throws(DeskError) -> IncidentUpdate {
        var rules = FieldRules()
        let reason = rules.required(reason, at: "/reason", maxLength: limits.maxReasonLength)
        rules.assignable(phase, at: "/phase")
        try rules.finish()
        try notErased(incident)
        guard incident.status == .open else { throw DeskError.conflict(.incidentClosed(incident.id)) }
        guard incident.phase != phase else { throw DeskError.conflict(.samePhase(incident.id, phase)) }
        var changed = incident
        changed.phase = phase
        // A person decided the phase: nothing is left to review.
        changed.needsReview = false
        changed.updatedAt = stamp.at
        let event = stamp.event(
            .phaseChanged, incident: incident.id,
            data: ["from": .string(incident.phase.rawValue), "to": .string(phase.rawValue), "reason": .string(reason)]
        )
        return IncidentUpdate(incident: changed, events: [event])
    }

    /// Closes `incident` with an outcome.
    public static func close(
        _ incident: Incident, outcome: String, limits: ReportLimits, stamp: EventStamp
    ) throws(DeskError) -> IncidentUpdate {
        var rules = FieldRules()
        let outcome = rules.required(outcome, at: "/outcome", maxLength: limits.maxReasonLength)
        try rules.finish()
        guard incident.status == .open else { throw DeskError.conflict(.incidentClosed(incident.id)) }
        var changed = incident
        changed.status = .closed
        changed.closedAt = stamp.at
        changed.outcome = outcome
        changed.updatedAt = stamp.at
        let event = stamp.event(.incidentClosed, incident: incident.id, data: ["outcome": .string(outcome)])
        return IncidentUpdate(incident: changed, events: [event])
    }

    /// Opens a closed `incident` again; the reason is optional but recorded when given.
    public static func reopen(
        _ incident: Incident, reason: String?, limits: ReportLimits, stamp: EventStamp
    ) throws(DeskError) -> IncidentUpdate {
        var rules = FieldRules()
        let reason = rules.optional(reason, at: "/reason", maxLength: limits.maxReasonLength)
        try rules.finish()
        try notErased(incident)
        guard incident.status == .closed else { throw DeskError.conflict(.incidentAlreadyOpen(incident.id)) }
        var changed = incident
        changed.status = .open
        changed.closedAt = nil
        changed.outcome = nil
        changed.updatedAt = stamp.at
        let event = stamp.event(.incidentReopened, incident: incident.id, data: ["reason": .optional(reason)])
        return IncidentUpdate(incident: changed, events: [event])
    }

    /// Adds a note; allowed on closed incidents too, for after-action remarks, until a retention
    /// purge erased the incident.
    public static func addNote(
        _ incident: Incident, text: String, limits: ReportLimits, stamp: EventStamp
    ) throws(DeskError) -> IncidentUpdate {
        var rules = FieldRules()
        let text = rules.required(text, at: "/text", maxLength: limits.maxTextLength)
        try rules.finish()
        try notErased(incident)
        var changed = incident
        changed.updatedAt = stamp.at
        let event = stamp.event(.noteAdded, incident: incident.id, data: ["text": .string(text)])
        return IncidentUpdate(incident: changed, events: [event])
    }

    /// Refuses any change to an incident whose personal data a retention purge erased: text added
    /// now would outlive the erasure (reopening it would let it gather more).
    static func notErased(_ incident: Incident) throws(DeskError) {
        if incident.erasedAt != nil { throw DeskError.conflict(.incidentErased(incident.id)) }
    }
}
