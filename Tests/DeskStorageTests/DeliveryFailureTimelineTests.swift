import DeskCore
import Foundation
import Synchronization
import Testing

@testable import DeskStorage

/// A receiver that never answers must not flood the hash-chained timeline: of a delivery's many
/// failed attempts only the first and the final give-up are events; every attempt is still observed
/// (for the journal and metrics).
@Suite(.serialized) struct DeliveryFailureTimelineTests {
    @Test func onlyTheFirstFailureAndTheGiveUpOfADeliveryReachTheTimeline() async throws {
        let attempts = Mutex<[DeliveryAttempt]>([])
        let fixture = try await DutyFixture(
            policy: firstAidOnly, receivers: ["ops"], attempts: { new in attempts.withLock { $0 += new } })
        let incident = try await fixture.report("Brand i trapphuset, rök överallt", phase: .during)
        try await fixture.desk.timers.runDueWork()
        // The receiver is down for the whole day (WebhookDeliveryTests covers the real HTTP path).
        let sender = DownReceiver()

        // A day of retries (2 s, 4 s, … then every 5 minutes): bounded by the policy, and here by count.
        var rounds = 0
        while rounds < 600 {
            rounds += 1
            _ = try await fixture.desk.timers.deliverDue(using: sender)
            let gaveUp = attempts.withLock { list in
                list.filter { if case .gaveUp = $0.outcome { true } else { false } }
            }
            if gaveUp.count == 2 { break }
            fixture.clock.advance(minutes: 5)
        }
        let observed = attempts.withLock { $0 }
        let perDelivery = Dictionary(grouping: observed, by: \.delivery)
        #expect(perDelivery.count == 2)
        for (_, list) in perDelivery {
            // Hundreds of attempts were made and observed, numbered 1, 2, 3, …
            #expect(list.count > 100)
            #expect(list.map(\.number) == Array(1...list.count))
            #expect(list.dropLast().allSatisfy { if case .willRetry = $0.outcome { true } else { false } })
            #expect({ if case .gaveUp = list.last?.outcome { true } else { false } }())
        }
        // …but the timeline has two failure events per delivery: the first and the give-up.
        let failures = try await fixture.desk.incidents.timeline(
            of: incident.id.rawValue, page: try PageRequest(limit: 500)
        )
        .items.filter { $0.kind == .notificationFailed }
        #expect(failures.count == 4)
        #expect(failures.filter { $0.data["gave_up"] == .bool(true) }.count == 2)
        #expect(failures.filter { $0.data["attempt"] == .int(1) }.count == 2)
        #expect(try await fixture.desk.records.verify().intact)
        #expect(sender.sent.withLock { $0 } == observed.count)
    }
}

/// A receiver that refuses every connection.
private final class DownReceiver: NotificationSender {
    let sent = Mutex(0)
    func send(_ delivery: Delivery) async -> DeliveryResult {
        sent.withLock { $0 += 1 }
        return .failed("connection refused")
    }
}
