import DeskCore
import Foundation
import GRDB

extension SQLiteDeskStore: AccessStore {
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
                try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE id = ?", arguments: [id]).map(TokenRows.token)
            }
        }
    }

    public func tokens() async throws -> [APIToken] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM api_token ORDER BY created_at DESC, name").map(TokenRows.token)
            }
        }
    }
}
