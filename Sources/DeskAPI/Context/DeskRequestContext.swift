import DeskCore
import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the connection the request came on.
public struct DeskRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The accepted connection; used for the transport and the peer's identity.
    let channel: any Channel
    /// TCP or the Unix socket.
    public let transport: Transport
    /// Who is asking, once `AccessMiddleware` has authenticated the request.
    public var principal: Principal?
    /// The console session the request came with (its cookie), when it was authenticated so.
    public var consoleSession: ConsoleSessions.Session?
    /// The secret of that session's cookie (the one the page proved), for a live stream's re-checks.
    var consoleSecret: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
        if case .unixDomainSocket = source.channel.localAddress {
            transport = .unix
        } else {
            transport = .tcp
        }
    }

    /// Who is asking: the authenticated principal; before authentication, the peer.
    func actor() async -> Actor {
        if let principal { return principal.actor }
        return await peerActor()
    }

    /// The TCP peer's address ("unknown" off TCP): who connected, before any proxy header is read.
    var peerAddress: String { channel.remoteAddress?.ipAddress ?? "unknown" }

    /// The Unix user behind the socket (peer credentials), or the TCP peer's address.
    func peerActor() async -> Actor {
        switch transport {
        case .unix:
            return await PeerCredentials.actor(of: channel)
        case .tcp, .internalSource, .sms:
            return .tcpPeer(channel.remoteAddress?.ipAddress ?? "unknown")
        }
    }
}
