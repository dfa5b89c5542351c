import DeskCore
import DeskTestSupport
import Foundation
import Testing

@testable import DeskStorage

/// First aid ×2 answering within 5 minutes for `during`; psychosocial ×1 for `after`, with
/// follow-ups at +1 and +3 days that stay with their owner for a week past due.
private let statsPolicy = TriggerPolicy(
    rules: [
        .init(phase: .during, role: .firstAid, count: 2, ackWithin: 300),
        .init(phase: .after, role: .psychosocial, count: 1, ackWithin: 3600, followUps: [86_400, 3 * 86_400]),
    ], followUpGrace: 7 * 86_400)

/// The value at `percent` of `values` between the two nearest, as PostgreSQL's `percentile_cont`:
/// the test's own reference, written the plain way.
private func reference(_ values: [Double], _ percent: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let position = Double(sorted.count - 1) * percent
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
}

/// Three weeks of a desk's history in Bredäng (rosters, call-outs answered, escalated and left
/// unanswered, follow-ups done on time, late and overdue) and Rinkeby (no roster), written through
/// the real commands and timers with a hand-moved clock, then counted by the database.
@Suite struct StatsTests {
    struct History {
        let fixture: DutyFixture
        /// Week labels: the week of `dutyStart` (2026-W47) and the two after it.
        let weeks: [String]
        let incidents: [Incident]
    }

    /// W47: two `during` in Bredäng (call-outs answered after 60, 120, 30 and 240 s), one `before`
    /// in Rinkeby. W48: one `during` in Bredäng whose call-outs nobody answers (escalated down the
    /// chain to unstaffed), one `after` in Bredäng (follow-ups due in W48 and W49). W49: nothing
    /// new; one follow-up done on time, one late.
    static func history(on engine: TestEngine) async throws -> History {
        let fixture = try await DutyFixture(engine: engine, policy: statsPolicy)
        let clock = fixture.clock
        func answer(_ incident: Incident, after seconds: [Double]) async throws {
            let callOuts = try await fixture.callOuts(incident).filter { $0.state.isOpen }
            #expect(callOuts.count == seconds.count)
            let start = clock.now()
            for (callOut, wait) in zip(callOuts, seconds) {
                clock.advance(minutes: (start.addingTimeInterval(wait).timeIntervalSince(clock.now())) / 60)
                try await fixture.desk.acknowledge(
                    callOut.id.rawValue, note: nil, actor: .unixUser("x"), bound: callOut.responderID)
            }
        }
        var incidents: [Incident] = []
        // W47, Friday 13:00.
        incidents.append(try await fixture.report("Skottlossning på torget, två skadade", phase: .during))
        try await fixture.desk.timers.runDueWork()
        try await answer(incidents[0], after: [60, 120])
        clock.advance(minutes: 60)
        incidents.append(try await fixture.report("Bråk utanför skolan, en knivskuren", phase: .during))
        try await fixture.desk.timers.runDueWork()
        try await answer(incidents[1], after: [30, 240])
        incidents.append(
            try await fixture.report("Rykten om hämnd efter helgens bråk", area: "rinkeby", phase: .before))
        // W48, Friday.
        clock.advance(days: 7)
        incidents.append(try await fixture.report("Brand i trapphuset, rök överallt", phase: .during))
        try await fixture.desk.timers.runDueWork()
        for _ in 0..<5 {
            clock.advance(minutes: 5)
            try await fixture.desk.timers.runDueWork()
        }
        #expect(try await fixture.desk.duty.isUnstaffed(incidents[3].id))
        incidents.append(try await fixture.report("Boende är rädda efter branden", phase: .after))
        try await fixture.desk.timers.runDueWork()
        try await answer(incidents[4], after: [600])
        // W49: the +1 day follow-up (due Saturday, W48) is done late, on Monday; the +3 days one
        // (due Monday, 10 minutes before the clock's time of day) is done on time, an hour before.
        clock.advance(minutes: 3 * 1440 - 70)
        let followUps = try await fixture.desk.followUps(FollowUpQuery(incident: incidents[4].id), mine: nil)
        #expect(followUps.count == 2)
        for followUp in followUps {
            try await fixture.desk.complete(
                followUp.id.rawValue, outcome: "called", actor: .unixUser("x"), bound: followUp.ownerID)
        }
        let weeks = ["2026-W47", "2026-W48", "2026-W49"]
        return History(fixture: fixture, weeks: weeks, incidents: incidents)
    }

