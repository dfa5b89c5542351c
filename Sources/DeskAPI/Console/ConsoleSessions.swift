import Crypto
import DeskCore
import Foundation
import Synchronization

/// One-time sign-in codes and the console's browser sessions.
///
/// A code is handed to a local user by `deskctl console` (over the Unix socket, so their role
/// applies); the page POSTs it once (it travels in the URL's fragment) and it becomes a session
/// for the same principal. Both live in the desk's database (`ConsoleSessionStore`), only as
/// SHA-256 digests of the code and of the cookie's secret: every deskd on one database knows every
/// session (a browser can move between instances), and a restart signs nobody out.
///
/// A session keeps the credential it was made from (`SessionCredential`), which the access
/// middleware checks again on every request; it never lasts past its token's expiry. Both tables
/// are bounded: each principal keeps at most `maxSessionsPerPrincipal` sessions (a new one ends
/// that principal's oldest, nobody else's), and when the whole table is full new sign-ins are
/// refused rather than anyone signed out. Expired entries are dropped on a sign-in.
public final class ConsoleSessions: Sendable {
    /// A signed-in browser: who, until when, and the second secret every request of it must carry.
    public struct Session: Sendable, Hashable {
        /// Public id, for listing and revoking (never the secret).
        public var id: String
        /// Who the browser acts as: the local user (or token) that signed it in, with their role.
        public var principal: Principal
        /// When it began.
        public var createdAt: Date
        /// When it ends by itself.
        public var expiresAt: Date
        /// The session's second secret: handed out only by sign-in, sent back by the page in
        /// `X-Desk-CSRF` on every request (the cookie alone opens nothing).
        public var csrfToken: String
        /// How it began: `code` (deskctl console) or `token` (a pasted API token).
        public var method: String
        /// What it was made from, checked again on every request.
        public var credential: SessionCredential
    }

    private let store: any ConsoleSessionStore
    private let baseURL = Mutex<String?>(nil)
    private let now: @Sendable () -> Date
    /// How long a sign-in code may wait to be used.
    public let codeLifetime: TimeInterval
    /// How long a session lasts.
    public let sessionLifetime: TimeInterval
    private let maxCodes = 1_000
    /// Sessions kept at most, everyone's together.
    public let maxSessions: Int
    /// Sessions one principal keeps at most (phone, laptop, a wall screen …).
    public let maxSessionsPerPrincipal: Int

    /// Sessions and codes kept in `store` (the desk's database).
    public init(
        store: any ConsoleSessionStore, codeLifetime: TimeInterval = 300, sessionLifetime: TimeInterval = 12 * 3600,
        maxSessions: Int = 10_000, maxSessionsPerPrincipal: Int = 10, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.codeLifetime = codeLifetime
        self.sessionLifetime = sessionLifetime
        self.maxSessions = max(1, maxSessions)
        self.maxSessionsPerPrincipal = max(1, maxSessionsPerPrincipal)
        self.now = now
    }

    /// Where browsers reach this deskd (`http://127.0.0.1:8440`), from its TCP listener.
    public var consoleURL: String? { baseURL.withLock { $0 } }

    /// Records the TCP listener's address once it is bound.
    public func listening(host: String, port: Int) {
        let shown = ["0.0.0.0", "::", ""].contains(host) ? "127.0.0.1" : host
        let bracketed = shown.contains(":") ? "[\(shown)]" : shown
        baseURL.withLock { $0 = "http://\(bracketed):\(port)" }
    }

