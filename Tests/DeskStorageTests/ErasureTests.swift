import DeskCore
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// Issue 16, items 1 and 2: nothing stops the retention purge for good, and no text outlives an erasure.
@Suite struct ErasureTests {
    static let days = 86_400.0 / 60

    /// A desk erasing incidents closed 30 days ago, with two reports of one fire in one incident.
    struct Fixture {
        let desk: CorrelatedDesk
        let incident: DeskID
        let first: DeskID
        let second: DeskID

        init(_ engine: TestEngine) async throws {
            desk = try await CorrelatedDesk(engine)
            desk.desk.replaceRetention(RetentionPolicy(closedIncidentDays: 30))
            let first = try await desk.report("bredang", "Det brinner i en lägenhet på Bredängsvägen hos Karin")
            let second = try await desk.report("bredang", "Brand i en lägenhet på Bredängsvägen, Karin är ute")
            #expect(second.incident.id == first.incident.id && second.incident.reportCount == 2)
            incident = first.incident.id
            self.first = first.report.id
            self.second = second.report.id
        }

        func close(_ id: DeskID) async throws {
            _ = try await desk.desk.close(id.rawValue, outcome: "Släckt, Karin hos grannen", actor: .system)
        }

        func purge() async throws -> PurgeSummary { try await desk.desk.purge(dryRun: false, actor: .system) }

        /// Runs SQL on the database directly, as someone (or an earlier version) did.
        func execute(_ sql: String, _ arguments: [String?] = []) async throws {
            try await desk.database.execute(sql, arguments)
        }

        func fetch(_ sql: String, _ arguments: [String?]) async throws -> String? {
            try await desk.database.text(sql, arguments)
        }

        func text(of incident: DeskID) async throws -> String {
            let (detail, timeline) = try await desk.desk.incidents.export(incident.rawValue)
            return
                ([detail.incident.title, detail.incident.outcome ?? ""] + detail.reports.map(\.text)
                + timeline.map { $0.data.json }).joined(separator: "\n")
        }
    }

