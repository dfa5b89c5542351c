import Foundation

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