    @Test(arguments: TestEngine.all) func incidentsPerWeekAreaAndPhase(engine: TestEngine) async throws {
        let history = try await Self.history(on: engine)
        let stats = history.fixture.desk.stats
        let table = try await stats.incidents(StatsPeriod(length: .weeks(4)), by: [.week, .area, .phase])
        #expect(table.weeks.map(\.label) == ["2026-W46"] + history.weeks)
        #expect(table.timeZone == "Europe/Stockholm")
        let counted = table.rows.filter { $0.incidents > 0 }.map {
            "\($0.key.week ?? "") \($0.key.area ?? "") \($0.key.phase?.rawValue ?? "") \($0.incidents)/\($0.unstaffed)"
        }
        #expect(
            counted == [
                "2026-W47 bredang during 2/0", "2026-W47 rinkeby before 1/0", "2026-W48 bredang after 1/0",
                "2026-W48 bredang during 1/1",
            ])
        // Each series has a row for every week of the period, zeros included.
        #expect(table.rows.count == 3 * 4)
        let byWeek = try await stats.incidents(StatsPeriod(length: .weeks(4)), by: [.week])
        #expect(byWeek.rows.map(\.incidents) == [0, 3, 2, 0])
        #expect(byWeek.rows.map(\.unstaffed) == [0, 0, 1, 0])
        let whole = try await stats.incidents(StatsPeriod(length: .days(30)), by: [])
        #expect(whole.rows.map(\.incidents) == [5])
        // A responder of Rinkeby counts Rinkeby only.
        let scoped = try await stats.incidents(StatsPeriod(length: .weeks(4)), by: [.area], areas: ["rinkeby"])
        #expect(scoped.rows.map { "\($0.key.area ?? "") \($0.incidents)" } == ["rinkeby 1"])
        // The weeks before the period count nothing.
        let last = try await stats.incidents(StatsPeriod(length: .weeks(1)), by: [.week])
        #expect(last.rows.map(\.incidents) == [0])
    }

    @Test(arguments: TestEngine.all) func callOutAnswerTimesAndEscalations(engine: TestEngine) async throws {
        let history = try await Self.history(on: engine)
        let stats = history.fixture.desk.stats
        let table = try await stats.callOuts(StatsPeriod(length: .weeks(3)), by: [.week])
        #expect(table.rows.map(\.key.week) == history.weeks)
        let w47 = table.rows[0]
        #expect(w47.callOuts == 4 && w47.acknowledged == 4 && w47.escalated == 0)
        // 30, 60, 120, 240 s: the median halfway between 60 and 120, the 90th percentile 0.7 of
        // the way from 120 to 240.
        #expect(w47.answerMedian == 90)
        #expect(abs((w47.answerP90 ?? 0) - 204) < 1e-9)
        let w48 = table.rows[1]
        #expect(w48.escalated > 0 && w48.expired > 0 && w48.acknowledged == 1)
        #expect(w48.answerMedian == 600 && w48.answerP90 == 600)
        #expect(table.rows[2].callOuts == 0 && table.rows[2].answerMedian == nil)
        // Against the call-outs themselves, counted here the plain way.
        var all: [CallOut] = []
        for incident in history.incidents { all += try await history.fixture.callOuts(incident) }
        let w48CallOuts = all.filter { $0.createdAt >= dutyStart.addingTimeInterval(3 * 86_400) }
        #expect(w48.callOuts == w48CallOuts.count)
        #expect(w48.escalated == w48CallOuts.filter { $0.state == .escalated }.count)
        #expect(w48.expired == w48CallOuts.filter { $0.state == .expired }.count)
        #expect(w48.escalatedShare == Double(w48.escalated) / Double(w48.callOuts))
        // By area and phase over the whole period: the same reference percentiles.
        let byPhase = try await stats.callOuts(StatsPeriod(length: .weeks(3)), by: [.area, .phase])
        for row in byPhase.rows {
            let group = all.filter { callOut in
                history.incidents.first { $0.id == callOut.incidentID }.map { incident in
                    incident.areaID == row.key.area && incident.phase == row.key.phase
                } ?? false
            }
            let answers = group.filter { $0.state == .acknowledged }.map {
                $0.updatedAt.timeIntervalSince($0.createdAt)
            }
            #expect(row.callOuts == group.count)
            #expect(row.answerMedian == reference(answers, 0.5))
            #expect(abs((row.answerP90 ?? -1) - (reference(answers, 0.9) ?? -1)) < 1e-9)
        }
        #expect(
            byPhase.rows.map { "\($0.key.area ?? "") \($0.key.phase?.rawValue ?? "")" } == [
                "bredang after", "bredang during",
            ])
    }

    @Test(arguments: TestEngine.all) func followUpsDoneOnTimeLateAndOverdue(engine: TestEngine) async throws {
        let history = try await Self.history(on: engine)
        let desk = history.fixture.desk
        var table = try await desk.stats.followUps(StatsPeriod(length: .weeks(3)), by: [.week])
        #expect(table.rows.map(\.key.week) == history.weeks)
        #expect(table.rows.map(\.due) == [0, 1, 1])
        #expect(table.rows.map(\.doneLate) == [0, 1, 0])
        #expect(table.rows.map(\.doneOnTime) == [0, 0, 1])
        // A second `after` incident: its follow-ups are due Tuesday and Thursday of W49.
        let incident = try await history.fixture.report("Familjen sover inte efter skotten", phase: .after)
        try await desk.timers.runDueWork()
        table = try await desk.stats.followUps(StatsPeriod(length: .weeks(1)), by: [.week, .phase])
        #expect(table.rows.map(\.due) == [3])
        #expect(table.rows.map(\.pending) == [2])
        // Two days on, the first is overdue, the second still pending.
        history.fixture.clock.advance(days: 2)
        table = try await desk.stats.followUps(StatsPeriod(length: .weeks(1)), by: [.week, .area])
        #expect(table.rows.map { [$0.due, $0.doneOnTime, $0.overdue, $0.pending] } == [[3, 1, 1, 1]])
        #expect(table.rows.first?.key.area == "bredang")
        _ = incident
    }

    /// PostgreSQL's own `percentile_cont` over the same call-outs gives what the shared SQL gives.
    @Test(.enabled(if: TestEngine.clusterURL != nil)) func percentilesMatchPostgreSQLsPercentileCont() async throws {
        let history = try await Self.history(on: .postgresql)
        let table = try await history.fixture.desk.stats.callOuts(StatsPeriod(length: .weeks(3)), by: [.week])
        let engine = try history.fixture.database.engine
        let rows = try await engine.read { db in
            try db.rows(
                """
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a) AS median,
                    percentile_cont(0.9) WITHIN GROUP (ORDER BY a) AS p90
                FROM (SELECT EXTRACT(EPOCH FROM (CAST(updated_at AS timestamptz) - CAST(created_at AS timestamptz))) AS a,
                    created_at FROM callout WHERE state = 'acknowledged') x
                GROUP BY created_at < '2026-11-23' ORDER BY created_at < '2026-11-23' DESC
                """
            ).map { row -> [Double?] in [row["median"], row["p90"]] }
        }
        let ours = table.rows.filter { $0.answerMedian != nil }
        #expect(rows.count == ours.count && rows.count == 2)
        for (theirs, mine) in zip(rows, ours) {
            let median = try #require(theirs[0])
            let p90 = try #require(theirs[1])
            #expect(abs(median - (mine.answerMedian ?? 0)) < 1e-6)
            #expect(abs(p90 - (mine.answerP90 ?? 0)) < 1e-6)
        }
    }
}
