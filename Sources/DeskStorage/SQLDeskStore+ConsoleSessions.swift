import DeskCore
import Foundation
import GRDB

/// The console's sessions and sign-in codes in the desk's database (tables `console_session`
/// and `console_code`), the same SQL on both engines. Writes go through the write queue, so on
/// PostgreSQL they take the same turn as every other write and the caps hold across instances.
extension SQLDeskStore: ConsoleSessionStore {
    public func saveCode(_ code: StoredSignInCode, keepingAtMost limit: Int, now: Date) async throws {
        let instant = Timestamp.format(now)
        try await guarded {
            try await engine.write { db in
                try db.execute("DELETE FROM console_code WHERE expires_at <= ?", [instant])
                let waiting = try db.value(Int.self, "SELECT count(*) FROM console_code") ?? 0
                if waiting >= limit {
                    try db.execute(
                        """
                        DELETE FROM console_code WHERE digest IN
                        (SELECT digest FROM console_code ORDER BY expires_at, digest LIMIT ?)
                        """, [waiting - limit + 1])
                }
                try db.execute(
                    """
                    INSERT INTO console_code (digest, actor, role, responder_id, credential, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    [
                        code.digest, code.actor, code.role.rawValue, code.responderID, code.credential,
                        Timestamp.format(code.expiresAt),
                    ])
            }
        }
    }

    public func takeCode(digest: String, now: Date) async throws -> StoredSignInCode? {
        try await guarded {
            try await engine.write { db in
                guard let row = try db.row("SELECT * FROM console_code WHERE digest = ?", [digest]) else { return nil }
                try db.execute("DELETE FROM console_code WHERE digest = ?", [digest])
                let code = try SessionRows.code(row)
                return code.expiresAt > now ? code : nil
            }
        }
    }

    public func startSession(
        _ session: StoredConsoleSession, perPrincipal: Int, total: Int, now: Date
    ) async throws -> Bool {
        let instant = Timestamp.format(now)
        return try await guarded {
            try await engine.write { db in
                try db.execute("DELETE FROM console_session WHERE expires_at <= ?", [instant])
                let theirs =
                    try db.value(
                        Int.self, "SELECT count(*) FROM console_session WHERE actor = ?", [session.actor]) ?? 0
                if theirs >= perPrincipal {
                    try db.execute(
                        """
                        DELETE FROM console_session WHERE digest IN (SELECT digest FROM console_session
                        WHERE actor = ? ORDER BY started LIMIT ?)
                        """, [session.actor, theirs - perPrincipal + 1])
                }
                let live = try db.value(Int.self, "SELECT count(*) FROM console_session") ?? 0
                guard live < total else { return false }
                try db.execute(
                    """
                    INSERT INTO console_session (digest, id, actor, role, responder_id, created_at, expires_at,
                    csrf_token, method, credential, started)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(started), 0) + 1 FROM console_session))
                    """,
                    [
                        session.digest, session.id, session.actor, session.role.rawValue, session.responderID,
                        Timestamp.format(session.createdAt), Timestamp.format(session.expiresAt), session.csrfToken,
                        session.method, session.credential,
                    ])
                return true
            }
        }
    }

    public func session(digest: String, now: Date) async throws -> StoredConsoleSession? {
        let instant = Timestamp.format(now)
        return try await read { db in
            try db.row(
                "SELECT * FROM console_session WHERE digest = ? AND expires_at > ?", [digest, instant]
            ).map(SessionRows.session)
        }
    }

    public func endSession(digest: String) async throws -> Bool {
        try await guarded {
            try await engine.write { db in
                try db.execute("DELETE FROM console_session WHERE digest = ?", [digest]) > 0
            }
        }
    }

    public func sessions(now: Date) async throws -> [StoredConsoleSession] {
        let instant = Timestamp.format(now)
        return try await read { db in
            try db.rows(
                "SELECT * FROM console_session WHERE expires_at > ? ORDER BY started", [instant]
            ).map(SessionRows.session)
        }
    }

    public func endSession(id: String) async throws -> StoredConsoleSession? {
        try await guarded {
            try await engine.write { db in
                guard let row = try db.row("SELECT * FROM console_session WHERE id = ?", [id]) else { return nil }
                try db.execute("DELETE FROM console_session WHERE id = ?", [id])
                return try SessionRows.session(row)
            }
        }
    }
}

/// Rows of `console_session` and `console_code` as values.
enum SessionRows {
    static func session(_ row: Row) throws -> StoredConsoleSession {
        StoredConsoleSession(
            digest: row["digest"], id: row["id"], actor: row["actor"],
            role: try StoredValue.enumeration(row["role"]), responderID: row["responder_id"],
            createdAt: try StoredValue.time(row["created_at"]), expiresAt: try StoredValue.time(row["expires_at"]),
            csrfToken: row["csrf_token"], method: row["method"], credential: row["credential"])
    }

    static func code(_ row: Row) throws -> StoredSignInCode {
        StoredSignInCode(
            digest: row["digest"], actor: row["actor"], role: try StoredValue.enumeration(row["role"]),
            responderID: row["responder_id"], credential: row["credential"],
            expiresAt: try StoredValue.time(row["expires_at"]))
    }
}
