import DeskAPIModels
import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Counts a listener's open connections.
final class ConnectionCounter: Sendable {
    private let open = Atomic<Int>(0)

    /// Adds one; returns the count with it.
    func opened() -> Int { open.wrappingAdd(1, ordering: .relaxed).newValue }
    func closed() { open.wrappingSubtract(1, ordering: .relaxed) }
}

/// Counts a listener's open connections per peer (a TCP client address, a local uid), and says
/// when a peer's refusal is worth a journal line: once a minute per peer, so a flood costs a line
/// a minute, not one per connection.
final class PeerConnections: Sendable {
    private struct State {
        var open: [String: Int] = [:]
        var lastLogged: [String: ContinuousClock.Instant] = [:]
    }

    private let state = Mutex(State())
    /// How often a refused peer is logged at most.
    static let logInterval: Duration = .seconds(60)

    /// Adds one for `peer`; returns its count with it.
    func opened(_ peer: String) -> Int {
        state.withLock { state in
            state.open[peer, default: 0] += 1
            return state.open[peer, default: 0]
        }
    }

    func closed(_ peer: String) {
        state.withLock { state in
            let left = (state.open[peer] ?? 1) - 1
            state.open[peer] = left > 0 ? left : nil
        }
    }

    /// Whether to log a refusal of `peer` now (and remember that it was).
    func shouldLog(_ peer: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            if let last = state.lastLogged[peer], now - last < Self.logInterval { return false }
            // Bounded: forget who was logged when too many peers were (each is logged again at worst).
            if state.lastLogged.count >= 4096 { state.lastLogged.removeAll() }
            state.lastLogged[peer] = now
            return true
        }
    }
}

