import AsyncHTTPClient
import DeskCore
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Sends texts (outbox deliveries made by `TextDelivery`) through an SMS gateway's own API: a
/// form-encoded POST with basic auth, exactly as the provider documents it. A 2xx answer is
/// delivered, with the gateway's message id kept; anything else is a failure the outbox retries.
public final class TextSender: NotificationSender {
    private let client: HTTPClient
    private let gateway: Mutex<SMSGateway?>

    /// Creates a sender with its own HTTP client; call `shutdown()` when done.
    public init(gateway: SMSGateway?) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(5), read: .seconds(30))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.gateway = Mutex(gateway)
    }

    /// The receiver name texts are sent as, if a gateway is configured.
    public var name: String? { gateway.withLock { $0?.name } }

    /// Uses a reloaded gateway for later attempts.
    public func replaceGateway(_ gateway: SMSGateway?) { self.gateway.withLock { $0 = gateway } }

    public func send(_ delivery: Delivery) async -> DeliveryResult {
        guard let gateway = gateway.withLock({ $0 }), gateway.name == delivery.receiver else {
            return .failed("SMS receiver \"\(delivery.receiver)\" is not configured (any more)")
        }
        guard let text = Self.text(in: delivery.body) else {
            return .failed("the delivery is not a text (no \"to\" and \"message\")")
        }
        return await send(to: text.to, message: text.message, via: gateway)
    }

    /// Sends one text now, outside the outbox (the answer to an unknown number, which is not stored).
    public func sendNow(to number: PhoneNumber, message: String) async -> DeliveryResult {
        guard let gateway = gateway.withLock({ $0 }) else { return .failed("no SMS receiver is configured") }
        return await send(to: number.e164, message: message, via: gateway)
    }

    private func send(to: String, message: String, via gateway: SMSGateway) async -> DeliveryResult {
        var request = HTTPClientRequest(url: gateway.sendURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Authorization", value: gateway.authorization)
        request.headers.add(name: "User-Agent", value: "deskd")
        request.body = .bytes(ByteBuffer(string: gateway.form(to: to, message: message)))
        do {
            let response = try await client.execute(
                request, timeout: .milliseconds(Int64(gateway.timeout * 1000)))
            let body = try await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                return .failed("HTTP \(status) \(response.status.reasonPhrase)")
            }
            return .delivered(status: status, reference: gateway.messageID(in: Data(body.readableBytesView)))
        } catch {
            if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
                return .failed("timed out")
            }
            let text = "\(error)"
            return .failed(text.count > 200 ? String(text.prefix(200)) + "…" : text)
        }
    }

    /// The number and message of a text delivery's body.
    static func text(in body: String) -> (to: String, message: String)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let to = object["to"] as? String, let message = object["message"] as? String
        else { return nil }
        return (to, message)
    }

    /// Closes the HTTP client.
    public func shutdown() async {
        try? await client.shutdown()
    }
}
