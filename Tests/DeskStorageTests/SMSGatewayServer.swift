import DeskCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP server on 127.0.0.1 that speaks an SMS gateway's documented send API — 46elks'
/// `POST /a1/sms` or Twilio's `POST /2010-04-01/Accounts/{Sid}/Messages.json`, form-encoded with
/// basic auth — and records every text it is given. Wrong credentials get 401, a wrong path 404,
/// as the providers answer; the test may queue other statuses.
final class SMSGatewayServer: Sendable {
    struct Text: Sendable {
        var path: String
        var authorization: String?
        var contentType: String?
        var fields: [String: String]
    }

    let provider: SMSProvider
    let username: String
    let password: String
    private let state = Mutex<(texts: [Text], statuses: [Int], next: Int)>(([], [], 1))
    private let channel: any Channel
    let port: Int

    init(provider: SMSProvider, username: String = "u0123abc", password: String = "gateway-password") async throws {
        self.provider = provider
        self.username = username
        self.password = password
        let box = Box()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(server: box))
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        self.port = channel.localAddress?.port ?? 0
        box.server = self
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)") ?? URL(fileURLWithPath: "/") }
    /// The texts accepted (2xx) or refused by a queued status; not those refused for auth or path.
    var texts: [Text] { state.withLock { $0.texts } }

    /// Answers the next well-formed sends with these statuses, in order.
    func queue(_ statuses: [Int]) { state.withLock { $0.statuses += statuses } }

    func stop() async throws { try await channel.close() }

    var sendPath: String {
        provider == .elks46 ? "/a1/sms" : "/2010-04-01/Accounts/\(username)/Messages.json"
    }

    /// The status and body the gateway answers a request with.
    fileprivate func answer(
        method: HTTPMethod, path: String, headers: [String: String], body: String
    ) -> (
        Int, String
    ) {
        guard method == .POST, path == sendPath else { return (404, #"{"message":"not found"}"#) }
        let expected = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        guard headers["authorization"] == expected else { return (401, #"{"message":"unauthorized"}"#) }
        let fields = Dictionary(FormEncoding.decode(body), uniquingKeysWith: { $1 })
        return state.withLock { state in
            state.texts.append(
                Text(
                    path: path, authorization: headers["authorization"], contentType: headers["content-type"],
                    fields: fields))
            let status = state.statuses.isEmpty ? 200 : state.statuses.removeFirst()
            guard status == 200 else { return (status, #"{"message":"try later"}"#) }
            let number = state.next
            state.next += 1
            switch provider {
            case .elks46:
                return (200, #"{"status":"created","direction":"outgoing","id":"s\#(number)elks","parts":1}"#)
            case .twilio:
                return (201, #"{"sid":"SM\#(number)twilio","status":"queued"}"#)
            }
        }
    }

    fileprivate final class Box: @unchecked Sendable {
        // Set once, before the first connection can arrive.
        weak var server: SMSGatewayServer?
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: Box
        var head: HTTPRequestHead?
        var body = ""

        init(server: Box) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = ""
            case .body(let buffer):
                body += String(buffer: buffer)
            case .end:
                guard let head else { return }
                let headers = Dictionary(
                    head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
                let (status, json) =
                    server.server?.answer(method: head.method, path: head.uri, headers: headers, body: body)
                    ?? (500, "{}")
                var responseHeaders = HTTPHeaders()
                responseHeaders.add(name: "Content-Type", value: "application/json")
                responseHeaders.add(name: "Content-Length", value: "\(json.utf8.count)")
                let response = HTTPResponseHead(
                    version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
                context.write(wrapOutboundOut(.head(response)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: json)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
