import DeskCore
import Foundation
import GRDB

/// Rows of `idempotent_response`: the answer each write gave under its `Idempotency-Key`, written
/// in the write's own transaction.
enum IdempotencyRows {
    /// The answer kept for `claim`'s key, if the key was used before; `idempotencyKeyReused` when it
    /// was used for a different request. A row without an answer (a claim an older deskd made and
    /// never answered) counts as unused.
    static func answer(for claim: IdempotencyClaim, in db: any SQLConnection) throws -> StoredResponse? {
        guard
            let row = try db.row(
                """
                SELECT request_hash, status, content_type, location, body FROM idempotent_response
                WHERE principal = ? AND key = ?
                """, [claim.principal, claim.key])
        else { return nil }
        guard let status: Int = row["status"] else {
            try db.execute(
                "DELETE FROM idempotent_response WHERE principal = ? AND key = ?", [claim.principal, claim.key])
            return nil
        }
        guard row["request_hash"] == claim.requestHash else { throw DeskError.idempotencyKeyReused(claim.key) }
        let body: Data = row["body"] ?? Data()
        return StoredResponse(
            status: status, contentType: row["content_type"], location: row["location"], body: Array(body))
    }

    /// Keeps `answer` for `claim`'s retries.
    static func keep(
        _ answer: StoredResponse, for claim: IdempotencyClaim, at now: Date, in db: any SQLConnection
    ) throws {
        try db.enqueue(
            """
            INSERT INTO idempotent_response (principal, key, request_hash, status, content_type, location, body,
                created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                claim.principal, claim.key, claim.requestHash, answer.status, answer.contentType, answer.location,
                Data(answer.body), Timestamp.format(now),
            ])
    }

    /// Forgets keys stored before `cutoff`; returns how many.
    static func expire(before cutoff: Date, in db: any SQLConnection) throws -> Int {
        try db.execute("DELETE FROM idempotent_response WHERE created_at < ?", [Timestamp.format(cutoff)])
    }
}
