import DeskCore
import DeskTestSupport
import Foundation
import Testing

@testable import DeskStorage

/// `deskd --copy-storage-to`: an SQLite desk with real history — reports, call-outs declined and
/// escalated, follow-ups, notes, a retention purge — moved into an empty PostgreSQL database with
/// every event, hash and id intact; the PostgreSQL desk then carries on from the same chain head.
@Suite(.enabled(if: TestEngine.clusterURL != nil)) struct StorageCopyTests {
    @Test func anSQLiteDeskWithHistoryMovesIntoPostgreSQLIntact() async throws {
        let policy = TriggerPolicy(rules: [
            .init(phase: .during, role: .firstAid, count: 1, ackWithin: 300, followUps: [2 * 86_400])
        ])
        let fixture = try await DutyFixture(engine: .sqlite, policy: policy, receivers: ["ops"])
        let desk = fixture.desk
        desk.replaceRetention(RetentionPolicy(closedIncidentDays: 30))
        let old = try await fixture.report("Brand hos familjen Andersson på Ålgrytevägen 5", phase: .during)
        try await fixture.desk.timers.runDueWork()
        let callOut = try #require(try await fixture.callOuts(old).first)
        _ = try await fixture.desk.decline(callOut.id.rawValue, reason: "Jag känner dem", actor: .unixUser("anna"))
        _ = try await desk.addNote(to: old.id.rawValue, text: "Karin bor hos sin syster", actor: .system)
        _ = try await desk.close(old.id.rawValue, outcome: "Evakuerade", actor: .system)
        fixture.clock.advance(days: 40)
        let open = try await fixture.report("Oro efter branden, barnen sover inte", phase: .after)
        try await fixture.desk.timers.runDueWork()
        #expect(try await desk.purge(dryRun: false, actor: .system).incidents == [old.id])
        let head = try await desk.records.chainHead()
        let sqliteIncidents = try await desk.incidents.incidents(IncidentQuery(page: try PageRequest(limit: 100))).items
        let sqliteCounts = try fixture.database.rowCounts()

        let place = try TestDatabasePlace.fresh(.postgresql)
        let url = try #require(place.postgresURL)
        let report = try await DeskCopy.copySQLite(
            at: fixture.place.directory.path + "/deskd.sqlite", to: url, password: nil)
        #expect(report.timeline.intact && report.timeline.head == head.hash)
        #expect(report.rows["event"] == sqliteCounts["event"] && report.rows["callout"] == sqliteCounts["callout"])

        // The same desk on PostgreSQL: the same incidents, erased as they were, and the chain goes on.
        let database = try place.open()
        let copied = try await makeDesk(database, clock: fixture.clock)
        let pgCounts = try database.rowCounts()
        #expect(pgCounts.filter { $0.value > 0 } == sqliteCounts.filter { $0.value > 0 })
        #expect(
            try await copied.incidents.incidents(IncidentQuery(page: try PageRequest(limit: 100))).items
                == sqliteIncidents)
        #expect(try await copied.incidents.incident(old.id.rawValue).reports[0].text == "[erased]")
        // The trends' roll-up is not copied: the target's triggers build it from the copied rows,
        // and it counts what the SQLite desk's counts.
        let calendar = LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt)
        let current = StatsWeek.containing(fixture.clock.now(), in: calendar)
        let query = StatsQuery(
            weeks: (0..<8).reversed().map { current.moved(by: -$0, in: calendar) },
            dimensions: [.week, .area, .phase], areas: nil, now: fixture.clock.now())
        func figures(_ store: SQLDeskStore) async throws -> [String] {
            try await store.read { db in
                [
                    "\(try StatsRollupQueries.incidents(query, in: db))",
                    "\(try StatsRollupQueries.callOuts(query, in: db))",
                    "\(try StatsRollupQueries.followUps(query, in: db))",
                ]
            }
        }
        let sqliteFigures = try await figures(fixture.database.store)
        #expect(sqliteFigures[0].contains("incidents: 1") && sqliteFigures[1].contains("declined: 1"))
        #expect(try await figures(database.store) == sqliteFigures)
        #expect(try await copied.records.verify(anchor: head).anchor?.onChain == true)
        let next = try await copied.submit(ReportFields(area: "bredang", text: "Ny brand i soprummet just nu"))
        #expect(next.events.first?.sequence == head.sequence + 1)
        #expect(try await copied.records.verify().intact)
        #expect(open.status == .open)

        // A second copy into the same (no longer empty) database is refused and changes nothing.
        await #expect(throws: (any Error).self) {
            _ = try await DeskCopy.copySQLite(
                at: fixture.place.directory.path + "/deskd.sqlite", to: url, password: nil)
        }
        #expect(try database.rowCounts()["report"] == (pgCounts["report"] ?? 0) + 1)
    }
}
