import Foundation

/// A text as an outbox delivery: the body names the number and the message, and the SMS sender
/// turns it into the gateway's own request. Kept in the outbox like any notice, so a text is sent
/// at least once, retried with back-off, and its gateway message id recorded.
public enum TextDelivery {
    /// The body's members: `type` (`text`), `to` (E.164), `message`, `delivery_id`, `receiver`, and
    /// `notice` (what it tells: `callout.created`, `followup.escalated`, `sms.reply`).
    ///
    /// Example: `{"delivery_id":"…","message":"…","notice":"callout.created","receiver":"sms","to":"+46…","type":"text"}`.
    public static func make(
        id: DeskID, receiver: String, notice: String, to number: PhoneNumber, message: String, incidentID: DeskID?,
        calloutID: DeskID?, createdAt: Date
    ) -> Delivery {
        let body: [String: JSONValue] = [
            "type": .string("text"), "notice": .string(notice), "to": .string(number.e164),
            "message": .string(message), "delivery_id": .string(id.rawValue), "receiver": .string(receiver),
        ]
        return Delivery(
            id: id, receiver: receiver, kind: notice, body: JSONValue.object(body).canonicalText,
            incidentID: incidentID, calloutID: calloutID, createdAt: createdAt)
    }
}
