import DeskCore
import DeskNotify
import DeskTestSupport
import Foundation
import Testing

@testable import DeskStorage

/// Several deskd on one PostgreSQL database (issue 31): each is a desk of its own over its own
/// connections, as two processes are. Their writes take turns in the database, so the timeline
/// stays one chain, a report joins an incident the other instance opened, a due timer step
/// happens once, and a delivery is sent by one of them.
@Suite(.enabled(if: TestEngine.clusterURL != nil)) struct SeveralInstancesTests {
    private static let secret = "a-receiver-secret-of-32-bytes!!!"

    @Test func reportsWrittenThroughTwoDesksAtOnceMakeOneChain() async throws {
        let first = try await DutyFixture(engine: .postgresql)
        let second = try await DutyFixture(reopening: first)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                let fixture = index.isMultiple(of: 2) ? first : second
                let area = index.isMultiple(of: 3) ? "rinkeby" : "bredang"
                group.addTask { _ = try await fixture.report("Oro vid skolan nummer \(index)", area: area) }
            }
            try await group.waitForAll()
        }
        for fixture in [first, second] {
            let verification = try await fixture.desk.records.verify()
            #expect(verification.intact, "\(String(describing: verification.broken))")
            #expect(try await fixture.database.number("SELECT count(*) FROM report") == 24)
            #expect(verification.events == (try await fixture.database.number("SELECT count(*) FROM event")))
        }
    }

    @Test func aReportJoinsTheIncidentTheOtherInstanceOpened() async throws {
        let clock = SteppingClock()
        let correlation = CorrelationPolicy(window: 6 * 3600, minSharedWords: 2)
        let (place, firstDatabase, first) = try await freshDesk(on: .postgresql, clock: clock, correlation: correlation)
        let secondDatabase = try place.open()
        let second = try await makeDesk(secondDatabase, clock: clock, correlation: correlation)
        // The second instance has written in the area before: it knows the area's open incidents.
        _ = try await second.submit(ReportFields(area: "bredang", text: "Fråga om första hjälpen-kurs i höst"))
        let fire = try await first.submit(
            ReportFields(area: "bredang", text: "Det brinner i en lägenhet på Bredängsvägen 20 just nu"))
        clock.advance(minutes: 10)
        let joined = try await second.submit(
            ReportFields(area: "bredang", text: "Rök väller ut från ett fönster, branden sprider sig"))
        #expect(joined.incident.id == fire.incident.id)
        #expect(joined.incident.reportCount == 2)
        #expect(try await secondDatabase.number("SELECT count(*) FROM incident") == 2)
        #expect(try await first.records.verify().intact)
        _ = firstDatabase
    }

    @Test func aDueCallOutIsEscalatedOnceWhateverInstancesRunTheTimers() async throws {
        let first = try await DutyFixture(engine: .postgresql, policy: firstAidOnly)
        let second = try await DutyFixture(policy: firstAidOnly, reopening: first)
        let incident = try await second.report("Brand i flerfamiljshus, två skadade", phase: .during)
        // Both instances staff the new incident at once: it is staffed once.
        async let staffedFirst = first.desk.timers.runDueWork()
        async let staffedSecond = second.desk.timers.runDueWork()
        let staffed = try await [staffedFirst, staffedSecond]
        #expect(staffed.map(\.incidentsStaffed).reduce(0, +) == 1)
        let callOuts = try await first.callOuts(incident)
        #expect(callOuts.count == 2, "\(callOuts.map { ($0.responderID, $0.role, $0.source) })")
        // Nobody answers: both escalate at once, each call-out once.
        first.clock.advance(minutes: 6)
        async let escalatedFirst = first.desk.timers.runDueWork()
        async let escalatedSecond = second.desk.timers.runDueWork()
        let escalated = try await [escalatedFirst, escalatedSecond]
        #expect(escalated.map(\.escalated).reduce(0, +) == 2)
        let kinds = try await first.kinds(incident)
        #expect(kinds.filter { $0 == EventKind.callOutEscalated.rawValue }.count == 2)
        #expect(try await second.desk.records.verify().intact)
    }

    @Test func aDeliveryIsSentByOneInstanceAndLeftToTheOtherWhenTheFirstDies() async throws {
        let receiver = try await WebhookReceiver()
        let sender = WebhookSender(targets: [.init(name: "ops", url: receiver.url, secret: Self.secret, timeout: 5)])
        let first = try await DutyFixture(engine: .postgresql, policy: firstAidOnly, receivers: ["ops"])
        let second = try await DutyFixture(policy: firstAidOnly, receivers: ["ops"], reopening: first)
        let incident = try await first.report("Brand i flerfamiljshus, två skadade", phase: .during)
        try await first.desk.timers.runDueWork()
        async let sentFirst = first.desk.timers.deliverDue(using: sender)
        async let sentSecond = second.desk.timers.deliverDue(using: sender)
        #expect(try await sentFirst + sentSecond == 2)
        #expect(receiver.received.count == 2)
        #expect(Set(receiver.received.compactMap { $0.headers["x-desk-delivery"] }).count == 2)
        #expect(try await first.callOuts(incident).map(\.state) == [.notified, .notified])

        // The next incident's deliveries are claimed by the first instance, which dies before
        // sending them: the second leaves them alone until the claim runs out, then sends each once.
        _ = try await second.report("Skottlossning vid torget, en skadad", area: "bredang", phase: .during)
        try await second.desk.timers.runDueWork()
        let claimed = try await first.database.store.claimDeliveries(
            dueAt: first.clock.now(), limit: 10,
            leaseUntil: first.clock.now().addingTimeInterval(DutyTimers.deliveryLease))
        #expect(claimed.count == 2)
        #expect(try await second.desk.timers.deliverDue(using: sender) == 0)
        first.clock.advance(minutes: DutyTimers.deliveryLease / 60 + 0.1)
        #expect(try await second.desk.timers.deliverDue(using: sender) == 2)
        #expect(receiver.received.count == 4)
        #expect(Set(receiver.received.compactMap { $0.headers["x-desk-delivery"] }).count == 4)
        await sender.shutdown()
        try await receiver.stop()
    }
}
