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
    static func token(named name: String, in db: any SQLConnection) throws -> APIToken? {
        try db.row("SELECT * FROM api_token WHERE name = ?", [name]).map(token)
    }

    /// Stores a new token.
    static func insert(_ token: APIToken, in db: any SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO api_token (id, name, role, responder_id, secret_hash, created_at, created_by,
                expires_at, revoked_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)
            """,
            [
                token.id, token.name, token.role.rawValue, token.responderID, token.secretHash,
                Timestamp.format(token.createdAt), token.createdBy, token.expiresAt.map(Timestamp.format),
            ])
    }

    /// Marks the token named `name` revoked.
    static func revoke(named name: String, at: Date, in db: any SQLConnection) throws {
        try db.execute(
            "UPDATE api_token SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", [Timestamp.format(at), name])
    }
}
