import DeskAPIModels
import Foundation
import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Counts a listener's open connections.
final class ConnectionCounter: Sendable {
    private let open = Atomic<Int>(0)

    /// Adds one; returns the count with it.
    func opened() -> Int { open.wrappingAdd(1, ordering: .relaxed).newValue }
    func closed() { open.wrappingSubtract(1, ordering: .relaxed) }
}

/// Guards one connection: the first request's head must arrive within `headerTimeout` of the
/// connection opening, each body within `bodyTimeout` of its head, and the next request within
/// `idleTimeout` of a response; too many or too
/// large headers are answered 431 and a connection over the listener's cap 503, each as
/// problem+json, and the connection is closed. Sits after Hummingbird's HTTP/1 codec.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let settings: APISettings
    private let counter: ConnectionCounter
    private var deadline: Scheduled<Void>?
    private var overCap = false
    private var refusing = false
    private var counted = false

    init(settings: APISettings, counter: ConnectionCounter) {
        self.settings = settings
        self.counter = counter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        overCap = counter.opened() > settings.maxConnections
        arm(context, settings.headerTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        if counted { counter.closed() }
        counted = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refusing { return }
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let request):
            if overCap {
                refuse(
                    context, status: .serviceUnavailable, slug: "too-many-connections", title: "Too many connections",
                    detail: "deskd serves at most \(settings.maxConnections) connections at once; try again shortly",
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
        // Between requests a kept-alive connection may idle; the first head of a connection has
        // the (short) header deadline, which is what cuts off clients that trickle bytes.
        if case .end = unwrapOutboundIn(data) { arm(context, settings.idleTimeout) }
        context.write(data, promise: promise)
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
        ]
        if retryAfter { headers[.retryAfter] = "1" }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
