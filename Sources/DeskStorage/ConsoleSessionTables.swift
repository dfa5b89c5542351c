/// The console's sessions and sign-in codes (`v19-console-sessions`, `pg-v6-console-sessions`):
/// the same tables on both engines, keyed by the SHA-256 of the secret (never the secret).
enum ConsoleSessionTables {
    /// The statements, `;`-and-newline separated, with `text` as the text type (PostgreSQL's
    /// byte-ordered collation, so that both engines order ids alike).
    static func sql(text: String) -> String {
        """
        CREATE TABLE console_session (
            digest \(text) PRIMARY KEY,
            id \(text) NOT NULL UNIQUE,
            actor \(text) NOT NULL,
            role \(text) NOT NULL CHECK (role IN ('metrics', 'viewer', 'responder', 'officer', 'admin')),
            responder_id \(text),
            created_at \(text) NOT NULL,
            expires_at \(text) NOT NULL,
            csrf_token \(text) NOT NULL,
            method \(text) NOT NULL CHECK (method IN ('code', 'token')),
            credential \(text) NOT NULL,
            -- Order of starting (one more than the newest's): "the oldest" even within a millisecond.
            started BIGINT NOT NULL UNIQUE
        );
        CREATE INDEX console_session_by_actor ON console_session(actor, started);
        CREATE INDEX console_session_by_expiry ON console_session(expires_at);
        CREATE TABLE console_code (
            digest \(text) PRIMARY KEY,
            actor \(text) NOT NULL,
            role \(text) NOT NULL CHECK (role IN ('metrics', 'viewer', 'responder', 'officer', 'admin')),
            responder_id \(text),
            credential \(text) NOT NULL,
            expires_at \(text) NOT NULL
        );
        CREATE INDEX console_code_by_expiry ON console_code(expires_at)
        """
    }
}
