/// What a console session was made from, checked again on every request the session makes: a
/// revoked or expired token, a deactivated responder, or a local user who lost their role ends
/// the session at once, and a changed role applies at once.
public enum SessionCredential: Sendable, Hashable {
    /// A pasted API token: its id and the SHA-256 of its secret (never the secret).
    case token(id: String, digest: String)
    /// A local user who asked `deskctl console` for a code over the Unix socket: their uid and
    /// primary gid, mapped to a role by `[access]` and their groups at every request.
    case localPeer(uid: UInt32, gid: UInt32)
}
