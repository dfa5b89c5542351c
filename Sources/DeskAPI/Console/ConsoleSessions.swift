import Crypto
import DeskCore
import Foundation
import Synchronization

/// One-time sign-in codes and the console's browser sessions.
///
/// A code is handed to a local user by `deskctl console` (over the Unix socket, so their role
/// applies); the page POSTs it once (it travels in the URL's fragment) and it becomes a session
/// for the same principal. Only
/// SHA-256 digests of codes and session secrets are kept, in memory: a restart of deskd ends
/// every session (people sign in again).
///
/// A session keeps the credential it was made from (`SessionCredential`), which the access
/// middleware checks again on every request; it never lasts past its token's expiry. Both tables
/// are bounded: each principal keeps at most `maxSessionsPerPrincipal` sessions (a new one ends
/// that principal's oldest, nobody else's), and when the whole table is full new sign-ins are
/// refused rather than anyone signed out. Expired entries are dropped at most once a minute, on a
/// sign-in, never on the lookup every request makes.
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

    private struct PendingCode {
        var principal: Principal
        var credential: SessionCredential
        var expiresAt: Date
    }

    private struct State {
        var codes: [String: PendingCode] = [:]
        var sessions: [String: Session] = [:]
        /// The digests of each principal's sessions, oldest first (by actor).
        var owned: [String: [String]] = [:]
        var prunedAt = Date.distantPast

        mutating func insert(_ session: Session, key: String) {
            sessions[key] = session
            owned[session.principal.actor.rawValue, default: []].append(key)
        }

        @discardableResult
        mutating func remove(_ key: String) -> Session? {
            guard let session = sessions.removeValue(forKey: key) else { return nil }
            let owner = session.principal.actor.rawValue
            owned[owner]?.removeAll { $0 == key }
            if owned[owner]?.isEmpty == true { owned[owner] = nil }
            return session
        }
    }

    private let state = Mutex(State())
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

    /// Creates the tables, empty.
    public init(
        codeLifetime: TimeInterval = 300, sessionLifetime: TimeInterval = 12 * 3600, maxSessions: Int = 10_000,
        maxSessionsPerPrincipal: Int = 10, now: @escaping @Sendable () -> Date = { Date() }
    ) {
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
    ) -> (code: String, expiresAt: Date) {
        let code = Self.randomText(bytes: 24)
        let expiresAt = now().addingTimeInterval(codeLifetime)
        state.withLock { state in
            pruneNowAndThen(&state)
            if state.codes.count >= maxCodes,
                let oldest = state.codes.min(by: { $0.value.expiresAt < $1.value.expiresAt })
            {
                state.codes[oldest.key] = nil
            }
            state.codes[Self.digest(code)] = PendingCode(
                principal: principal, credential: credential, expiresAt: expiresAt)
        }
        return (code, expiresAt)
    }

    /// Turns a code into a session (the code is gone afterwards); nil for an unknown, used or
    /// expired code; `unavailable` when the session table is full.
    public func redeem(code: String) throws(DeskError) -> (secret: String, session: Session)? {
        let key = Self.digest(code)
        guard let pending = state.withLock({ state in state.codes.removeValue(forKey: key) }),
            pending.expiresAt > now()
        else { return nil }
        return try start(for: pending.principal, credential: pending.credential, method: "code")
    }

    /// Starts a session for an authenticated principal, ending at the latest at `notAfter` (the
    /// token's expiry). The principal's oldest session ends when they already have
    /// `maxSessionsPerPrincipal`; `unavailable` when the table is full.
    public func start(
        for principal: Principal, credential: SessionCredential, method: String, notAfter: Date? = nil
    ) throws(DeskError) -> (secret: String, session: Session) {
        let secret = Self.randomText(bytes: 32)
        let created = now()
        let lifetimeEnd = created.addingTimeInterval(sessionLifetime)
        let session = Session(
            id: Self.randomHex(bytes: 6), principal: principal, createdAt: created,
            expiresAt: notAfter.map { min($0, lifetimeEnd) } ?? lifetimeEnd, csrfToken: Self.randomText(bytes: 24),
            method: method, credential: credential)
        let started = state.withLock { state -> Bool in
            pruneNowAndThen(&state)
            let owner = principal.actor.rawValue
            while let theirs = state.owned[owner], theirs.count >= maxSessionsPerPrincipal, let oldest = theirs.first {
                state.remove(oldest)
            }
            if state.sessions.count >= maxSessions {
                prune(&state)
                guard state.sessions.count < maxSessions else { return false }
            }
            state.insert(session, key: Self.digest(secret))
            return true
        }
        guard started else {
            throw DeskError.unavailable(
                "the console has \(maxSessions) sessions open, as many as it keeps; try again once some have ended")
        }
        return (secret, session)
    }

    /// The live session a cookie's secret stands for, or nil.
    public func session(secret: String) -> Session? {
        let key = Self.digest(secret)
        let instant = now()
        return state.withLock { state in
            guard let session = state.sessions[key] else { return nil }
            guard session.expiresAt > instant else {
                state.remove(key)
                return nil
            }
            return session
        }
    }

    /// Ends the session of a cookie's secret (sign-out); whether there was one.
    @discardableResult
    public func end(secret: String) -> Bool {
        let key = Self.digest(secret)
        return state.withLock { $0.remove(key) != nil }
    }

    /// The live sessions, oldest first.
    public func list() -> [Session] {
        state.withLock { state in
            prune(&state)
            return state.sessions.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    /// Ends the session with public id `id`; nil when there is none.
    public func revoke(id: String) -> Session? {
        state.withLock { state in
            guard let key = state.sessions.first(where: { $0.value.id == id })?.key else { return nil }
            return state.remove(key)
        }
    }

    /// Drops expired codes and sessions, at most once a minute (the full walk is O(n)).
    private func pruneNowAndThen(_ state: inout State) {
        guard now().timeIntervalSince(state.prunedAt) >= 60 else { return }
        prune(&state)
    }

    private func prune(_ state: inout State) {
        let instant = now()
        state.prunedAt = instant
        state.codes = state.codes.filter { $0.value.expiresAt > instant }
        for (key, session) in state.sessions where session.expiresAt <= instant { state.remove(key) }
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
