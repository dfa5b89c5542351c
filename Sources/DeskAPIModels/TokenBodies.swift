import DeskCore
import Foundation

/// `POST /v1/tokens`.
public struct TokenRequest: StrictBody, Codable, Sendable, Hashable {
    public var name: String
    public var role: AccessRole
    /// The responder the token's holder is (for `mine` and answering call-outs).
    public var responder: String?
    public var expiresAt: Date?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, role, responder
        case expiresAt = "expires_at"
    }

    /// The members a client may send.
    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]

    /// Creates a request.
    public init(name: String, role: AccessRole, responder: String?, expiresAt: Date?) {
        self.name = name
        self.role = role
        self.responder = responder
        self.expiresAt = expiresAt
    }
}

/// A token as listed: never its secret (`secret` is present once, in the answer that made it).
public struct TokenBody: Codable, Sendable, Hashable {
    public var name: String
    public var role: String
    public var responder: String?
    public var createdAt: Date
    public var createdBy: String
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var secret: String?

    enum CodingKeys: String, CodingKey {
        case name, role, responder, secret
        case createdAt = "created_at"
        case createdBy = "created_by"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
    }

    /// The body of a token, with the secret only when it was just made.
    public init(_ token: APIToken, secret: String? = nil) {
        name = token.name
        role = token.role.rawValue
        responder = token.responderID
        createdAt = token.createdAt
        createdBy = token.createdBy
        expiresAt = token.expiresAt
        revokedAt = token.revokedAt
        self.secret = secret
    }
}
