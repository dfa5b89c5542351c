import Foundation

/// Where API tokens are kept (hashes only).
public protocol AccessStore: Sendable {
    /// Stores a new token with its event; `conflict(.tokenExists)` if the name is taken.
    func insertToken(_ token: APIToken, event: TimelineEvent) async throws

    /// The token with this public id, if any.
    func token(id: String) async throws -> APIToken?

    /// Every token, newest first.
    func tokens() async throws -> [APIToken]

    /// Marks the token named `name` revoked at `at`; `notFound` if there is none, a no-op if revoked.
    func revokeToken(name: String, at: Date, event: TimelineEvent) async throws -> APIToken
}
