import Foundation

/// Stores a new API token (its hash; the secret is made and shown by `TokenAuthority`).
public struct CreateToken: DeskCommand {
    public static let policy = CommandPolicy.admins
    public let token: APIToken

    /// Stores `token`; its `createdAt` and `createdBy` are set when it runs.
    public init(_ token: APIToken) { self.token = token }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> APIToken {
        if try transaction.token(named: token.name) != nil { throw DeskError.conflict(.tokenExists(token.name)) }
        if let responder = token.responderID, try transaction.roster().responder(responder) == nil {
            throw DeskError.invalid([
                FieldIssue(pointer: "/responder", detail: "no responder \"\(responder.clipped(40))\" on the roster")
            ])
        }
        var stored = token
        stored.createdAt = context.now
        stored.createdBy = context.principal.actor.rawValue
        try transaction.insert(stored)
        try transaction.append([
            context.stamp.event(
                .tokenCreated, incident: nil,
                data: [
                    "name": .string(token.name), "role": .string(token.role.rawValue),
                    "responder": .optional(token.responderID),
                    "expires_at": .optional(token.expiresAt.map(Timestamp.format)),
                ])
        ])
        return stored
    }
}

/// Revokes an API token by name; revoking a revoked one changes nothing.
public struct RevokeToken: DeskCommand {
    public static let policy = CommandPolicy.admins
    public let name: String

    /// Revokes the token named `name`.
    public init(name: String) { self.name = name }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> APIToken {
        guard var token = try transaction.token(named: name) else {
            throw DeskError.notFound(kind: "token", id: name)
        }
        guard token.revokedAt == nil else { return token }
        try transaction.revokeToken(named: name, at: context.now)
        try transaction.append([context.stamp.event(.tokenRevoked, incident: nil, data: ["name": .string(name)])])
        token.revokedAt = context.now
        return token
    }
}
