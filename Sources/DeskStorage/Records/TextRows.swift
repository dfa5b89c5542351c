import DeskCore
import Foundation
import GRDB

/// Row conversions for `sms_inbound`: responders' texts, once per gateway message id.
enum TextRows {
    static func seen(provider: String, messageID: String, in db: any SQLConnection) throws -> Bool {
        try db.exists("SELECT 1 FROM sms_inbound WHERE provider = ? AND message_id = ?", [provider, messageID])
    }

    static func helpSent(to sender: PhoneNumber, since: Date, in db: any SQLConnection) throws -> Bool {
        try db.exists(
            "SELECT 1 FROM sms_inbound WHERE sender = ? AND outcome = 'help' AND received_at >= ? LIMIT 1",
            [sender.e164, Timestamp.format(since)])
    }

    static func forget(before cutoff: Date, in db: any SQLConnection) throws -> Int {
        let time = Timestamp.format(cutoff)
        var changed = try db.execute("DELETE FROM sms_inbound WHERE received_at < ?", [time])
        let rows = try db.rows(
            """
            SELECT id, body FROM outbox
            WHERE incident_id IS NULL AND state <> 'pending' AND created_at < ?
                AND \(SQLJSON.member("body", "type", db.dialect)) = 'text'
            """, [time])
        for row in rows {
            let body: String = row["body"]
            if let redacted = Erasure.redact(body, members: ["to", "message"]) {
                let id: String = row["id"]
                changed += try db.execute("UPDATE outbox SET body = ? WHERE id = ?", [redacted, id])
            }
        }
        return changed
    }

    static func insert(_ text: InboundText, in db: any SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO sms_inbound (provider, message_id, sender, responder_id, text, received_at, outcome,
                callout_id, followup_id, report_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                text.provider, text.messageID, text.sender.e164, text.responderID, text.text,
                Timestamp.format(text.receivedAt), text.outcome.rawValue, text.callOutID?.rawValue,
                text.followUpID?.rawValue, text.reportID?.rawValue,
            ])
    }
}
