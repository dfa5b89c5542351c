import Foundation

/// The duty change a responder's text asks for, and the answer to send: which open call-out a
/// yes or no is about (the one named by its reference, else the only one open), which follow-up
/// a done is about. A number shared by several responders speaks for any of them: the call-out
/// or follow-up it names decides who answers.
struct TextDecision {
    var outcome: InboundText.Outcome
    /// The responder who answered (whose call-out or follow-up it was).
    var responder: Responder?
    var reply: TextReply?
    var change = DutyChange()
    var callOut: CallOut?
    var followUpID: DeskID?
    var incidentID: DeskID?

    static func decide(
        _ command: TextCommand, from senders: [Responder], in transaction: any DeskTransaction, duty: DutyContext
    ) throws -> TextDecision {
        switch command {
        case .yes(let reference, let rest), .no(let reference, let rest):
            let open = try senders.flatMap {
                try transaction.callOuts(CallOutQuery(responder: $0.id, states: [.pending, .notified]))
            }
            let callOut: CallOut
            switch pick(open, reference: reference, id: \.id) {
            case .none: return TextDecision(outcome: .nothingOpen, reply: .nothingOpen)
            case .several(let references): return TextDecision(outcome: .ambiguous, reply: .ambiguous(references))
            case .one(let one): callOut = one
            }
            guard let me = senders.first(where: { $0.id == callOut.responderID }) else {
                return TextDecision(outcome: .nothingOpen, reply: .nothingOpen)
            }
            let shortReference = ShortReference.of(callOut.id)
            guard let incident = try transaction.incident(callOut.incidentID) else {
                throw DeskError.incidentNotFound(callOut.incidentID.rawValue)
            }
            var decision: TextDecision
            if case .yes = command {
                decision = TextDecision(
                    outcome: .acknowledged, reply: .acknowledged(reference: shortReference, title: incident.title))
                decision.change = try DutyRules.acknowledge(callOut, by: me, note: rest, context: duty)
            } else {
                decision = TextDecision(outcome: .declined, reply: .declined(reference: shortReference))
                let existing = try transaction.callOuts(CallOutQuery(incident: incident.id))
                decision.change = try DutyRules.decline(
                    callOut, by: me, reason: rest ?? "declined by text", incident: incident, existing: existing,
                    context: duty)
            }
            decision.callOut = callOut
            decision.responder = me
            decision.incidentID = incident.id
            return decision
        case .done(let reference, let rest):
            let open = try senders.flatMap {
                try transaction.followUps(FollowUpQuery(responder: $0.id, states: [.open, .escalated]))
            }
            switch pick(open, reference: reference, id: \.id) {
            case .none: return TextDecision(outcome: .nothingOpen, reply: .nothingOpen)
            case .several(let references): return TextDecision(outcome: .ambiguous, reply: .ambiguous(references))
            case .one(let followUp):
                guard let me = senders.first(where: { followUp.isAssigned(to: $0.id) }) else {
                    return TextDecision(outcome: .nothingOpen, reply: .nothingOpen)
                }
                var decision = TextDecision(
                    outcome: .completed, reply: .completed(reference: ShortReference.of(followUp.id)))
                decision.change = try DutyRules.complete(
                    followUp, by: me, outcome: rest ?? "done (by text)", context: duty)
                decision.followUpID = followUp.id
                decision.responder = me
                decision.incidentID = followUp.incidentID
                return decision
            }
        case .other:
            return TextDecision(outcome: .help, reply: .help)
        }
    }

    enum Pick<Item> {
        case none
        case one(Item)
        case several([String])
    }

    /// The item named by `reference` (the latest when two share it), else the only one.
    static func pick<Item>(_ items: [Item], reference: String?, id: KeyPath<Item, DeskID>) -> Pick<Item> {
        if let reference {
            let matching = items.filter { ShortReference.of($0[keyPath: id]) == reference }
            guard let latest = matching.max(by: { $0[keyPath: id] < $1[keyPath: id] }) else { return .none }
            return .one(latest)
        }
        switch items.count {
        case 0: return .none
        case 1: return .one(items[0])
        default: return .several(items.map { ShortReference.of($0[keyPath: id]) }.sorted())
        }
    }
}
