/// What the roster commands share: validating a change, describing a responder on the timeline,
/// and taking deactivated responders off their call-outs.
enum RosterChecks {
    /// Validates the roster after a change, reporting only the problems the change brings (earlier
    /// problems in stored data are not the caller's); those under `pointer` (the part the request
    /// gave) are re-pointed at the request body, others (a rotation that needs a removed role) stay.
    static func validate(
        _ next: Roster, previous: Roster, areas: AreaDirectory, only pointer: String
    ) throws(DeskError) {
        let before = Set(issues(previous, areas).map { "\($0.pointer)\u{0}\($0.detail)" })
        let new = issues(next, areas).filter { !before.contains("\($0.pointer)\u{0}\($0.detail)") }
            .map { issue in
                guard issue.pointer == pointer || issue.pointer.hasPrefix(pointer + "/") else { return issue }
                let rest = String(issue.pointer.dropFirst(pointer.count))
                return FieldIssue(pointer: rest.isEmpty ? "/" : rest, detail: issue.detail)
            }
        if !new.isEmpty { throw DeskError.invalid(new) }
    }

    private static func issues(_ roster: Roster, _ areas: AreaDirectory) -> [FieldIssue] {
        do {
            try roster.validate(areas: areas)
            return []
        } catch DeskError.invalid(let issues) {
            return issues
        } catch {
            return [FieldIssue(pointer: "/", detail: "\(error)")]
        }
    }

    /// A responder as the timeline records it.
    static func describe(_ responder: Responder) -> [String: JSONValue] {
        [
            "responder": .string(responder.id), "name": .string(responder.name),
            "roles": .array(responder.roles.map { .string($0.rawValue) }),
            "areas": .array(responder.areas.map(JSONValue.string)), "unix_user": .optional(responder.unixUser),
            "active": .bool(responder.active),
        ]
    }

    /// Takes deactivated responders off their call-outs: each one still waiting for their answer,
    /// or acknowledged on an incident still open, goes to the next person in the chain.
    static func release(
        _ responders: [String], in transaction: any DeskTransaction, _ context: CommandContext
    ) throws {
        guard !responders.isEmpty else { return }
        let roster = try transaction.roster()
        let duty = context.duty(roster)
        for responder in responders {
            let callOuts = try transaction.callOuts(
                CallOutQuery(responder: responder, states: [.pending, .notified, .acknowledged], limit: 1000))
            for callOut in callOuts {
                guard let incident = try transaction.incident(callOut.incidentID), incident.status == .open else {
                    continue
                }
                let existing = try transaction.callOuts(CallOutQuery(incident: incident.id))
                _ = try transaction.apply(
                    DutyRules.escalate(
                        callOut, reason: .deactivated, incident: incident, existing: existing, context: duty))
            }
        }
    }
}
