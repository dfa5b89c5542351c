import DeskAPI
import DeskAPIModels
import DeskCore
import DeskTestSupport
import Foundation
import Testing

@testable import DeskStorage

/// Issue 35 (ops): the series the shipped alert rules and dashboard read, scraped from a real
/// `GET /metrics` — readiness, the write queue's limit, call-outs past their answer-by time,
/// unstaffed incidents, the outbox's backlog and the chain check.
@Suite(.serialized) struct OpsMetricsTests {
    /// First aid in Bredäng only (`fa1`), nobody anywhere else and no national duty officer: a
    /// report in Rosengård leaves its incident unstaffed.
    static let policy = TriggerPolicy(
        rules: [.init(phase: .during, role: .firstAid, count: 1, ackWithin: 600, followUps: [])],
        nationalDutyOfficers: [])

    static let roster: Roster = {
        guard let handoff = LocalTime("08:00"), let starts = LocalDate("2026-01-01") else { fatalError("dates") }
        return Roster(
            responders: [
                Responder(
                    id: "fa1", name: "FA1", contact: "+46 70 174 06 51", roles: [.firstAid], areas: ["bredang"])
            ],
            rotations: [
                Rotation(
                    id: "bredang-fa", area: "bredang", role: .firstAid, shiftDays: 1, handoff: handoff,
                    starts: starts, participants: ["fa1"])
            ])
    }()

    static func scrape(_ server: TestServer) async throws -> [String: Double] {
        let response = try await server.send(.unix, .GET, "/metrics")
        #expect(response.status == 200, "\(response.text)")
        return try MetricsTests.samples(response.text)
    }

    @Test func aFreshDeskIsReadyWithEverySeriesTheRulesNameAtZero() async throws {
        try await TestServer.with { server in
            let samples = try await Self.scrape(server)
            #expect(samples["deskd_ready"] == 1)
            #expect(samples["deskd_write_queue_capacity"] == Double(DeskDatabase.defaultWriteQueueCapacity))
            #expect(samples["deskd_writes_waiting"] == 0)
            #expect(samples["deskd_callouts_awaiting_answer"] == 0)
            #expect(samples["deskd_callouts_past_answer_by"] == 0)
            #expect(samples["deskd_open_incidents_unstaffed"] == 0)
            // Counters exist before their first increment, so increase() sees that increment.
            #expect(samples["deskd_incidents_unstaffed_total"] == 0)
            #expect(samples["deskd_callout_transitions_total{to=\"escalated\"}"] == 0)
            #expect(samples["deskd_reports_received_total{transport=\"sms\",phase=\"during\"}"] == 0)
            #expect(samples["deskd_chain_verifications_total{result=\"broken\"}"] == 0)
            // Not verified yet: no time and no result, rather than a result nobody produced.
            #expect(samples["deskd_chain_last_verification_intact"] == nil)
            #expect(samples["deskd_chain_last_verification_timestamp_seconds"] == nil)
        }
    }

    @Test func everyConfiguredReceiverHasItsSeriesAtZeroBeforeItsFirstNotice() throws {
        let metrics = DeskMetrics()
        metrics.expect(receivers: ["duty-webhook", "sms"])
        let samples = try MetricsTests.samples(metrics.text())
        for receiver in ["duty-webhook", "sms"] {
            for outcome in ["delivered", "retry", "gave_up"] {
                let attempts = "deskd_notification_attempts_total{receiver=\"\(receiver)\",outcome=\"\(outcome)\"}"
                #expect(samples[attempts] == 0, "\(attempts)")
            }
            #expect(samples["deskd_outbox_pending{receiver=\"\(receiver)\"}"] == 0)
            #expect(samples["deskd_outbox_oldest_pending_age_seconds{receiver=\"\(receiver)\"}"] == 0)
        }
    }

