import Crypto
import DeskCore
import DeskNotify
import DeskTestSupport
import Foundation
import Testing

@testable import DeskStorage

private let secret = "a-receiver-secret-of-32-bytes!!!"

@Suite(.serialized) struct WebhookDeliveryTests {
    private func sender(_ receiver: WebhookReceiver) -> WebhookSender {
        WebhookSender(targets: [.init(name: "ops", url: receiver.url, secret: secret, timeout: 5)])
    }

    @Test func callOutsAreSignedRetriedAndMarkedNotified() async throws {
        let receiver = try await WebhookReceiver()
        let sender = sender(receiver)
        let fixture = try await DutyFixture(policy: firstAidOnly, receivers: ["ops"])
        let incident = try await fixture.report("Brand i flerfamiljshus, två skadade", phase: .during)
        try await fixture.desk.timers.runDueWork()
        // The receiver fails the first attempts with 500.
        receiver.queue([500, 500])
        #expect(try await fixture.desk.timers.deliverDue(using: sender) == 2)
        #expect(try await fixture.callOuts(incident).map(\.state) == [.pending, .pending])
        // Not due again before the back-off (2 s) has passed.
        #expect(try await fixture.desk.timers.deliverDue(using: sender) == 0)
        fixture.clock.advance(minutes: 2.0 / 60)
        #expect(try await fixture.desk.timers.deliverDue(using: sender) == 2)
        #expect(try await fixture.callOuts(incident).map(\.state) == [.notified, .notified])

        let requests = receiver.received
        #expect(requests.count == 4)
        for request in requests {
            let body = request.body
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["x-desk-event"] == "callout.created")
            // The signature's form and check: WebhookSignatureTests.
            #expect(WebhookSignatureTests.verify(request.headers, body: body, now: Date()))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(json["delivery_id"] as? String == request.headers["x-desk-delivery"])
            #expect(json["type"] as? String == "callout.created")
            #expect((json["incident"] as? [String: Any])?["id"] as? String == incident.id.rawValue)
            #expect((json["responder"] as? [String: Any])?["contact"] as? String == "+46 70 000 00 00")
        }
        // A retry sends the same delivery id and body: the receiver can de-duplicate.
        let ids = requests.compactMap { $0.headers["x-desk-delivery"] }
        #expect(Set(ids).count == 2)
        #expect(Set(requests.map(\.body)).count == 2)
        let kinds = try await fixture.kinds(incident)
        #expect(kinds.filter { $0 == "notification.failed" }.count == 2)
        #expect(kinds.filter { $0 == "notification.delivered" }.count == 2)
        #expect(kinds.filter { $0 == "callout.notified" }.count == 2)
        await sender.shutdown()
        try await receiver.stop()
    }

    /// The webhook body is a wire format receivers parse: every member, `null`s included, pinned
    /// here (the body is built by `WebhookNotice`; a change to it changes this test).
    @Test func aCallOutNoticeIsExactlyItsDocumentedBody() async throws {
        let receiver = try await WebhookReceiver()
        let sender = sender(receiver)
        let fixture = try await DutyFixture(policy: firstAidOnly, receivers: ["ops"])
        let incident = try await fixture.report("Brand i flerfamiljshus, två skadade", phase: .during)
        try await fixture.desk.timers.runDueWork()
        #expect(try await fixture.desk.timers.deliverDue(using: sender) == 2)
        let callOuts = try await fixture.callOuts(incident)
        let requests = receiver.received
        #expect(requests.count == 2)
        for request in requests {
            let callOut = try #require(callOuts.first { request.body.contains($0.id.rawValue) })
            let responder = try #require(dutyRoster.responder(callOut.responderID))
            let expected: JSONValue = .object([
                "type": .string("callout.created"), "occurred_at": .string(Timestamp.format(dutyStart)),
                "delivery_id": .string(request.headers["x-desk-delivery"] ?? ""), "receiver": .string("ops"),
                "incident": .object([
                    "id": .string(incident.id.rawValue), "area": .string("bredang"), "title": .string(incident.title),
                    "phase": .string("during"), "category": .optional(incident.category?.rawValue),
                    "severity": .optional(incident.severity),
                ]),
                "callout": .object([
                    "id": .string(callOut.id.rawValue), "role": .string("first_aid"), "step": .int(0),
                    "source": .string(callOut.source), "task": .null,
                    "due_at": .string(Timestamp.format(dutyStart.addingTimeInterval(300))), "escalated_from": .null,
                ]),
                "responder": .object([
                    "id": .string(responder.id), "name": .string(responder.name),
                    "contact": .string(responder.contact),
                ]),
            ])
            #expect(request.body == expected.canonicalText)
        }
        await sender.shutdown()
        try await receiver.stop()
    }

    /// The `incident.unstaffed` body, pinned as the call-out's is: sent once the escalation chain
    /// of a role runs out (each 5 minutes without an answer moves one step down it).
    @Test func anUnstaffedNoticeIsExactlyItsDocumentedBody() async throws {
        let receiver = try await WebhookReceiver()
        let sender = sender(receiver)
        let fixture = try await DutyFixture(policy: firstAidOnly, receivers: ["ops"])
        let incident = try await fixture.report("Brand i trapphuset, rök överallt", phase: .during)
        try await fixture.desk.timers.runDueWork()
        for _ in 0..<3 {
            fixture.clock.advance(minutes: 5)
            try await fixture.desk.timers.runDueWork()
        }
        while try await fixture.desk.timers.deliverDue(using: sender) > 0 {}
        let unstaffed = receiver.received.filter { $0.headers["x-desk-event"] == "incident.unstaffed" }
        #expect(unstaffed.count == 1)
        let request = try #require(unstaffed.first)
        let expected: JSONValue = .object([
            "type": .string("incident.unstaffed"),
            "occurred_at": .string(Timestamp.format(dutyStart.addingTimeInterval(15 * 60))),
            "delivery_id": .string(request.headers["x-desk-delivery"] ?? ""), "receiver": .string("ops"),
            "incident": .object([
                "id": .string(incident.id.rawValue), "area": .string("bredang"), "title": .string(incident.title),
                "phase": .string("during"), "category": .optional(incident.category?.rawValue),
                "severity": .optional(incident.severity),
            ]),
            "roles": .array([.string("first_aid")]),
            "reason": .string("the escalation chain for first_aid in bredang is exhausted"),
        ])
        #expect(request.body == expected.canonicalText)
        await sender.shutdown()
        try await receiver.stop()
    }

    @Test func nothingIsLostWhileTheReceiverAndTheDaemonAreDown() async throws {
        // Below the ephemeral range, where nothing else is given the port while the receiver is down.
        let receiver = try await WebhookReceiver(port: try unusedLoopbackPort())
        let port = receiver.port
        try await receiver.stop()  // the receiver is down from the start
        let first = try await DutyFixture(policy: firstAidOnly, receivers: ["ops"])
        let incident = try await first.report("Skottlossning vid busshållplatsen", phase: .during)
        try await first.desk.timers.runDueWork()
        let down = sender(receiver)
        #expect(try await first.desk.timers.deliverDue(using: down) == 2)
        first.clock.advance(minutes: 5)
        try await first.desk.timers.runDueWork()  // two escalations: two more deliveries
        #expect(try await first.desk.timers.deliverDue(using: down) == 4)
        await down.shutdown()
        try first.database.close()

        // The daemon restarts, the receiver comes back on the same address: every delivery arrives.
        let back = try await WebhookReceiver(port: port)
        let second = try await DutyFixture(policy: firstAidOnly, receivers: ["ops"], reopening: first)
        second.clock.advance(minutes: 10)
        let up = sender(back)
        #expect(try await second.desk.timers.deliverDue(using: up) == 4)
        #expect(try await second.desk.timers.deliverDue(using: up) == 0)
        let kinds = try await second.kinds(incident)
        #expect(kinds.filter { $0 == "callout.created" }.count == 4)
        #expect(kinds.filter { $0 == "notification.delivered" }.count == 4)
        #expect(Set(back.received.compactMap { $0.headers["x-desk-delivery"] }).count == 4)
        // The escalated call-outs are final; the two current ones were notified.
        #expect(try await second.callOuts(incident).map(\.state) == [.escalated, .escalated, .notified, .notified])
        #expect(try await second.desk.records.verify().intact)
        await up.shutdown()
        try await back.stop()
    }
}
