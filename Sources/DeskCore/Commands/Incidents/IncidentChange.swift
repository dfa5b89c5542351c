/// A command that changes one incident by one of `IncidentRules`: reads the incident, lets the rule
/// decide, writes the new state and the events. Its outcome is the update as stored.
public protocol IncidentChange: DeskCommand where Outcome == IncidentUpdate {
    /// The incident changed, as the caller named it (a malformed id is "not found").
    var incidentID: String { get }

    /// The pure decision: the new state and its events, or a refusal.
    func decide(_ incident: Incident, _ context: CommandContext) throws(DeskError) -> IncidentUpdate
}

extension IncidentChange {
    public static var policy: CommandPolicy { .officers }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> IncidentUpdate {
        let incident = try transaction.existingIncident(incidentID)
        var update = try decide(incident, context)
        try transaction.update(update.incident, from: incident)
        update.events = try transaction.append(update.events)
        return update
    }
}

extension DeskTransaction {
    /// The incident named `text`; `incidentNotFound` when there is none (or the id is malformed).
    func existingIncident(_ text: String) throws -> Incident {
        guard let id = DeskID(text), let incident = try incident(id) else { throw DeskError.incidentNotFound(text) }
        return incident
    }
}

/// Adds a note to an incident (closed ones too, until a purge erased it).
public struct AddNote: IncidentChange {
    public let incidentID: String
    public let text: String

    /// A note `text` on `incidentID`.
    public init(incidentID: String, text: String) {
        self.incidentID = incidentID
        self.text = text
    }

    public func decide(_ incident: Incident, _ context: CommandContext) throws(DeskError) -> IncidentUpdate {
        try IncidentRules.addNote(incident, text: text, limits: context.settings.limits, stamp: context.stamp)
    }
}

/// Moves an incident to another phase for a reason.
public struct ChangePhase: IncidentChange {
    public let incidentID: String
    public let phase: Phase
    public let reason: String

    /// Moves `incidentID` to `phase` because of `reason`.
    public init(incidentID: String, phase: Phase, reason: String) {
        self.incidentID = incidentID
        self.phase = phase
        self.reason = reason
    }

    public func decide(_ incident: Incident, _ context: CommandContext) throws(DeskError) -> IncidentUpdate {
        try IncidentRules.changePhase(
            incident, to: phase, reason: reason, limits: context.settings.limits, stamp: context.stamp)
    }
}

/// Confirms an incident's classification, or corrects its phase, ending the review.
public struct ConfirmClassification: IncidentChange {
    public let incidentID: String
    public let phase: Phase?
    public let note: String?

    /// Confirms `incidentID` (as `phase`, when given).
    public init(incidentID: String, phase: Phase? = nil, note: String? = nil) {
        self.incidentID = incidentID
        self.phase = phase
        self.note = note
    }

    public func decide(_ incident: Incident, _ context: CommandContext) throws(DeskError) -> IncidentUpdate {
        try IncidentRules.confirm(
            incident, phase: phase, note: note, limits: context.settings.limits, stamp: context.stamp)
    }
}

/// Closes an incident with an outcome.
public struct CloseIncident: IncidentChange {
    public let incidentID: String
    public let outcome: String

    /// Closes `incidentID` with `outcome`.
    public init(incidentID: String, outcome: String) {
        self.incidentID = incidentID
        self.outcome = outcome
    }

    public func decide(_ incident: Incident, _ context: CommandContext) throws(DeskError) -> IncidentUpdate {
        try IncidentRules.close(incident, outcome: outcome, limits: context.settings.limits, stamp: context.stamp)
    }
}

/// Opens a closed incident again.
public struct ReopenIncident: IncidentChange {
    public let incidentID: String
    public let reason: String?

    /// Reopens `incidentID`, for `reason` when given.
    public init(incidentID: String, reason: String? = nil) {
        self.incidentID = incidentID
        self.reason = reason
    }

    public func decide(_ incident: Incident, _ context: CommandContext) throws(DeskError) -> IncidentUpdate {
        try IncidentRules.reopen(incident, reason: reason, limits: context.settings.limits, stamp: context.stamp)
    }
}
