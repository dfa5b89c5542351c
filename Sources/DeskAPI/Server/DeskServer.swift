import DeskCore
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// Builds one Hummingbird application per listener, all serving the same responder.
public enum DeskServer {
    /// The services that serve the API on `listeners`.
    ///
    /// Unix socket paths are prepared first (parent directory created, a stale socket from a
    /// crashed daemon removed; a live one is an error) and set to mode 0660 once bound.
    /// - Parameter onListening: called with each listener as bound (with the real port for port 0).
    public static func services(
        desk: Desk, access: AccessControl, settings: APISettings, listeners: [Listener],
        logger: Logger,
        metrics: DeskMetrics = DeskMetrics(),
        events: EventHub = EventHub(),
        onListening: @escaping @Sendable (Listener) async -> Void = { _ in }
    ) throws -> [any Service] {
        let refusals = RefusalLog(logger: logger)
        let responder = DeskHTTP.responder(
            desk: desk, access: access, settings: settings, metrics: metrics, refusals: refusals,
            events: events)
        let servers = try listeners.map { listener -> any Service in
            let channelConfiguration = Self.channelConfiguration(settings, logger: logger)
            let address: BindAddress
            switch listener {
            case .inherited(let descriptor, _, _):
                return InheritedListenerServer(
                    descriptor: descriptor, responder: responder, configuration: channelConfiguration, logger: logger,
                    onServerRunning: { _ in await onListening(listener) })
            case .tcp(let host, let port):
                address = .hostname(host, port: port)
            case .unix(let path):
                try UnixSocketFile.prepare(path)
                address = .unixDomainSocket(path: path)
            }
            return Application(
                responder: responder,
                server: .http1(configuration: channelConfiguration),
                configuration: ApplicationConfiguration(address: address, serverName: "deskd", backlog: 1024),
                onServerRunning: { channel in
                    switch listener {
                    case .tcp(let host, _):
                        await onListening(.tcp(host: host, port: channel.localAddress?.port ?? 0))
                    case .unix(let path):
                        do {
                            try UnixSocketFile.setMode(path, 0o660)
                        } catch {
                            // Serving with modes nobody chose is worse than not serving: stop this listener.
                            logger.critical("not serving on \(path): \(error)")
                            try? await channel.close()
                            return
                        }
                        await onListening(listener)
                    case .inherited:
                        await onListening(listener)
                    }
                },
                logger: logger
            )
        }
        return servers + [RefusalLog.Flusher(log: refusals)]
    }

    /// HTTP/1 settings of one listener: a connection guard (head and body deadlines, header
    /// limits, the connection caps of the listener and of each peer) and the idle timeout; the
    /// codec's own limits sit above ours as a backstop.
    static func channelConfiguration(_ settings: APISettings, logger: Logger) -> HTTP1Channel.Configuration {
        let counter = ConnectionCounter()
        let peers = PeerConnections()
        var configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                ConnectionGuard(settings: settings, counter: counter, peers: peers, logger: logger)
            ],
            idleTimeout: .milliseconds(Int64(settings.idleTimeout * 1000)))
        configuration.httpDecoder = .init(
            maxHeaderFieldSize: max(settings.maxHeaderBytes * 2, 16_384),
            maxHeaderListSize: max(settings.maxHeaderBytes * 2, 16_384),
            maxHeaderFieldCount: max(settings.maxHeaderCount * 2, 64))
        return configuration
    }
}
