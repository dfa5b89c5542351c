import DeskCore
import HTTPTypes
import Hummingbird

/// How a live stream's principal is checked again while the stream is open (security review
/// 2026-12-06, L2): the way its request was authenticated — the same bearer token, console
/// session or local peer — asked again of `AccessControl`, so a revoked token, an ended session, a
/// deactivated responder or a lost role ends the stream as it would refuse a new request.
struct StreamAccess: Sendable {
    private enum Credential: Sendable {
        case bearer(String?)
        case console(secret: String)
        case local(uid: UInt32, gid: UInt32)
        case unknown
    }

    private let access: AccessControl
    private let credential: Credential

    /// The credential `request` was authenticated with (as `AccessMiddleware` chose it).
    init(_ request: Request, _ context: DeskRequestContext, access: AccessControl) async {
        self.access = access
        switch context.transport {
        case .unix:
            if let peer = await PeerCredentials.credentials(of: context.channel) {
                credential = .local(uid: peer.uid, gid: peer.gid)
            } else {
                credential = .unknown
            }
        case .tcp, .internalSource, .sms:
            let authorization = request.headers[.authorization]
            if authorization == nil, context.consoleSession != nil, let secret = context.consoleSecret {
                credential = .console(secret: secret)
            } else {
                credential = .bearer(authorization)
            }
        }
    }

    /// The principal now; throws `unauthenticated` or `forbidden` when it no longer counts (any other
    /// error, e.g. the database not answering, says nothing about the principal).
    func principal() async throws -> Principal {
        switch credential {
        case .bearer(let authorization):
            return try await access.principal(authorization: authorization)
        case .console(let secret):
            guard let session = try await access.console.session(secret: secret) else {
                throw DeskError.unauthenticated("the console session has ended or expired")
            }
            return try await access.principal(of: session.credential)
        case .local(let uid, let gid):
            return try await access.principal(uid: uid, gid: gid)
        case .unknown:
            throw DeskError.forbidden("the peer's credentials could not be read")
        }
    }

    /// Event kinds after which the principal is checked again at once: a token or a responder
    /// changed (a revocation, a deactivation, a roster import).
    static let recheckKinds = APIEffects.accessKinds
}
