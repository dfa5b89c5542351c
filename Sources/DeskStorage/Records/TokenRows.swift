import DeskCore
import Foundation
import GRDB

/// Rows of `api_token`: hashes only, never a secret.
enum TokenRows {
    /// The token a row holds.
    static func token(_ row: Row) throws -> APIToken {
        let expires: String? = row["expires_at"]
        let revoked: String? = row["revoked_at"]
        return APIToken(
            id: row["id"], name: row["name"], role: try StoredValue.enumeration(row["role"]),
            responderID: row["responder_id"], secretHash: row["secret_hash"],
            createdAt: try StoredValue.time(row["created_at"]), createdBy: row["created_by"],
            expiresAt: try expires.map(StoredValue.time), revokedAt: try revoked.map(StoredValue.time))
    }

    /// The token named `name`, if any.
    static func token(named name: String, in db: Database) throws -> APIToken? {
        try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE name = ?", arguments: [name]).map(token)
    }

    /// Stores a new token.
    static func insert(_ token: APIToken, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO api_token (id, name, role, responder_id, secret_hash, created_at, created_by,
                    expires_at, revoked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)
                """,
            arguments: [
                token.id, token.name, token.role.rawValue, token.responderID, token.secretHash,
                Timestamp.format(token.createdAt), token.createdBy, token.expiresAt.map(Timestamp.format),
            ])
    }

    /// Marks the token named `name` revoked.
    static func revoke(named name: String, at: Date, in db: Database) throws {
        try db.execute(
            sql: "UPDATE api_token SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
            arguments: [Timestamp.format(at), name])
    }
}
