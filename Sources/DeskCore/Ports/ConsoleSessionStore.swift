import Foundation

/// A console session as the store keeps it: the SHA-256 of the cookie's secret (never the secret),
/// who it acts as, and what it was made from, in text forms the API layer reads back.
public struct StoredConsoleSession: Sendable, Hashable {
    /// SHA-256 (hex) of the cookie's secret: the key.
    public var digest: String
    /// Public id, for listing and ending it.
    public var id: String
    /// The principal's actor (`unix:alice`, `token:board`).
    public var actor: String
    /// The principal's role when it began (checked again on every request).
    public var role: AccessRole
    /// The responder the principal is, if any.
    public var responderID: String?
    /// When it began.
    public var createdAt: Date
    /// When it ends by itself.
    public var expiresAt: Date
    /// The second secret the page sends in `X-Desk-CSRF` (useless without the cookie's secret).
    public var csrfToken: String
    /// How it began: `code` or `token`.
    public var method: String
    /// What it was made from, in the API layer's text form.
    public var credential: String

    /// Creates a stored session.
    public init(
        digest: String, id: String, actor: String, role: AccessRole, responderID: String?, createdAt: Date,
        expiresAt: Date, csrfToken: String, method: String, credential: String
    ) {
        self.digest = digest
        self.id = id
        self.actor = actor
        self.role = role
        self.responderID = responderID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.csrfToken = csrfToken
        self.method = method
        self.credential = credential
    }
}

/// A one-time sign-in code waiting to be used, kept by the SHA-256 of the code.
public struct StoredSignInCode: Sendable, Hashable {
    /// SHA-256 (hex) of the code: the key.
    public var digest: String
    /// Who the session it becomes acts as.
    public var actor: String
    /// Their role when the code was issued.
    public var role: AccessRole
    /// The responder they are, if any.
    public var responderID: String?
    /// What the code was asked with, in the API layer's text form.
    public var credential: String
    /// When it stops working.
    public var expiresAt: Date

    /// Creates a stored code.
    public init(
        digest: String, actor: String, role: AccessRole, responderID: String?, credential: String, expiresAt: Date
    ) {
        self.digest = digest
        self.actor = actor
        self.role = role
        self.responderID = responderID
        self.credential = credential
        self.expiresAt = expiresAt
    }
}

/// Where the console's sign-in codes and sessions live: in the desk's database, so that every
/// deskd on one database knows every session, and a restart signs nobody out.
public protocol ConsoleSessionStore: Sendable {
    /// Keeps `code`; drops expired codes, and the soonest-expiring ones beyond `keepingAtMost`.
    func saveCode(_ code: StoredSignInCode, keepingAtMost: Int, now: Date) async throws

    /// Removes and returns the live code with `digest` (a code works once), or nil.
    func takeCode(digest: String, now: Date) async throws -> StoredSignInCode?

    /// Keeps `session` in one write: drops expired sessions, ends the same actor's oldest while
    /// they hold `perPrincipal` or more, and refuses (false) when `total` live sessions remain.
    func startSession(_ session: StoredConsoleSession, perPrincipal: Int, total: Int, now: Date) async throws -> Bool

    /// The live session with `digest`, or nil.
    func session(digest: String, now: Date) async throws -> StoredConsoleSession?

    /// Ends the session with `digest`; whether there was one.
    func endSession(digest: String) async throws -> Bool

    /// The live sessions, oldest first.
    func sessions(now: Date) async throws -> [StoredConsoleSession]

    /// Ends the session with public id `id`; the session, or nil when there is none.
    func endSession(id: String) async throws -> StoredConsoleSession?
}
