import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP server on 127.0.0.1 that records every request and answers with the statuses the
/// test queues (200 when the queue is empty).
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var headers: [String: String]
        var body: String
    }

    private let state = Mutex<(received: [Received], statuses: [Int])>(([], []))
    private let channel: any Channel
    let port: Int

    init(port: Int = 0) async throws {
        let box = Box()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(receiver: box))
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
        self.port = channel.localAddress?.port ?? 0
        box.receiver = self
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/hook") ?? URL(fileURLWithPath: "/") }
    var received: [Received] { state.withLock { $0.received } }

    /// Answers the next requests with these statuses, in order.
    func queue(_ statuses: [Int]) { state.withLock { $0.statuses += statuses } }

    func stop() async throws { try await channel.close() }

    fileprivate func record(_ request: Received) -> Int {
        state.withLock { state in
            state.received.append(request)
            return state.statuses.isEmpty ? 200 : state.statuses.removeFirst()
        }
    }

    fileprivate final class Box: @unchecked Sendable {
        // Set once, before the first connection can arrive.
        weak var receiver: WebhookReceiver?
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let receiver: Box
        var headers: [String: String] = [:]
        var body = ""

        init(receiver: Box) { self.receiver = receiver }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                headers = Dictionary(head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
                body = ""
            case .body(let buffer):
                body += String(buffer: buffer)
            case .end:
                let status = receiver.receiver?.record(Received(headers: headers, body: body)) ?? 500
                var responseHeaders = HTTPHeaders()
                responseHeaders.add(name: "Content-Length", value: "0")
                let head = HTTPResponseHead(
                    version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
