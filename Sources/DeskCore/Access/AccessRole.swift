import Foundation

/// What a principal may do on the desk.
///
/// `viewer` reads; `responder` reads and acts on their own call-outs and follow-ups; `officer`
/// reports and changes incidents; `admin` does everything, including tokens, responders and
/// rotations.
public enum AccessRole: String, Sendable, Codable, CaseIterable, Hashable {
    case viewer, responder, officer, admin

    /// Every role, comma-separated, for error messages.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}

/// Who made a request: the actor recorded on the timeline, their role, and the responder they
/// are (a local user bound to a responder, or a token made for one).
public struct Principal: Sendable, Hashable {
    public var actor: Actor
    public var role: AccessRole
    /// The responder this principal is, for "my" call-outs and follow-ups.
    public var responderID: String?

    /// Creates a principal.
    public init(actor: Actor, role: AccessRole, responderID: String? = nil) {
        self.actor = actor
        self.role = role
        self.responderID = responderID
    }
}

/// Which local users and groups (the Unix socket's peer credentials) get which role.
public struct LocalAccessMap: Sendable, Hashable {
    public var users: [String: AccessRole]
    public var groups: [String: AccessRole]

    /// Creates a map.
    public init(users: [String: AccessRole] = ["root": .admin], groups: [String: AccessRole] = [:]) {
        self.users = users
        self.groups = groups
    }

    /// The role of a local user: their own entry first, else the highest role of their groups.
    public func role(user: String, groups memberOf: [String]) -> AccessRole? {
        if let role = users[user] { return role }
        let roles = memberOf.compactMap { groups[$0] }
        return AccessRole.allCases.last { roles.contains($0) }
    }
}

/// An API token for TCP clients. Only a hash of its secret is kept.
public struct APIToken: Sendable, Hashable {
    /// The public part of the token, used to find it (8 hex digits).
    public var id: String
    public var name: String
    public var role: AccessRole
    public var responderID: String?
    /// SHA-256 of the secret, hex.
    public var secretHash: String
    public var createdAt: Date
    public var createdBy: String
    public var expiresAt: Date?
    public var revokedAt: Date?

    /// Creates a token record.
    public init(
        id: String, name: String, role: AccessRole, responderID: String?, secretHash: String, createdAt: Date,
        createdBy: String, expiresAt: Date?, revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.responderID = responderID
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// Usable at `instant`: not revoked, not expired.
    public func isValid(at instant: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { instant < $0 } ?? true)
    }

    /// Token names: 1-64 letters, digits, `.`, `_` or `-`.
    public static func isValidName(_ name: String) -> Bool {
        Roster.isValidKey(name.replacingOccurrences(of: ".", with: "_"))
    }
}
