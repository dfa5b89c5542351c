import Crypto
import DeskCore
import Foundation
import Synchronization

/// One-time sign-in codes and the console's browser sessions.
///
/// A code is handed to a local user by `deskctl console` (over the Unix socket, so their role
/// applies); opening the sign-in URL once turns it into a session for the same principal. Only
/// SHA-256 digests of codes and session secrets are kept, in memory: a restart of deskd ends
/// every session (people sign in again). Both tables are bounded; expired entries are dropped.
public final class ConsoleSessions: Sendable {
    /// A signed-in browser: who, until when, and the token its writes must carry (CSRF).
    public struct Session: Sendable, Hashable {
        /// Public id, for listing and revoking (never the secret).
        public var id: String
        /// Who the browser acts as: the local user (or token) that signed it in, with their role.
        public var principal: Principal
        /// When it began.
        public var createdAt: Date
        /// When it ends by itself.
        public var expiresAt: Date
        /// Sent back by the console in `X-Desk-CSRF` on every write.
        public var csrfToken: String
        /// How it began: `code` (deskctl console) or `token` (a pasted API token).
        public var method: String
    }

    private struct PendingCode {
        var principal: Principal
        var expiresAt: Date
    }

    private struct State {
        var codes: [String: PendingCode] = [:]
        var sessions: [String: Session] = [:]
    }

    private let state = Mutex(State())
    private let baseURL = Mutex<String?>(nil)
    private let now: @Sendable () -> Date
    /// How long a sign-in code may wait to be used.
    public let codeLifetime: TimeInterval
    /// How long a session lasts.
    public let sessionLifetime: TimeInterval
    private let maxCodes = 1_000
    private let maxSessions = 10_000

    /// Creates the tables, empty.
    public init(
        codeLifetime: TimeInterval = 300, sessionLifetime: TimeInterval = 12 * 3600,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.codeLifetime = codeLifetime
        self.sessionLifetime = sessionLifetime
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

    /// A new one-time code for `principal` and when it stops working.
    public func issueCode(for principal: Principal) -> (code: String, expiresAt: Date) {
        let code = Self.randomText(bytes: 24)
        let expiresAt = now().addingTimeInterval(codeLifetime)
        state.withLock { state in
            prune(&state)
            if state.codes.count >= maxCodes,
                let oldest = state.codes.min(by: { $0.value.expiresAt < $1.value.expiresAt })
            {
                state.codes[oldest.key] = nil
            }
            state.codes[Self.digest(code)] = PendingCode(principal: principal, expiresAt: expiresAt)
        }
        return (code, expiresAt)
    }

    /// Turns a code into a session (the code is gone afterwards); nil for an unknown, used or expired code.
    public func redeem(code: String) -> (secret: String, session: Session)? {
        let key = Self.digest(code)
        guard let pending = state.withLock({ state in state.codes.removeValue(forKey: key) }),
            pending.expiresAt > now()
        else { return nil }
        return start(for: pending.principal, method: "code")
    }

    /// Starts a session for an already authenticated principal (a pasted API token).
    public func start(for principal: Principal, method: String) -> (secret: String, session: Session) {
        let secret = Self.randomText(bytes: 32)
        let created = now()
        let session = Session(
            id: Self.randomHex(bytes: 6), principal: principal, createdAt: created,
            expiresAt: created.addingTimeInterval(sessionLifetime), csrfToken: Self.randomText(bytes: 24),
            method: method)
        state.withLock { state in
            prune(&state)
            if state.sessions.count >= maxSessions,
                let oldest = state.sessions.min(by: { $0.value.createdAt < $1.value.createdAt })
            {
                state.sessions[oldest.key] = nil
            }
            state.sessions[Self.digest(secret)] = session
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
                state.sessions[key] = nil
                return nil
            }
            return session
        }
    }

    /// Ends the session of a cookie's secret (sign-out); whether there was one.
    @discardableResult
    public func end(secret: String) -> Bool {
        let key = Self.digest(secret)
        return state.withLock { $0.sessions.removeValue(forKey: key) != nil }
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
            return state.sessions.removeValue(forKey: key)
        }
    }

    private func prune(_ state: inout State) {
        let instant = now()
        state.codes = state.codes.filter { $0.value.expiresAt > instant }
        state.sessions = state.sessions.filter { $0.value.expiresAt > instant }
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
