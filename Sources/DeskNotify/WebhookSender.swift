import AsyncHTTPClient
import Crypto
import DeskCore
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Delivers notifications as JSON POSTs to webhook receivers, signed with HMAC-SHA256.
///
/// Each request carries `X-Desk-Delivery` (the delivery id: the same on every retry, for
/// de-duplication), `X-Desk-Event` (the notice kind) and `X-Desk-Signature: sha256=HEX`, the HMAC of
/// the exact body with the receiver's secret. Any 2xx is delivered; anything else (another status,
/// a timeout, a refused connection) is a failure the outbox retries.
public final class WebhookSender: NotificationSender {
    /// One receiver: where to POST and the key to sign with.
    public struct Target: Sendable, Hashable {
        public var name: String
        public var url: URL
        public var secret: String
        public var timeout: TimeInterval

        /// Creates a target.
        public init(name: String, url: URL, secret: String, timeout: TimeInterval) {
            self.name = name
            self.url = url
            self.secret = secret
            self.timeout = timeout
        }
    }

    private let client: HTTPClient
    private let targets: Mutex<[String: Target]>

    /// Creates a sender with its own HTTP client; call `shutdown()` when done.
    public init(targets: [Target]) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(5), read: .seconds(30))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.targets = Mutex(Dictionary(targets.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last }))
    }

    /// Uses reloaded receivers for later attempts.
    public func replaceTargets(_ targets: [Target]) {
        self.targets.withLock { $0 = Dictionary(targets.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last }) }
    }

    /// The signature header's value for `body` under `secret`.
    public static func signature(body: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + Hex.encode(mac)
    }

    public func send(_ delivery: Delivery) async -> DeliveryResult {
        guard let target = targets.withLock({ $0[delivery.receiver] }) else {
            return .failed("receiver \"\(delivery.receiver)\" is not configured (any more)")
        }
        var request = HTTPClientRequest(url: target.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "deskd")
        request.headers.add(name: "X-Desk-Delivery", value: delivery.id.rawValue)
        request.headers.add(name: "X-Desk-Event", value: delivery.kind)
        request.headers.add(name: "X-Desk-Signature", value: Self.signature(body: delivery.body, secret: target.secret))
        request.body = .bytes(ByteBuffer(string: delivery.body))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(target.timeout * 1000)))
            // Read (and drop) a bounded body so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            return (200..<300).contains(status)
                ? .delivered(status: status) : .failed("HTTP \(status) \(response.status.reasonPhrase)")
        } catch {
            return .failed(Self.describe(error))
        }
    }

    /// Closes the HTTP client.
    public func shutdown() async {
        try? await client.shutdown()
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
            return "timed out"
        }
        let text = "\(error)"
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
