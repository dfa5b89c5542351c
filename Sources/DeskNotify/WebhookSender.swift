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
/// de-duplication), `X-Desk-Event` (the notice kind) and `X-Desk-Signature: t=UNIX,v1=HEX`, the
/// HMAC-SHA256 with the receiver's secret of `UNIX.DELIVERY_ID.BODY` (the send time in Unix seconds,
/// the delivery id and the exact body): a receiver that checks the time against a tolerance window
/// and the id against those it has seen cannot be fed a captured delivery again later or under
/// another id. Any 2xx is delivered; anything else (another status, a timeout, a refused connection)
/// is a failure the outbox retries.
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

    /// The signature header's value for a delivery sent at `timestamp` (Unix seconds) under `secret`:
    /// `t=TIMESTAMP,v1=HEX`, the HMAC-SHA256 of `TIMESTAMP.DELIVERY_ID.BODY`.
    ///
    /// Example: `signature(body: "{}", deliveryID: "0193…", timestamp: 1795000000, secret: key)`.
    public static func signature(body: String, deliveryID: String, timestamp: Int64, secret: String) -> String {
        let signed = "\(timestamp).\(deliveryID).\(body)"
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(signed.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + Hex.encode(mac)
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
        // Signed at each attempt: a retry carries its own time.
        let timestamp = Int64(Date().timeIntervalSince1970)
        request.headers.add(
            name: "X-Desk-Signature",
            value: Self.signature(
                body: delivery.body, deliveryID: delivery.id.rawValue, timestamp: timestamp, secret: target.secret))
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
