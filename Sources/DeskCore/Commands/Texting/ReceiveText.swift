import Foundation

/// A text from a phone, as the SMS gateway posted it: a responder's yes, no or done, or a report
/// (answered by text through the outbox), once per gateway message id.
///
/// Run by the principal `sms:+46…` (the sender's number). The number is matched to an active
/// responder's contact here, in the writer; a number no responder has writes nothing and is
/// answered `unknownSender` (the API answers it without storing anything).
///
/// A text that is no yes, no or done is a report when `TextReport` finds one in it: `report` is
/// its command, validated and classified before the writer (as `POST /v1/reports` does), stored
/// here with transport `sms` if the roster still gives the same area, and answered with the
/// incident's short reference and phase. Otherwise the help text answers it, once a day.
public struct ReceiveText: DeskCommand {
    public static let policy = CommandPolicy.responders
    /// `46elks` or `twilio`.
    public let provider: String
    public let messageID: String
    public let sender: PhoneNumber
    public let text: String
    /// The report `text` makes, if it is one (see `TextReport`), made by `ReportIntake`.
    public let report: SubmitReport?

    /// A text `messageID` from `sender` through `provider`; `report` when the text may be a report.
    public init(provider: String, messageID: String, sender: PhoneNumber, text: String, report: SubmitReport? = nil) {
        self.provider = provider
        self.messageID = messageID
        self.sender = sender
        self.text = text
        self.report = report
    }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> TextAnswer {
        if try transaction.inboundTextSeen(provider: provider, messageID: messageID) { return TextAnswer(.duplicate) }
        let roster = try transaction.roster()
        // Usually one; a phone shared by two responders answers for whichever of them it names.
        let senders = roster.responders.filter { $0.active && PhoneNumber($0.contact) == sender }
        guard let first = senders.first else { return TextAnswer(.unknownSender) }
        let duty = context.duty(roster)
        var decision = try TextDecision.decide(TextCommand(text), from: senders, in: transaction, duty: duty)
        var receipt: ReportReceipt?
        if decision.outcome == .help, let report,
            TextReport.fields(text, from: senders, areas: context.settings.areas)?.area == report.fields.area
        {
            let stored = try report.execute(
                in: transaction,
                CommandContext(
                    principal: context.principal, transport: .sms, stamp: context.stamp, settings: context.settings))
            decision = TextDecision(
                outcome: .reported,
                reply: .reported(
                    reference: ShortReference.of(stored.incident.id), title: stored.incident.title,
                    phase: stored.incident.phase))
            decision.incidentID = stored.incident.id
            receipt = stored
        }
        let me = decision.responder ?? first
        if decision.outcome == .help,
            try transaction.helpTextSent(to: sender, since: context.now.addingTimeInterval(-86_400))
        {
            decision.outcome = .ignored
            decision.reply = nil
        }
        if let reply = decision.reply, let receiver = duty.textReceiver {
            decision.change.newDeliveries.append(
                TextDelivery.make(
                    id: context.stamp.ids.next(), receiver: receiver, notice: "sms.reply", to: sender,
                    message: TextNotices.reply(reply, in: me.textLanguage(at: sender)), incidentID: decision.incidentID,
                    calloutID: nil, createdAt: context.now))
        }
        try transaction.insert(
            InboundText(
                provider: provider, messageID: messageID, sender: sender, responderID: me.id,
                text: String(text.prefix(1600)), receivedAt: context.now, outcome: decision.outcome,
                callOutID: decision.callOut?.id, followUpID: decision.followUpID, reportID: receipt?.report.id))
        let events = try (receipt?.events ?? []) + transaction.apply(decision.change)
        var answer = TextAnswer(.answered)
        answer.responderID = me.id
        answer.outcome = decision.outcome
        answer.reply = decision.reply
        answer.callOut = decision.callOut
        answer.report = receipt
        answer.events = events
        return answer
    }
}

/// What the desk made of a text.
public struct TextAnswer: Sendable {
    /// Whether the text was new, a gateway's retry, or from a number no responder has.
    public enum Status: Sendable, Hashable {
        case answered, duplicate, unknownSender
    }

    public var status: Status
    public var responderID: String?
    public var outcome: InboundText.Outcome?
    /// The answer queued for the sender, if any.
    public var reply: TextReply?
    /// The call-out it answered, as it was before.
    public var callOut: CallOut?
    /// The report it made, if it was one.
    public var report: ReportReceipt?
    public var events: [TimelineEvent] = []

    init(_ status: Status) { self.status = status }
}
