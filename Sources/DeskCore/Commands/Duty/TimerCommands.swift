import Foundation

/// Calls out the people an incident's phase needs (the trigger policy), once per incident and phase.
public struct StaffIncident: DeskCommand {
    public static let policy = CommandPolicy.system
    public let incidentID: DeskID

    /// Staffs `incidentID` in its current phase.
    public init(incidentID: DeskID) { self.incidentID = incidentID }

    /// The change written: how many call-outs, and whether the incident was flagged unstaffed.
    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> DutyChange {
        guard let incident = try transaction.incident(incidentID), incident.status == .open else { return DutyChange() }
        let existing = try transaction.callOuts(CallOutQuery(incident: incident.id))
        let change = DutyRules.staff(incident, existing: existing, context: context.duty(try transaction.roster()))
        _ = try transaction.apply(change)
        return change
    }
}

/// Escalates a call-out nobody answered in time, if it is still open and its incident too.
public struct EscalateCallOut: DeskCommand {
    public static let policy = CommandPolicy.system
    public let callOutID: DeskID

    /// Escalates `callOutID`.
    public init(callOutID: DeskID) { self.callOutID = callOutID }

    /// The change written; empty when the call-out was answered or its incident closed meanwhile.
    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> DutyChange {
        guard let callOut = try transaction.callOut(callOutID), callOut.state.isOpen, callOut.dueAt <= context.now,
            let incident = try transaction.incident(callOut.incidentID), incident.status == .open
        else { return DutyChange() }
        let existing = try transaction.callOuts(CallOutQuery(incident: incident.id))
        let change = DutyRules.escalate(
            callOut, reason: .noAnswer, incident: incident, existing: existing,
            context: context.duty(try transaction.roster()))
        _ = try transaction.apply(change)
        return change
    }
}

/// Cancels the open call-outs of closed incidents: nobody needs to come any more.
public struct CancelCallOuts: DeskCommand {
    public static let policy = CommandPolicy.system
    public let callOutIDs: [DeskID]

    /// Cancels `callOutIDs` (those still open).
    public init(callOutIDs: [DeskID]) { self.callOutIDs = callOutIDs }

    /// The change written.
    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> DutyChange {
        let callOuts = try callOutIDs.compactMap { try transaction.callOut($0) }.filter(\.state.isOpen)
        guard !callOuts.isEmpty else { return DutyChange() }
        let change = DutyRules.cancel(
            callOuts, because: "the incident was closed", context: context.duty(try transaction.roster()))
        _ = try transaction.apply(change)
        return change
    }
}

/// Hands an overdue follow-up to the area's coordinator.
public struct EscalateFollowUp: DeskCommand {
    public static let policy = CommandPolicy.system
    public let followUpID: DeskID

    /// Escalates `followUpID`.
    public init(followUpID: DeskID) { self.followUpID = followUpID }

    /// The change written; empty when the follow-up was done meanwhile.
    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> DutyChange {
        guard let followUp = try transaction.followUp(followUpID), followUp.state == .open,
            let incident = try transaction.incident(followUp.incidentID)
        else { return DutyChange() }
        let change = DutyRules.escalateOverdue(
            followUp, incident: incident, context: context.duty(try transaction.roster()))
        _ = try transaction.apply(change)
        return change
    }
}

/// Records the result of one webhook delivery attempt.
public struct RecordDelivery: DeskCommand {
    public static let policy = CommandPolicy.system
    public let delivery: Delivery
    public let result: DeliveryResult

    /// Records `result` for `delivery`.
    public init(delivery: Delivery, result: DeliveryResult) {
        self.delivery = delivery
        self.result = result
    }

    /// The change written.
    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> DutyChange {
        let callOut = try delivery.calloutID.flatMap { try transaction.callOut($0) }
        let change = DutyRules.recordAttempt(
            delivery, result: result, callOut: callOut, policy: context.settings.duty.delivery,
            context: context.duty(try transaction.roster()))
        _ = try transaction.apply(change)
        return change
    }
}
