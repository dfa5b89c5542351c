import DeskCore
import Foundation
import GRDB

/// Row conversions for `sms_inbound`: responders' texts, once per gateway message id.
enum TextRows {
    static func seen(provider: String, messageID: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM sms_inbound WHERE provider = ? AND message_id = ?",
            arguments: [provider, messageID]) ?? false
    }

    static func helpSent(to sender: PhoneNumber, since: Date, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM sms_inbound WHERE sender = ? AND outcome = 'help' AND received_at >= ? LIMIT 1",
            arguments: [sender.e164, Timestamp.format(since)]) ?? false
    }

    static func forget(before cutoff: Date, in db: Database) throws -> Int {
        let time = Timestamp.format(cutoff)
        try db.execute(sql: "DELETE FROM sms_inbound WHERE received_at < ?", arguments: [time])
        var changed = db.changesCount
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, body FROM outbox
                WHERE incident_id IS NULL AND state <> 'pending' AND created_at < ?
                    AND json_extract(body, '$.type') = 'text'
                """, arguments: [time])
        for row in rows {
            let body: String = row["body"]
            if let redacted = Erasure.redact(body, members: ["to", "message"]) {
                try db.execute(sql: "UPDATE outbox SET body = ? WHERE id = ?", arguments: [redacted, row["id"]])
                changed += 1
            }
        }
        return changed
    }

    static func insert(_ text: InboundText, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO sms_inbound (provider, message_id, sender, responder_id, text, received_at, outcome,
                    callout_id, followup_id, report_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                text.provider, text.messageID, text.sender.e164, text.responderID, text.text,
                Timestamp.format(text.receivedAt), text.outcome.rawValue, text.callOutID?.rawValue,
                text.followUpID?.rawValue, text.reportID?.rawValue,
            ])
    }
}
