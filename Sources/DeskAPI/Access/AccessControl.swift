import DeskCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Decides who a request comes from and what they may do: local users by their peer credentials
/// (mapped to roles by `[access]`), TCP clients by bearer token.
public final class AccessControl: Sendable {
    private let map: Mutex<LocalAccessMap>
    /// The daemon's own user: whoever runs deskd owns its database and is an admin.
    private let ownUID: UInt32
    /// Makes and checks API tokens.
    public let tokens: TokenAuthority
    /// The duty console's sign-in codes and browser sessions.
    public let console: ConsoleSessions
    /// Whether responders are active, by id or local user, since the last change to responders.
    private var responders: AccessCache<String, ResponderLookup> { tokens.memory.responders }
    /// Local users' names and groups, as the password and group databases gave them.
    private let localUsers = AccessCache<UInt64, LocalIdentity>(capacity: 1024)

    /// Creates access control from a local map and a token authority.
    public init(
        local: LocalAccessMap, tokens: TokenAuthority, console: ConsoleSessions,
        ownUID: UInt32 = getuid()
    ) {
        self.map = Mutex(local)
        self.tokens = tokens
        self.console = console
        self.ownUID = ownUID
    }

    /// Applies a reloaded `[access]` map to later requests.
    public func replaceLocalMap(_ local: LocalAccessMap) { map.withLock { $0 = local } }

    /// Forgets every remembered check: called (by the write pipeline's observer) after any write to
    /// tokens or responders, before that write is answered.
    public func invalidate() { tokens.memory.invalidate() }

    /// Whether a responder is active, by id or by local user; remembered until responders change.
    private func responderStatus(id: String?, unixUser: String?) async throws -> ResponderStatus? {
        let key = id.map { "id:\($0)" } ?? "user:\(unixUser ?? "")"
        if let known = responders.value(for: key) { return known.status }
        let generation = responders.generation
        let status = try await tokens.store.responderStatus(id: id, unixUser: unixUser)
        responders.store(ResponderLookup(status: status), for: key, ifStill: generation)
        return status
    }

    /// A local user's name and groups: from the password and group databases, remembered for at
    /// most `LocalIdentity.maxAge` and only while `/etc/passwd` and `/etc/group` are unchanged, so
    /// that adding someone to a group counts at once (within two seconds for a directory service).
    private func identity(uid: UInt32, gid: UInt32) -> LocalIdentity {
        let key = UInt64(uid) << 32 | UInt64(gid)
        let stamp = LocalIdentity.filesStamp()
        let now = ContinuousClock.now
        if let known = localUsers.value(for: key), known.filesStamp == stamp, now - known.readAt < LocalIdentity.maxAge
        {
            return known
        }
        let generation = localUsers.generation
        let user = LocalUser.name(uid: uid) ?? "uid-\(uid)"
        let identity = LocalIdentity(
            user: user, groups: LocalUser.groups(user: user, gid: gid), filesStamp: stamp, readAt: now)
        localUsers.store(identity, for: key, ifStill: generation)
        return identity
    }

    /// The principal of a local peer, or `forbidden` when their user and groups have no role or
    /// their user is bound to a deactivated responder.
    func principal(uid: UInt32, gid: UInt32) async throws -> Principal {
        let identity = identity(uid: uid, gid: gid)
        let user = identity.user
        let actor = Actor.unixUser(user)
        // deskd's own user stays an admin: someone must be able to reactivate a responder.
        if uid == ownUID { return Principal(actor: actor, role: .admin) }
        if let responder = try await responderStatus(id: nil, unixUser: user), !responder.active {
            throw DeskError.forbidden(
                "local user \(user) is bound to responder \(responder.id), who is deactivated; an admin reactivates "
                    + "them with `deskctl responder update \(responder.id) --active`")
        }
        let groups = identity.groups
        guard let role = map.withLock({ $0.role(user: user, groups: groups) }) else {
            throw DeskError.forbidden(
                "local user \(user) (uid \(uid)) has no role on this desk; an admin maps users or groups to roles "
                    + "in [access] of deskd.toml")
        }
        return Principal(actor: actor, role: role)
    }

    /// Who a console session's credential stands for now: its token checked again (revoked,
    /// expired, or bound to a deactivated responder: `unauthenticated`), or its local user's role
    /// read again from `[access]` and their groups (none, or a deactivated responder: `forbidden`).
    func principal(of credential: SessionCredential) async throws -> Principal {
        switch credential {
        case .token(let id, let digest): return try await tokens.check(id: id, digest: digest).principal
        case .localPeer(let uid, let gid): return try await principal(uid: uid, gid: gid)
        }
    }

    /// The principal of a TCP request's `Authorization` header.
    func principal(authorization: String?) async throws -> Principal {
        guard let authorization, !authorization.isEmpty else {
            throw DeskError.unauthenticated(
                "send Authorization: Bearer TOKEN (an admin makes one with `deskctl token create`)")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw DeskError.unauthenticated("only Bearer tokens are accepted")
        }
        return try await tokens.authenticate(String(parts[1]).trimmingCharacters(in: .whitespaces))
    }
}

/// A remembered responder lookup (nil: there is no such responder).
struct ResponderLookup: Sendable {
    var status: ResponderStatus?
}

/// A local user's name and groups as read, and when.
struct LocalIdentity: Sendable {
    var user: String
    var groups: [String]
    var filesStamp: [Int]
    var readAt: ContinuousClock.Instant

    /// How long a lookup counts, whatever the files say (a directory service has no file to watch).
    static let maxAge: Duration = .seconds(2)

    /// The modification times and sizes of `/etc/passwd` and `/etc/group`.
    static func filesStamp() -> [Int] {
        ["/etc/passwd", "/etc/group"].flatMap { path -> [Int] in
            var info = stat()
            guard stat(path, &info) == 0 else { return [0, 0, 0] }
            return [Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec), Int(info.st_size)]
        }
    }
}

/// The password and group databases.
enum LocalUser {
    /// The login name of `uid`.
    static func name(uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name
        else { return nil }
        return String(cString: name)
    }

    /// The names of every group `user` is in, with `gid` (the peer's primary group).
    static func groups(user: String, gid: UInt32) -> [String] {
        var count: Int32 = 64
        var ids = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, gid, &ids, &count) < 0 {
            ids = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(user, gid, &ids, &count) >= 0 else { return groupName(gid).map { [$0] } ?? [] }
        }
        var names = Set(ids.prefix(Int(count)).compactMap(groupName))
        if let primary = groupName(gid) { names.insert(primary) }
        return names.sorted()
    }

    private static func groupName(_ gid: gid_t) -> String? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 8192)
        guard getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.gr_name
        else { return nil }
        return String(cString: name)
    }
}
