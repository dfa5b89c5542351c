import DeskCore
import Foundation

/// The desk's commands as tests call them: one line per use, run through the real command runner
/// and pipeline with the principal a caller of that kind has (an officer for incidents, an admin
/// for the roster, a responder — bound to `bound` when given — for call-out answers).
extension Desk {
    /// Reports `fields` as `actor`, validated and classified as the API does it.
    @discardableResult
    public func submit(
        _ fields: ReportFields, actor: Actor = .unixUser("officer"), transport: Transport = .unix
    ) async throws -> ReportReceipt {
        try await commands.run(
            try intake.command(for: fields), by: Principal(actor: actor, role: .officer), over: transport)
    }

    /// Runs an incident change as an officer.
    @discardableResult
    public func change<Command: IncidentChange>(
        _ command: Command, actor: Actor = .unixUser("officer")
    ) async throws
        -> IncidentUpdate
    {
        try await commands.run(command, by: Principal(actor: actor, role: .officer))
    }

    @discardableResult
    public func addNote(to id: String, text: String, actor: Actor) async throws -> IncidentUpdate {
        try await change(AddNote(incidentID: id, text: text), actor: actor)
    }

    @discardableResult
    public func changePhase(
        of id: String, to phase: Phase, reason: String, actor: Actor
    ) async throws
        -> IncidentUpdate
    {
        try await change(ChangePhase(incidentID: id, phase: phase, reason: reason), actor: actor)
    }

    @discardableResult
    public func confirm(_ id: String, phase: Phase?, note: String?, actor: Actor) async throws -> IncidentUpdate {
        try await change(ConfirmClassification(incidentID: id, phase: phase, note: note), actor: actor)
    }

    @discardableResult
    public func close(_ id: String, outcome: String, actor: Actor) async throws -> IncidentUpdate {
        try await change(CloseIncident(incidentID: id, outcome: outcome), actor: actor)
    }

    @discardableResult
    public func reopen(_ id: String, reason: String?, actor: Actor) async throws -> IncidentUpdate {
        try await change(ReopenIncident(incidentID: id, reason: reason), actor: actor)
    }

    @discardableResult
    public func split(_ id: String, reportID: String, reason: String, actor: Actor) async throws -> IncidentUpdate {
        try await commands.run(
            SplitReport(incidentID: id, reportID: reportID, reason: reason), by: Principal(actor: actor, role: .officer)
        )
    }

    /// Purges by the retention policy as an admin.
    public func purge(dryRun: Bool, actor: Actor = .system) async throws -> PurgeSummary {
        try await retention.purge(dryRun: dryRun, by: Principal(actor: actor, role: .admin))
    }

    /// Replaces the retention policy.
    public func replaceRetention(_ policy: RetentionPolicy) { settings.update { $0.retention = policy } }

    /// Replaces the duty settings.
    public func replaceDutySettings(_ duty: DutySettings) { settings.update { $0.duty = duty } }

    // MARK: Roster (admin)

    @discardableResult
    public func addResponder(_ responder: Responder, actor: Actor = .system) async throws -> Responder {
        try await commands.run(AddResponder(responder), by: Principal(actor: actor, role: .admin))
    }

    @discardableResult
    public func updateResponder(
        _ id: String, _ patch: ResponderPatch, actor: Actor = .system
    ) async throws
        -> Responder
    {
        try await commands.run(
            UpdateResponder(responderID: id, patch: patch), by: Principal(actor: actor, role: .admin))
    }

    @discardableResult
    public func importRoster(_ roster: Roster, actor: Actor = .system) async throws -> RosterImportSummary {
        try await commands.run(ImportRoster(roster), by: Principal(actor: actor, role: .admin))
    }

    @discardableResult
    public func addOverride(
        area: String, role: DutyRole, responder: String, starts: Date, ends: Date, reason: String?,
        actor: Actor = .system
    ) async throws -> RosterOverride {
        try await commands.run(
            AddOverride(area: area, role: role, responderID: responder, starts: starts, ends: ends, reason: reason),
            by: Principal(actor: actor, role: .admin))
    }

    // MARK: Answers (responder)

    @discardableResult
    public func acknowledge(
        _ id: String, note: String?, actor: Actor, bound: String? = nil
    ) async throws
        -> CallOutAnswer
    {
        try await commands.run(
            AcknowledgeCallOut(callOutID: id, note: note),
            by: Principal(actor: actor, role: .responder, responderID: bound))
    }

    @discardableResult
    public func decline(
        _ id: String, reason: String, actor: Actor, bound: String? = nil
    ) async throws
        -> CallOutAnswer
    {
        try await commands.run(
            DeclineCallOut(callOutID: id, reason: reason),
            by: Principal(actor: actor, role: .responder, responderID: bound))
    }

    @discardableResult
    public func complete(_ id: String, outcome: String, actor: Actor, bound: String? = nil) async throws -> FollowUp {
        try await commands.run(
            CompleteFollowUp(followUpID: id, outcome: outcome),
            by: Principal(actor: actor, role: .responder, responderID: bound))
    }

    /// Call-outs matching `query`; with `actor`, only that responder's.
    public func callOuts(_ query: CallOutQuery, mine actor: Actor?, bound: String? = nil) async throws -> [CallOut] {
        try await duty.callOuts(query, mine: actor.map { Principal(actor: $0, role: .responder, responderID: bound) })
    }

    /// Follow-ups matching `query`; with `actor`, only that responder's.
    public func followUps(
        _ query: FollowUpQuery, mine actor: Actor?, bound: String? = nil
    ) async throws
        -> [FollowUp]
    {
        try await duty.followUps(query, mine: actor.map { Principal(actor: $0, role: .responder, responderID: bound) })
    }
}

extension StoredClassification {
    /// The verdict, for assertions (nil when the stored text does not decode).
    public var verdict: Classification? { try? value() }
}
