import DeskCore
import Foundation
import GRDB

extension SQLDeskStore: AccessStore {
    public func responderStatus(id: String?, unixUser: String?) async throws -> ResponderStatus? {
        guard id != nil || unixUser != nil else { return nil }
        return try await read { db in
            // The responder with this id first, then the one bound to this user.
            try db.row(
                "SELECT id, active FROM responder WHERE id = ? OR unix_user = ? ORDER BY (id = ?) DESC, id",
                [id, unixUser, id]
            ).map { ResponderStatus(id: $0["id"], active: $0["active"]) }
        }
    }

    public func token(id: String) async throws -> APIToken? {
        try await read { db in try db.row("SELECT * FROM api_token WHERE id = ?", [id]).map(TokenRows.token) }
    }

    public func tokens() async throws -> [APIToken] {
        try await read { db in
            try db.rows("SELECT * FROM api_token ORDER BY created_at DESC, name").map(TokenRows.token)
        }
    }
}
