import DeskCore
import Foundation
import GRDB

/// Idempotency keys of writes other than reports: the claim and the kept answer.
extension SQLiteDeskStore {
    public func claimResponse(_ claim: IdempotencyClaim, now: Date, staleBefore: Date) async throws -> ResponseClaim {
        try await guarded {
            try await database.write { db in
                let arguments: StatementArguments = [claim.principal, claim.key]
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT request_hash, status, content_type, location, body, created_at
                            FROM idempotent_response WHERE principal = ? AND key = ?
                            """, arguments: arguments)
                else {
                    try db.execute(
                        sql: """
                            INSERT INTO idempotent_response (principal, key, request_hash, created_at)
                            VALUES (?, ?, ?, ?)
                            """,
                        arguments: [claim.principal, claim.key, claim.requestHash, Timestamp.format(now)])
                    return .claimed
                }
                guard row["request_hash"] == claim.requestHash else {
                    throw DeskError.idempotencyKeyReused(claim.key)
                }
                if let status: Int = row["status"] {
                    let body: Data = row["body"] ?? Data()
                    return .replay(
                        StoredResponse(
                            status: status, contentType: row["content_type"], location: row["location"],
                            body: Array(body)))
                }
                let claimedAt: String = row["created_at"]
                guard claimedAt < Timestamp.format(staleBefore) else { return .inProgress }
                try db.execute(
                    sql: "UPDATE idempotent_response SET created_at = ? WHERE principal = ? AND key = ?",
                    arguments: [Timestamp.format(now), claim.principal, claim.key])
                return .claimed
            }
        }
    }

    public func recordResponse(_ claim: IdempotencyClaim, _ response: StoredResponse) async throws {
        try await guarded {
            try await database.write { db in
                try db.execute(
                    sql: """
                        UPDATE idempotent_response SET status = ?, content_type = ?, location = ?, body = ?
                        WHERE principal = ? AND key = ? AND request_hash = ?
                        """,
                    arguments: [
                        response.status, response.contentType, response.location, Data(response.body),
                        claim.principal, claim.key, claim.requestHash,
                    ])
            }
        }
    }

    public func releaseResponse(_ claim: IdempotencyClaim) async throws {
        try await guarded {
            try await database.write { db in
                try db.execute(
                    sql: """
                        DELETE FROM idempotent_response
                        WHERE principal = ? AND key = ? AND request_hash = ? AND status IS NULL
                        """, arguments: [claim.principal, claim.key, claim.requestHash])
            }
        }
    }
}