    /// Records an inherited listener's address as socket activation reads it
    /// (`http://127.0.0.1:8440`, `http://[::1]:8440`), when it is a TCP one.
    public func listening(address: String) {
        let bare = address.hasPrefix("http://") ? String(address.dropFirst("http://".count)) : address
        guard !bare.hasPrefix("/"), let colon = bare.lastIndex(of: ":"),
            let port = Int(bare[bare.index(after: colon)...])
        else { return }
        let host = String(bare[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        listening(host: host, port: port)
    }

    /// A new one-time code for `principal` (who asked with `credential`) and when it stops working.
    public func issueCode(
        for principal: Principal, credential: SessionCredential
    ) async throws -> (code: String, expiresAt: Date) {
        let code = Self.randomText(bytes: 24)
        let instant = now()
        let expiresAt = instant.addingTimeInterval(codeLifetime)
        try await store.saveCode(
            StoredSignInCode(
                digest: Self.digest(code), actor: principal.actor.rawValue, role: principal.role,
                responderID: principal.responderID, credential: credential.stored, expiresAt: expiresAt),
            keepingAtMost: maxCodes, now: instant)
        return (code, expiresAt)
    }

    /// Turns a code into a session (the code is gone afterwards); nil for an unknown, used or
    /// expired code; `unavailable` when the session table is full.
    public func redeem(code: String) async throws -> (secret: String, session: Session)? {
        guard let pending = try await store.takeCode(digest: Self.digest(code), now: now()),
            let credential = SessionCredential(stored: pending.credential)
        else { return nil }
        let principal = Principal(
            actor: Actor(rawValue: pending.actor), role: pending.role, responderID: pending.responderID)
        return try await start(for: principal, credential: credential, method: "code")
    }

    /// Starts a session for an authenticated principal, ending at the latest at `notAfter` (the
    /// token's expiry). The principal's oldest session ends when they already have
    /// `maxSessionsPerPrincipal`; `unavailable` when the table is full.
    public func start(
        for principal: Principal, credential: SessionCredential, method: String, notAfter: Date? = nil
    ) async throws -> (secret: String, session: Session) {
        let secret = Self.randomText(bytes: 32)
        let created = now()
        let lifetimeEnd = created.addingTimeInterval(sessionLifetime)
        let session = Session(
            id: Self.randomHex(bytes: 6), principal: principal, createdAt: created,
            expiresAt: notAfter.map { min($0, lifetimeEnd) } ?? lifetimeEnd, csrfToken: Self.randomText(bytes: 24),
            method: method, credential: credential)
        let started = try await store.startSession(
            session.stored(digest: Self.digest(secret)), perPrincipal: maxSessionsPerPrincipal, total: maxSessions,
            now: created)
        guard started else {
            throw DeskError.unavailable(
                "the console has \(maxSessions) sessions open, as many as it keeps; try again once some have ended")
        }
        return (secret, session)
    }

    /// The live session a cookie's secret stands for, or nil.
    public func session(secret: String) async throws -> Session? {
        try await store.session(digest: Self.digest(secret), now: now()).flatMap(Session.init(stored:))
    }

    /// Ends the session of a cookie's secret (sign-out); whether there was one.
    @discardableResult
    public func end(secret: String) async throws -> Bool {
        try await store.endSession(digest: Self.digest(secret))
    }

    /// The live sessions, oldest first.
    public func list() async throws -> [Session] {
        try await store.sessions(now: now()).compactMap(Session.init(stored:))
    }

    /// Ends the session with public id `id`; nil when there is none.
    public func revoke(id: String) async throws -> Session? {
        try await store.endSession(id: id).flatMap(Session.init(stored:))
    }

    static func digest(_ text: String) -> String { Hex.encode(SHA256.hash(data: Data(text.utf8))) }

    /// A public id: lower-case hex, so that on a command line it never reads as an option.
    static func randomHex(bytes count: Int) -> String {
        var random = SystemRandomNumberGenerator()
        return Hex.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    static func randomText(bytes count: Int) -> String {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

extension ConsoleSessions.Session {
    /// The form the store keeps, under the digest of the cookie's secret.
    func stored(digest: String) -> StoredConsoleSession {
        StoredConsoleSession(
            digest: digest, id: id, actor: principal.actor.rawValue, role: principal.role,
            responderID: principal.responderID, createdAt: createdAt, expiresAt: expiresAt, csrfToken: csrfToken,
            method: method, credential: credential.stored)
    }

    /// A stored session; nil when its credential is not one this deskd reads.
    init?(stored: StoredConsoleSession) {
        guard let credential = SessionCredential(stored: stored.credential) else { return nil }
        self.init(
            id: stored.id,
            principal: Principal(
                actor: Actor(rawValue: stored.actor), role: stored.role, responderID: stored.responderID),
            createdAt: stored.createdAt, expiresAt: stored.expiresAt, csrfToken: stored.csrfToken,
            method: stored.method,
            credential: credential)
    }
}
