import Crypto
import DeskCore
import Foundation
import Synchronization

/// Makes, checks and revokes API tokens.
///
/// A token reads `desk_<id>_<secret>`: the 8-hex-digit id finds the stored record; the 256-bit
/// secret is checked by comparing SHA-256 digests in constant time. The secret itself is shown
/// once, when the token is made, and never stored or logged.
///
/// Checked tokens are remembered (by the digest of what was presented, with their record and
/// whether their responder is active), so a request costs one digest and a lookup, not a database
/// read. Expiry is checked at every request; any write that touches tokens or responders
/// (`AccessCache.invalidate`, called by the pipeline's observer before the write is answered)
/// empties the memory, so a revocation or a deactivation takes effect at once.
public final class TokenAuthority: Sendable {
    /// Where tokens (and the responders they are bound to) are read.
    let store: any AccessStore
    private let commands: CommandRunner
    private let clock: any WallClock
    /// What access checks remember, shared with `AccessControl` and emptied by `APIEffects`.
    let memory: AccessMemory
    /// Tokens checked since the last change to tokens or responders.
    var cache: AccessCache<String, CachedToken> { memory.tokens }

    /// What a checked token was found to be.
    struct CachedToken: Sendable {
        var token: APIToken
        /// Whether the responder it is bound to is active (nil: bound to none).
        var responderActive: Bool?
    }

    /// Creates the authority over a store; writes go through `commands`; checks are remembered in
    /// `memory` (the one `APIEffects` empties).
    public init(store: any AccessStore, commands: CommandRunner, clock: any WallClock, memory: AccessMemory) {
        self.store = store
        self.commands = commands
        self.clock = clock
        self.memory = memory
    }

    /// Makes a token; returns its record and the secret to hand over.
    public func create(
        name: String, role: AccessRole, responderID: String?, expiresAt: Date?, by principal: Principal,
        over transport: Transport = .internalSource
    ) async throws -> (token: APIToken, secret: String) {
        guard APIToken.isValidName(name) else {
            throw DeskError.invalid([
                FieldIssue(pointer: "/name", detail: "must be 1-64 letters, digits, '.', '_' or '-'")
            ])
        }
        let now = clock.now().truncatedToMilliseconds
        if let expiresAt, expiresAt <= now {
            throw DeskError.invalid([FieldIssue(pointer: "/expires_at", detail: "must be in the future")])
        }
        var random = SystemRandomNumberGenerator()
        let id = Hex.encode((0..<4).map { _ in UInt8.random(in: 0...255, using: &random) })
        let secretBytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let secret =
            "desk_\(id)_"
            + Data(secretBytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let token = APIToken(
            id: id, name: name, role: role, responderID: responderID, secretHash: Self.digest(secret), createdAt: now,
            createdBy: principal.actor.rawValue, expiresAt: expiresAt)
        let stored = try await commands.run(CreateToken(token), by: principal, over: transport)
        return (stored, secret)
    }

    /// The principal a bearer token stands for; `unauthenticated` for a malformed, unknown,
    /// revoked or expired one, or one bound to a deactivated responder (the reason never repeats the
    /// secret).
    public func authenticate(_ presented: String) async throws -> Principal {
        try await check(presented).principal
    }

    /// A token checked: who it stands for now, how to check it again, and when it expires.
    public struct Checked: Sendable {
        /// Who the token stands for.
        public var principal: Principal
        /// What a console session made from it checks on every request.
        public var credential: SessionCredential
        /// When the token stops working by itself (nil: never).
        public var expiresAt: Date?
    }

    /// Checks a presented bearer token as `authenticate` does, keeping what a session needs.
    public func check(_ presented: String) async throws -> Checked {
        let id = try Self.tokenID(presented)
        return try await check(id: id, digest: Self.digest(presented))
    }

    /// Whether a presented token was checked since the last change to tokens or responders (so
    /// answering for it costs no database read).
    func isRemembered(_ presented: String) -> Bool { cache.value(for: Self.digest(presented)) != nil }

    /// Checks the token with `id` whose secret has SHA-256 `digest` (a session's credential), as
    /// `authenticate` checks a presented one: revoked, expired or deactivated tokens are refused.
    func check(id: String, digest: String) async throws -> Checked {
        let checked: CachedToken
        if let known = cache.value(for: digest) {
            checked = known
        } else {
            let generation = cache.generation
            guard let token = try await store.token(id: id), Self.constantTimeEqual(digest, token.secretHash) else {
                throw DeskError.unauthenticated("the bearer token is not known to this desk")
            }
            var active: Bool?
            if let responder = token.responderID {
                active = try await store.responderStatus(id: responder, unixUser: nil)?.active == true
            }
            checked = CachedToken(token: token, responderActive: active)
            cache.store(checked, for: digest, ifStill: generation)
        }
        let token = checked.token
        guard token.revokedAt == nil else { throw DeskError.unauthenticated("token \(token.name) was revoked") }
        guard token.isValid(at: clock.now()) else { throw DeskError.unauthenticated("token \(token.name) has expired") }
        // A token made for a responder is theirs: deactivating them refuses it at once.
        if let responder = token.responderID, checked.responderActive != true {
            throw DeskError.unauthenticated(
                "token \(token.name) is bound to responder \(responder), who is deactivated or removed")
        }
        return Checked(
            principal: Principal(
                actor: Actor(rawValue: "token:\(token.name)"), role: token.role, responderID: token.responderID),
            credential: .token(id: token.id, digest: digest), expiresAt: token.expiresAt)
    }

    /// The id part of `desk_<id>_<secret>`; `unauthenticated` for anything else.
    private static func tokenID(_ presented: String) throws(DeskError) -> String {
        let parts = presented.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "desk", parts[1].count == 8 else {
            throw DeskError.unauthenticated("the bearer token is not a deskd token (desk_…)")
        }
        return String(parts[1])
    }

    /// Every token (hashes only).
    public func list() async throws -> [APIToken] { try await store.tokens() }

    /// Revokes the token named `name`.
    public func revoke(
        name: String, by principal: Principal, over transport: Transport = .internalSource
    )
        async throws -> APIToken
    {
        try await commands.run(RevokeToken(name: name), by: principal, over: transport)
    }

    static func digest(_ text: String) -> String {
        Hex.encode(SHA256.hash(data: Data(text.utf8)))
    }

    /// Compares two digests without stopping at the first difference.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
