import Crypto
import DeskCore
import DeskNotify
import Foundation
import Testing

@testable import DeskStorage

/// Issue 16, item 11: the signature covers a timestamp and the delivery id with the body, so a
/// captured delivery cannot be replayed later or under another id.
@Suite(.serialized) struct WebhookSignatureTests {
    /// The same secret WebhookDeliveryTests signs with.
    static let secret = "a-receiver-secret-of-32-bytes!!!"

    /// The receiver's check, as the README gives it: parse `t=...,v1=...`, recompute, compare, and
    /// accept only a timestamp within the tolerance.
    static func verify(
        _ headers: [String: String], body: String, now: Date, tolerance: TimeInterval = 300
    ) -> Bool {
        guard let header = headers["x-desk-signature"], let delivery = headers["x-desk-delivery"] else { return false }
        var fields: [String: String] = [:]
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { fields[pair[0]] = pair[1] }
        }
        guard let stamp = fields["t"], let seconds = TimeInterval(stamp), let given = fields["v1"],
            abs(now.timeIntervalSince1970 - seconds) <= tolerance
        else { return false }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(stamp).\(delivery).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined() == given
    }

    @Test func theSignatureCoversTheTimeTheDeliveryIDAndTheBody() async throws {
        let receiver = try await WebhookReceiver()
        let sender = WebhookSender(targets: [.init(name: "ops", url: receiver.url, secret: Self.secret, timeout: 5)])
        let fixture = try await DutyFixture(policy: firstAidOnly, receivers: ["ops"])
        _ = try await fixture.report("Brand i flerfamiljshus, två skadade", phase: .during)
        try await fixture.desk.timers.runDueWork()
        #expect(try await fixture.desk.timers.deliverDue(using: sender) == 2)
        let requests = receiver.received
        #expect(requests.count == 2)
        for request in requests {
            #expect(Self.verify(request.headers, body: request.body, now: Date()), "\(request.headers)")
            // Replayed an hour later, or under another delivery's id, it fails the check.
            #expect(!Self.verify(request.headers, body: request.body, now: Date().addingTimeInterval(3600)))
            var moved = request.headers
            moved["x-desk-delivery"] = requests.first { $0.body != request.body }?.headers["x-desk-delivery"]
            #expect(!Self.verify(moved, body: request.body, now: Date()))
        }
        await sender.shutdown()
        try await receiver.stop()
    }
}