/// Guards one connection: the first request's head must arrive within `headerTimeout` of the
/// connection opening, each body within `bodyTimeout` of its head, and the next request within
/// `idleTimeout` of a response; too many or too
/// large headers are answered 431 and a connection over the listener's cap, or over its peer's
/// (`APISettings.maxConnectionsPerPeer`: per client address over TCP, a trusted proxy exempt, per
/// uid on the Unix socket, root and deskd's own user exempt), 503, each as problem+json, and the connection is closed. A
/// request refused 401 or 403 ends its connection too (`Connection: close`): a peer without a
/// role cannot keep connections by being refused. Sits after Hummingbird's HTTP/1 codec.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let settings: APISettings
    private let counter: ConnectionCounter
    private let peers: PeerConnections
    private let logger: Logger
    private var deadline: Scheduled<Void>?
    private var overCap = false
    private var refusing = false
    private var counted = false
    /// The peer this connection is counted for (nil: not counted, e.g. root on the socket).
    private var peer: String?
    private var peerOverCap = false
    /// A 401 or 403 is on its way: close once its end is written.
    private var closeAfterResponse = false

    init(settings: APISettings, counter: ConnectionCounter, peers: PeerConnections, logger: Logger) {
        self.settings = settings
        self.counter = counter
        self.peers = peers
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        overCap = counter.opened() > settings.maxConnections
        countPeer(context)
        // A connection that will be refused gets little time to say what it wants.
        arm(context, overCap || peerOverCap ? min(1, settings.headerTimeout) : settings.headerTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        if counted { counter.closed() }
        counted = false
        if let peer { peers.closed(peer) }
        peer = nil
    }

    /// Counts the connection for its peer: the client address over TCP (not a trusted proxy's,
    /// which carries everyone); over the Unix socket the uid (`SO_PEERCRED`), except root's and
    /// deskd's own, which are admins and how an operator gets in when everything else is full.
    private func countPeer(_ context: ChannelHandlerContext) {
        if case .unixDomainSocket = context.channel.localAddress {
            #if os(Linux)
                guard let provider = context.channel as? any SocketOptionProvider else { return }
                let credentials: EventLoopFuture<PeerCredentials.Credentials> = provider.unsafeGetSocketOption(
                    level: .socket, name: NIOBSDSocket.Option(rawValue: SO_PEERCRED))
                // Completes at once: this runs on the channel's event loop.
                credentials.assumeIsolated().whenSuccess { credentials in
                    guard credentials.uid != 0, credentials.uid != getuid() else { return }
                    self.count(peer: "local user uid \(credentials.uid)")
                }
            #endif
        } else if let address = context.channel.remoteAddress?.ipAddress,
            !settings.trustedProxies.contains(address)
        {
            // A trusted proxy carries every remote client: its clients have their own allowances.
            count(peer: address)
        }
    }

    private func count(peer: String) {
        self.peer = peer
        peerOverCap = peers.opened(peer) > settings.maxConnectionsPerPeer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refusing { return }
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let request):
            if overCap {
                log(
                    "connection cap reached: \(settings.maxConnections) connections open on this listener "
                        + "([limits] max_connections); further connections are refused with 503", peer: "*")
                refuse(
                    context, status: .serviceUnavailable, slug: "too-many-connections", title: "Too many connections",
                    detail: "deskd serves at most \(settings.maxConnections) connections at once; try again shortly",
                    retryAfter: true)
                return
            }
            if peerOverCap, let peer {
                let cap = settings.maxConnectionsPerPeer
                log(
                    "connection cap reached for \(peer): \(cap) connections open ([limits] "
                        + "max_connections_per_peer); its further connections are refused with 503", peer: peer)
                refuse(
                    context, status: .serviceUnavailable, slug: "too-many-connections", title: "Too many connections",
                    detail: "\(peer) already has \(cap) connections open (at most \(cap) per client); close one, or "
                        + "try again shortly",
                    retryAfter: true)
                return
            }
            let bytes = request.headerFields.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count }
            if request.headerFields.count > settings.maxHeaderCount || bytes > settings.maxHeaderBytes {
                refuse(
                    context, status: .init(code: 431, reasonPhrase: "Request Header Fields Too Large"),
                    slug: "headers-too-large", title: "Request header fields too large",
                    detail:
                        "\(request.headerFields.count) header fields in \(bytes) bytes; at most \(settings.maxHeaderCount) "
                        + "fields in \(settings.maxHeaderBytes) bytes are accepted",
                    retryAfter: false)
                return
            }
            arm(context, settings.bodyTimeout)
        case .end:
            // The whole request is in; the response's end re-arms the clock for the next head.
            deadline?.cancel()
            deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where !refusing && [401, 403].contains(response.status.code):
            // Refused: the answer says so, and the connection ends with it.
            closeAfterResponse = true
            response.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .end where closeAfterResponse:
            deadline?.cancel()
            let written = promise ?? context.eventLoop.makePromise()
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            context.write(data, promise: written)
        case .end:
            // Between requests a kept-alive connection may idle; the first head of a connection has
            // the (short) header deadline, which is what cuts off clients that trickle bytes.
            arm(context, settings.idleTimeout)
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    /// A warning in the journal, at most once a minute for `peer` ("*": the listener's own cap).
    private func log(_ message: @autoclosure () -> String, peer: String) {
        guard peers.shouldLog(peer) else { return }
        logger.warning("\(message())", metadata: ["peer": "\(peer)"])
    }

    /// Closes the connection unless the next step happens within `seconds`.
    private func arm(_ context: ChannelHandlerContext, _ seconds: TimeInterval) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
            channel.close(promise: nil)
        }
    }

    private func refuse(
        _ context: ChannelHandlerContext, status: HTTPResponse.Status, slug: String, title: String, detail: String,
        retryAfter: Bool
    ) {
        refusing = true
        deadline?.cancel()
        let problem = ProblemDetails(
            type: "urn:incident-desk:problem:\(slug)", title: title, status: status.code, detail: detail, instance: nil)
        let body = (try? DeskJSON.encoder().encode(problem)) ?? Data()
        var headers: HTTPFields = [
            .contentType: "application/problem+json", .contentLength: "\(body.count)", .connection: "close",
            .cacheControl: "no-store",
        ]
        if retryAfter { headers[.retryAfter] = "1" }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