    @Test func callOutsPastTheirAnswerByTimeUnstaffedIncidentsAndTheOutboxAreCounted() async throws {
        // Whole milliseconds, as the desk stores times: the outbox's ages are then exact.
        let clock = ManualClock(Timestamp.date(milliseconds: Timestamp.milliseconds(Date())))
        try await TestServer.with(policy: Self.policy, clock: clock, textReceiver: "gateway") { server in
            _ = try await server.desk.importRoster(Self.roster, actor: .system)
            for area in ["bredang", "rosengard"] {
                let report = try await server.send(
                    .unix, .POST, "/v1/reports",
                    body: #"{"area": "\#(area)", "text": "Brand i trapphuset, två skadade", "phase": "during"}"#)
                #expect(report.status == 201, "\(report.text)")
            }
            // Staffing (no delivery loop runs here: the outbox keeps what it is given).
            try await server.desk.timers.runDueWork()
            let fresh = try await Self.scrape(server)
            #expect(fresh["deskd_callouts_awaiting_answer"] == 1)
            #expect(fresh["deskd_callouts_past_answer_by"] == 0)
            #expect(fresh["deskd_open_incidents_unstaffed"] == 1)
            #expect(fresh["deskd_incidents_unstaffed_total"] == 1)
            let pending = try #require(fresh["deskd_outbox_pending{receiver=\"gateway\"}"])
            #expect(pending >= 1)
            #expect(fresh["deskd_outbox_oldest_pending_age_seconds{receiver=\"gateway\"}"] == 0)

            // Past the answer-by time, with the escalation timer not run: the call-out waits late.
            clock.advance(seconds: 700)
            let late = try await Self.scrape(server)
            #expect(late["deskd_callouts_awaiting_answer"] == 1)
            #expect(late["deskd_callouts_past_answer_by"] == 1)
            #expect(late["deskd_outbox_oldest_pending_age_seconds{receiver=\"gateway\"}"] == 700)

            // The timer runs: the call-out is moved on, nothing waits late any more.
            try await server.desk.timers.runDueWork()
            let moved = try await Self.scrape(server)
            #expect(moved["deskd_callouts_past_answer_by"] == 0)
            #expect(moved["deskd_callout_transitions_total{to=\"expired\"}"] ?? 0 >= 1, "\(moved)")

            // The outbox emptied (as a delivery loop would): the receiver's gauges go to 0, not stale.
            try server.execute("UPDATE outbox SET state = 'delivered' WHERE state = 'pending'")
            let emptied = try await Self.scrape(server)
            #expect(emptied["deskd_outbox_pending{receiver=\"gateway\"}"] == 0)
            #expect(emptied["deskd_outbox_oldest_pending_age_seconds{receiver=\"gateway\"}"] == 0)
        }
    }

    @Test func everyVerificationIsRecordedAndABrokenChainShowsAsZero() async throws {
        try await TestServer.with { server in
            let report = try await server.send(
                .unix, .POST, "/v1/reports", body: #"{"area": "rinkeby", "text": "Bråk vid torget"}"#)
            #expect(report.status == 201)
            let before = Date().timeIntervalSince1970
            let verified = try await server.send(.unix, .GET, "/v1/verify")
            #expect(verified.status == 200, "\(verified.text)")
            let intact = try await Self.scrape(server)
            #expect(intact["deskd_chain_last_verification_intact"] == 1)
            #expect(intact["deskd_chain_verifications_total{result=\"intact\"}"] == 1)
            #expect((intact["deskd_chain_last_verification_timestamp_seconds"] ?? 0) >= before.rounded(.down))

            try server.tamperTimeline("UPDATE event SET actor = 'unix:mallory' WHERE seq = 1")
            let broken = try await server.send(.unix, .GET, "/v1/verify")
            #expect(broken.status == 200, "\(broken.text)")
            #expect(try broken.json()["intact"] as? Bool == false)
            let after = try await Self.scrape(server)
            #expect(after["deskd_chain_last_verification_intact"] == 0)
            #expect(after["deskd_chain_verifications_total{result=\"broken\"}"] == 1)
            #expect(after["deskd_chain_verifications_total{result=\"intact\"}"] == 1)
        }
    }
}

extension TestServer {
    /// Runs one statement around the desk, as someone with the database's files or psql could.
    func execute(_ sql: String) throws {
        switch database {
        case let sqlite as DeskDatabase: try sqlite.pool.write { db in try db.execute(sql: sql) }
        case let postgres as PostgresDeskDatabase: _ = try postgres.transaction { db in try db.execute(sql, []) }
        default: throw StorageFailure("unknown engine")
        }
    }

    /// Runs `sql` on the timeline around its append-only triggers.
    func tamperTimeline(_ sql: String) throws {
        if database is PostgresDeskDatabase {
            try execute("ALTER TABLE event DISABLE TRIGGER USER")
            try execute(sql)
            try execute("ALTER TABLE event ENABLE TRIGGER USER")
        } else {
            try execute("DROP TRIGGER IF EXISTS event_is_append_only_update; \(sql)")
        }
    }
}