    @Test(arguments: TestEngine.all) func aClosedIncidentCannotBeSplit(engine: TestEngine) async throws {
        let fixture = try await Fixture(engine)
        try await fixture.close(fixture.incident)
        let before = try fixture.desk.database.rowCounts()
        let (desk, id, second) = (fixture.desk.desk, fixture.incident, fixture.second.rawValue)
        await #expect(throws: DeskError.conflict(.incidentClosed(id))) {
            _ = try await desk.split(id.rawValue, reportID: second, reason: "two fires", actor: .system)
        }
        #expect(try fixture.desk.database.rowCounts() == before)
    }

    /// What an earlier version's split of an erased incident left: an erased report in an incident
    /// never erased. Its purge must not abort on the report's immutability trigger, and must not
    /// keep the other incidents from being erased.
    @Test(arguments: TestEngine.all) func anAlreadyErasedReportDoesNotStopThePurge(engine: TestEngine) async throws {
        let fixture = try await Fixture(engine)
        try await fixture.close(fixture.incident)
        fixture.desk.clock.advance(minutes: 31 * Self.days)
        #expect(try await fixture.purge().incidents == [fixture.incident])
        // The old split: a new incident, the erased report moved to it (the trigger allows that).
        let other = try await fixture.desk.report("rinkeby", "Vattnet forsar in i källaren hos Olle")
        try await fixture.execute(
            "UPDATE report SET incident_id = ? WHERE id = ?", [other.incident.id.rawValue, fixture.second.rawValue])
        let third = try await fixture.desk.report("satra", "Ett träd har fallit över vägen vid Olles hus")
        try await fixture.close(other.incident.id)
        try await fixture.close(third.incident.id)
        fixture.desk.clock.advance(minutes: 31 * Self.days)

        let purged = try await fixture.purge()
        #expect(Set(purged.incidents) == [other.incident.id, third.incident.id])
        #expect(try await !fixture.text(of: other.incident.id).contains("Olle"))
        #expect(try await !fixture.text(of: third.incident.id).contains("Olle"))
        #expect(try await fixture.desk.desk.records.verify().intact)
    }

    /// A fault in one incident's erasure (here a trigger the test adds) leaves that incident for the
    /// next purge and erases the others.
    @Test(arguments: TestEngine.all) func oneFailingIncidentDoesNotStopThePurgeOfTheOthers(
        engine: TestEngine
    ) async throws {
        let fixture = try await Fixture(engine)
        let other = try await fixture.desk.report("rinkeby", "Vattnet forsar in i källaren hos Olle")
        try await fixture.close(fixture.incident)
        try await fixture.close(other.incident.id)
        fixture.desk.clock.advance(minutes: 31 * Self.days)
        if engine == .postgresql {
            try await fixture.execute(
                """
                CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'injected fault'; END $$
                """)
            try await fixture.execute(
                """
                CREATE TRIGGER test_refuses_erasure BEFORE UPDATE OF erased_at ON incident FOR EACH ROW
                WHEN (OLD.id = '\(fixture.incident.rawValue)') EXECUTE FUNCTION test_refuse()
                """)
        } else {
            try await fixture.execute(
                """
                CREATE TRIGGER test_refuses_erasure BEFORE UPDATE OF erased_at ON incident
                WHEN OLD.id = '\(fixture.incident.rawValue)' BEGIN SELECT RAISE(ABORT, 'injected fault'); END
                """)
        }
        let purged = try await fixture.purge()
        #expect(purged.incidents == [other.incident.id])
        #expect(try await !fixture.text(of: other.incident.id).contains("Olle"))
        #expect(try await fixture.text(of: fixture.incident).contains("Karin"))
        #expect(try await fixture.desk.desk.records.verify().intact)

        // Once the fault is gone, the next purge erases it.
        try await fixture.execute("DROP TRIGGER test_refuses_erasure" + (engine == .postgresql ? " ON incident" : ""))
        #expect(try await fixture.purge().incidents == [fixture.incident])
        #expect(try await !fixture.text(of: fixture.incident).contains("Karin"))
    }

    @Test(arguments: TestEngine.all) func anErasedIncidentCannotBeReopenedAnnotatedConfirmedOrSplit(
        engine: TestEngine
    ) async throws {
        let fixture = try await Fixture(engine)
        try await fixture.close(fixture.incident)
        fixture.desk.clock.advance(minutes: 31 * Self.days)
        _ = try await fixture.purge()
        let (desk, id, second) = (fixture.desk.desk, fixture.incident.rawValue, fixture.second.rawValue)
        let before = try fixture.desk.database.rowCounts()
        let erased = DeskError.conflict(.incidentErased(fixture.incident))
        await #expect(throws: erased) {
            _ = try await desk.reopen(id, reason: "Karin ringde igen", actor: .system)
        }
        await #expect(throws: erased) {
            _ = try await desk.addNote(to: id, text: "Karin bor nu hos Olle", actor: .system)
        }
        await #expect(throws: erased) {
            _ = try await desk.confirm(id, phase: .during, note: "Karin", actor: .system)
        }
        await #expect(throws: erased) {
            _ = try await desk.split(id, reportID: second, reason: "Karin", actor: .system)
        }
        #expect(try fixture.desk.database.rowCounts() == before)
        #expect(try await !fixture.text(of: fixture.incident).contains("Karin"))
    }

    /// Text an earlier version let in after the erasure (a note, a reopening and a second close) is
    /// erased by the next purge.
    @Test(arguments: TestEngine.all) func textAddedAfterAnErasureIsErasedByTheNextPurge(engine: TestEngine) async throws
    {
        let fixture = try await Fixture(engine)
        try await fixture.close(fixture.incident)
        fixture.desk.clock.advance(minutes: 31 * Self.days)
        _ = try await fixture.purge()
        // As an earlier version allowed: the erasure mark is lifted while the text is added.
        let erasedAt = try await fixture.fetch(
            "SELECT erased_at FROM incident WHERE id = ?", [fixture.incident.rawValue])
        try await fixture.execute("UPDATE incident SET erased_at = NULL WHERE id = ?", [fixture.incident.rawValue])
        let id = fixture.incident.rawValue
        _ = try await fixture.desk.desk.addNote(to: id, text: "Karin bor nu hos Olle", actor: .system)
        _ = try await fixture.desk.desk.reopen(id, reason: "Olle ringde", actor: .system)
        try await fixture.close(fixture.incident)
        try await fixture.execute(
            "UPDATE incident SET erased_at = ? WHERE id = ?", [erasedAt, fixture.incident.rawValue])
        #expect(try await fixture.text(of: fixture.incident).contains("Olle"))
        fixture.desk.clock.advance(minutes: 31 * Self.days)

        #expect(try await fixture.purge().incidents == [fixture.incident])
        let text = try await fixture.text(of: fixture.incident)
        #expect(!text.contains("Olle") && !text.contains("Karin"), "\(text)")
        #expect(try await fixture.desk.desk.records.verify().intact)
        // Nothing is left: the next purge finds nothing.
        #expect(try await fixture.desk.desk.purge(dryRun: true, actor: .system).incidents.isEmpty)
    }

    /// Item 3: the webhook bodies kept in the outbox (the incident's title, the responder's name and
    /// contact) are erased with the incident.
    @Test(arguments: TestEngine.all) func thePurgeErasesTheOutboxCopies(engine: TestEngine) async throws {
        let fixture = try await DutyFixture(engine: engine, policy: firstAidOnly, receivers: ["ops"])
        fixture.desk.replaceRetention(RetentionPolicy(closedIncidentDays: 30))
        let incident = try await fixture.report("Brand hos familjen Andersson på Ålgrytevägen 5", phase: .during)
        try await fixture.desk.timers.runDueWork()
        func bodies() async throws -> [String] {
            try await fixture.database.engine.read { db in
                try db.values(
                    String.self, "SELECT body FROM outbox WHERE incident_id = ? ORDER BY id", [incident.id.rawValue])
            }
        }
        let before = try await bodies()
        #expect(before.count == 2 && before.allSatisfy { $0.contains("Andersson") && $0.contains("+46 70 000") })
        _ = try await fixture.desk.close(incident.id.rawValue, outcome: "Släckt", actor: .system)
        fixture.clock.advance(days: 31)
        #expect(try await fixture.desk.purge(dryRun: false, actor: .system).incidents == [incident.id])
        let after = try await bodies()
        #expect(after.count == 2)
        #expect(
            !after.contains { $0.contains("Andersson") || $0.contains("+46 70 000") || $0.contains("FA1") }, "\(after)")
        // What stays is structured: the kind, the delivery id, the incident id.
        #expect(after.allSatisfy { $0.contains(incident.id.rawValue) && $0.contains("callout.created") })
        #expect(try await fixture.desk.records.verify().intact)
    }

    /// A follow-up still owed when its incident is erased may be escalated and done afterwards (the
    /// person is still checked on); the webhook notice and the outcome written then are erased by the
    /// next purge.
    @Test(arguments: TestEngine.all) func aFollowUpDoneAfterTheErasureIsErasedByTheNextPurge(
        engine: TestEngine
    ) async throws {
        let policy = TriggerPolicy(rules: [
            .init(phase: .during, role: .firstAid, count: 1, ackWithin: 300, followUps: [40 * 86_400])
        ])
        let fixture = try await DutyFixture(engine: engine, policy: policy, receivers: ["ops"])
        fixture.desk.replaceRetention(RetentionPolicy(closedIncidentDays: 30))
        let incident = try await fixture.report("Brand hos familjen Andersson", phase: .during)
        func contacts() async throws -> Int {
            try await fixture.database.number(
                "SELECT count(*) FROM outbox WHERE incident_id = ? AND body LIKE '%+46 70 000%'",
                [incident.id.rawValue]) ?? 0
        }
        try await fixture.desk.timers.runDueWork()
        let followUp = try #require(
            try await fixture.desk.followUps(FollowUpQuery(incident: incident.id), mine: nil).first)
        _ = try await fixture.desk.close(incident.id.rawValue, outcome: "Släckt", actor: .system)
        fixture.clock.advance(days: 31)
        #expect(try await fixture.desk.purge(dryRun: false, actor: .system).incidents == [incident.id])
        #expect(try await contacts() == 0)
        // Overdue: the coordinator gets it, with a webhook notice naming them.
        fixture.clock.advance(days: 11)
        #expect(try await fixture.desk.timers.runDueWork().followUpsEscalated == 1)
        #expect(try await contacts() == 1)
        _ = try await fixture.desk.complete(
            followUp.id.rawValue, outcome: "Karin Andersson mår bättre", actor: .system, bound: followUp.ownerID)
        fixture.clock.advance(days: 1)

        let again = try await fixture.desk.purge(dryRun: false, actor: .system)
        #expect(again.incidents == [incident.id] && again.followUps == 1)
        #expect(try await fixture.desk.duty.followUp(followUp.id)?.outcome == "[erased]")
        #expect(try await contacts() == 0)
        let (_, timeline) = try await fixture.desk.incidents.export(incident.id.rawValue)
        let text = timeline.map { $0.data.json }.joined(separator: "\n")
        #expect(!text.contains("Andersson"), "\(text)")
        #expect(try await fixture.desk.records.verify().intact)
    }
}
