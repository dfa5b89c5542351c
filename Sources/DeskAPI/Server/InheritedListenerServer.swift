import DeskCore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle

/// Serves the API on a listening socket the process inherited (systemd socket activation).
///
/// Hummingbird's `Application` only binds addresses itself, so this builds the same HTTP/1 child
/// channel on a NIO server channel adopted from the descriptor (`ServerBootstrap.bind(_:)`), with
/// the same graceful shutdown: stop accepting, let in-flight requests finish. The socket stays
/// systemd's: closing our channel does not unlink a Unix socket path, and connections that arrive
/// while deskd restarts wait in the kernel's queue.
struct InheritedListenerServer<Responder: HTTPResponder>: Service
where Responder.Context == DeskRequestContext {
    let descriptor: Int32
    let responder: Responder
    let configuration: HTTP1Channel.Configuration
    let logger: Logger
    let onServerRunning: @Sendable (any Channel) async -> Void

    func run() async throws {
        let logger = logger
        let responder = responder
        let child = HTTP1Channel(
            responder: { request, responseWriter, channel in
                let context = DeskRequestContext(
                    source: ApplicationRequestContextSource(channel: channel, logger: logger))
                var response: Response
                do {
                    response = try await responder.respond(to: request, context: context)
                } catch {
                    logger.debug("unrecognised error", metadata: ["error": "\(error)"])
                    response = Response(status: .internalServerError)
                }
                response.headers[.server] = "deskd"
                try await responseWriter.write(response: response.head, body: response.body)
            }, configuration: configuration)
        let group = MultiThreadedEventLoopGroup.singleton
        let quiescing = ServerQuiescingHelper(group: group)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .bind(NIOBSDSocket.Handle(descriptor)) { channel in child.setup(channel: channel, logger: logger) }
        await withGracefulShutdownHandler {
            await onServerRunning(channel.channel)
            await withDiscardingTaskGroup { tasks in
                do {
                    try await channel.executeThenClose { inbound in
                        for try await connection in inbound {
                            tasks.addTask { await child.handle(value: connection, logger: logger) }
                        }
                    }
                } catch {
                    logger.error("accepting on inherited socket failed", metadata: ["error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            let promise = channel.channel.eventLoop.makePromise(of: Void.self)
            quiescing.initiateShutdown(promise: promise)
        }
    }
}
