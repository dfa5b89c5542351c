/// The responder a principal is: the one their token was made for, else the one bound to their
/// local user; `forbidden` when there is none.
extension Roster {
    /// The responder `principal` acts as.
    public func responder(for principal: Principal) throws(DeskError) -> Responder {
        if let bound = principal.responderID, let responder = responder(bound) { return responder }
        guard let user = principal.actor.unixUserName, let responder = responder(unixUser: user) else {
            throw DeskError.forbidden(
                "no responder is bound to \(principal.actor); an admin binds one with "
                    + "`deskctl responder update ID --unix-user NAME`")
        }
        return responder
    }
}

extension DeskTransaction {
    /// The call-out named `text`; `notFound` when there is none.
    func existingCallOut(_ text: String) throws -> CallOut {
        guard let id = DeskID(text), let callOut = try callOut(id) else {
            throw DeskError.notFound(kind: "call-out", id: text)
        }
        return callOut
    }

    /// Writes `change`, then reads the call-out `id` back as it now stands.
    func answer(_ change: DutyChange, callOut id: DeskID) throws -> CallOutAnswer {
        let events = try apply(change)
        guard let callOut = try callOut(id) else { throw DeskError.notFound(kind: "call-out", id: id.rawValue) }
        return CallOutAnswer(callOut: callOut, replacement: change.newCallOuts.first, events: events)
    }
}

/// The caller acknowledges one of their call-outs.
public struct AcknowledgeCallOut: DeskCommand {
    public static let policy = CommandPolicy.responders
    public let callOutID: String
    public let note: String?

    /// Acknowledges `callOutID`, with `note` when given.
    public init(callOutID: String, note: String? = nil) {
        self.callOutID = callOutID
        self.note = note
    }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> CallOutAnswer {
        let callOut = try transaction.existingCallOut(callOutID)
        let roster = try transaction.roster()
        let me = try roster.responder(for: context.principal)
        let change = try DutyRules.acknowledge(
            callOut, by: me, note: note?.trimmingWhitespace().nilIfEmpty, context: context.duty(roster))
        return try transaction.answer(change, callOut: callOut.id)
    }
}

/// The caller declines one of their call-outs; it escalates at once.
public struct DeclineCallOut: DeskCommand {
    public static let policy = CommandPolicy.responders
    public let callOutID: String
    public let reason: String

    /// Declines `callOutID` because of `reason`.
    public init(callOutID: String, reason: String) {
        self.callOutID = callOutID
        self.reason = reason
    }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> CallOutAnswer {
        let callOut = try transaction.existingCallOut(callOutID)
        let roster = try transaction.roster()
        let me = try roster.responder(for: context.principal)
        guard let incident = try transaction.incident(callOut.incidentID) else {
            throw DeskError.incidentNotFound(callOut.incidentID.rawValue)
        }
        let existing = try transaction.callOuts(CallOutQuery(incident: incident.id))
        let change = try DutyRules.decline(
            callOut, by: me, reason: reason, incident: incident, existing: existing, context: context.duty(roster))
        return try transaction.answer(change, callOut: callOut.id)
    }
}

/// The caller records a check-in as done, with its outcome.
public struct CompleteFollowUp: DeskCommand {
    public static let policy = CommandPolicy.responders
    public let followUpID: String
    public let outcome: String

    /// Records follow-up `followUpID` as done with `outcome`.
    public init(followUpID: String, outcome: String) {
        self.followUpID = followUpID
        self.outcome = outcome
    }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> FollowUp {
        guard let id = DeskID(followUpID), let followUp = try transaction.followUp(id) else {
            throw DeskError.notFound(kind: "follow-up", id: followUpID)
        }
        let roster = try transaction.roster()
        let me = try roster.responder(for: context.principal)
        let change = try DutyRules.complete(followUp, by: me, outcome: outcome, context: context.duty(roster))
        _ = try transaction.apply(change)
        return try transaction.followUp(id) ?? followUp
    }
}

/// A call-out after its responder answered, with the call-out that replaced it (on a decline).
public struct CallOutAnswer: Sendable {
    public var callOut: CallOut
    public var replacement: CallOut?
    public var events: [TimelineEvent]
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension Actor {
    /// The local user name of an actor that came over the Unix socket.
    public var unixUserName: String? {
        rawValue.hasPrefix("unix:") ? String(rawValue.dropFirst(5)) : nil
    }
}
