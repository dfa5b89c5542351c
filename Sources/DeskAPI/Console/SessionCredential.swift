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

extension SessionCredential {
    /// The text form the session store keeps: `token:ID:DIGEST` or `unix:UID:GID`.
    var stored: String {
        switch self {
        case .token(let id, let digest): "token:\(id):\(digest)"
        case .localPeer(let uid, let gid): "unix:\(uid):\(gid)"
        }
    }

    /// Reads `stored`'s form; nil for anything else.
    init?(stored: String) {
        let parts = stored.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { return nil }
        switch parts[0] {
        case "token": self = .token(id: parts[1], digest: parts[2])
        case "unix":
            guard let uid = UInt32(parts[1]), let gid = UInt32(parts[2]) else { return nil }
            self = .localPeer(uid: uid, gid: gid)
        default: return nil
        }
    }
}
