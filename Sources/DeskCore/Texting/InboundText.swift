import Foundation

/// A text a responder sent the desk (an answer or a report), as kept: once per gateway message id,
/// so a gateway's retry is recognised. Texts from unknown numbers are never kept.
public struct InboundText: Sendable, Hashable {
    /// What the desk did with it.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        case acknowledged, declined, completed
        /// A yes or no with nothing open to answer, or a reference that matched nothing.
        case nothingOpen = "nothing_open"
        /// A yes or no without a reference while several call-outs were open.
        case ambiguous
        /// Not understood: the help text was sent (once a day).
        case help
        /// Not understood, help already sent today: no answer.
        case ignored
        /// A report: stored, and answered with its incident's reference and phase.
        case reported
    }

    /// `46elks` or `twilio`.
    public var provider: String
    /// The gateway's id of the message.
    public var messageID: String
    public var sender: PhoneNumber
    public var responderID: String
    public var text: String
    public var receivedAt: Date
    public var outcome: Outcome
    /// The call-out or follow-up it answered.
    public var callOutID: DeskID?
    public var followUpID: DeskID?
    /// The report it made.
    public var reportID: DeskID?

    /// Creates a record.
    public init(
        provider: String, messageID: String, sender: PhoneNumber, responderID: String, text: String,
        receivedAt: Date, outcome: Outcome, callOutID: DeskID? = nil, followUpID: DeskID? = nil,
        reportID: DeskID? = nil
    ) {
        self.provider = provider
        self.messageID = messageID
        self.sender = sender
        self.responderID = responderID
        self.text = text
        self.receivedAt = receivedAt
        self.outcome = outcome
        self.callOutID = callOutID
        self.followUpID = followUpID
        self.reportID = reportID
    }
}
