import Foundation

/// Where API tokens are kept (hashes only).
public protocol AccessStore: Sendable {
    /// The token with this public id, if any.
    func token(id: String) async throws -> APIToken?

    /// Every token, newest first.
    func tokens() async throws -> [APIToken]

    /// The responder with this id, or bound to this local user, with whether they are active; nil
    /// when there is none.
    func responderStatus(id: String?, unixUser: String?) async throws -> ResponderStatus?
}

/// Whether a responder may act: deactivating one refuses their tokens and console sessions at once.
public struct ResponderStatus: Sendable, Hashable {
    public var id: String
    public var active: Bool

    /// Creates a status.
    public init(id: String, active: Bool) {
        self.id = id
        self.active = active
    }
}
