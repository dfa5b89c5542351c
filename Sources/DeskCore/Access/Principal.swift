import Foundation

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
