import DeskCore
import Foundation
import GRDB

extension SQLiteDeskStore: AccessStore {
    public func insertToken(_ token: APIToken, event: TimelineEvent) async throws {
        try await guarded {
            try await database.write { db in
                if try Row.fetchOne(db, sql: "SELECT 1 FROM api_token WHERE name = ?", arguments: [token.name]) != nil {
                    throw DeskError.conflict(.tokenExists(token.name))
                }
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
                _ = try Self.append([event], in: db)
            }
        }
    }

    public func responderStatus(id: String?, unixUser: String?) async throws -> ResponderStatus? {
        guard id != nil || unixUser != nil else { return nil }
        return try await guarded {
            try await pool.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT id, active FROM responder WHERE id = ? OR unix_user = ? ORDER BY id = ? DESC",
                    arguments: [id, unixUser, id]
                ).map { ResponderStatus(id: $0["id"], active: $0["active"]) }
            }
        }
    }

    public func token(id: String) async throws -> APIToken? {
        try await guarded {
            try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE id = ?", arguments: [id]).map(Self.token)
            }
        }
    }

    public func tokens() async throws -> [APIToken] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM api_token ORDER BY created_at DESC, name").map(Self.token)
            }
        }
    }

    public func revokeToken(name: String, at: Date, event: TimelineEvent) async throws -> APIToken {
        try await guarded {
            try await database.write { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE name = ?", arguments: [name])
                else { throw DeskError.notFound(kind: "token", id: name) }
                var token = try Self.token(row)
                guard token.revokedAt == nil else { return token }
                try db.execute(
                    sql: "UPDATE api_token SET revoked_at = ? WHERE name = ?", arguments: [Timestamp.format(at), name])
                _ = try Self.append([event], in: db)
                token.revokedAt = at
                return token
            }
        }
    }

    static func token(_ row: Row) throws -> APIToken {
        let expires: String? = row["expires_at"]
        let revoked: String? = row["revoked_at"]
        return APIToken(
            id: row["id"], name: row["name"], role: try StoredValue.enumeration(row["role"]),
            responderID: row["responder_id"], secretHash: row["secret_hash"],
            createdAt: try StoredValue.time(row["created_at"]), createdBy: row["created_by"],
            expiresAt: try expires.map(StoredValue.time), revokedAt: try revoked.map(StoredValue.time))
    }
}
