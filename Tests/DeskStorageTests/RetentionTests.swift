import DeskCore
import Foundation
import GRDB
import Testing

@testable import DeskStorage

@Suite struct RetentionTests {
    @Test(arguments: TestEngine.all) func aPurgeErasesExactlyTheOldClosedIncidentsAndTheChainStillVerifies(
        engine: TestEngine
    ) async throws {
        let fixture = try await DutyFixture(engine: engine, policy: firstAidOnly)
        let desk = fixture.desk
        desk.replaceRetention(RetentionPolicy(closedIncidentDays: 30))
        let officer = Actor.unixUser("officer")
        func report(_ text: String, name: String) async throws -> Incident {
            try await desk.submit(
                ReportFields(
                    area: "bredang", text: text, reporterName: name, reporterContact: "070-174 06 \(name.count)",
                    phase: .during), actor: officer
            ).incident
        }
        // Closed 60 days ago (erased), closed 10 days ago (kept), still open (kept).
        let old = try await report("Brand hos familjen Andersson på Ålgrytevägen 5", name: "Karin Andersson")
        try await fixture.desk.timers.runDueWork()
        let oldCallOut = try #require(try await fixture.callOuts(old).first)
        _ = try await fixture.desk.decline(
            oldCallOut.id.rawValue, reason: "Jag känner familjen Andersson", actor: .unixUser("anna"))
        _ = try await desk.addNote(to: old.id.rawValue, text: "Karin Andersson bor hos sin syster", actor: officer)
        _ = try await desk.close(old.id.rawValue, outcome: "Familjen Andersson evakuerad", actor: officer)
        fixture.clock.advance(days: 50)
        let recent = try await report("Rökutveckling i tvättstugan hos Berg", name: "Per Berg")
        _ = try await desk.close(recent.id.rawValue, outcome: "Släckt av Per Berg", actor: officer)
        let open = try await report("Oro efter branden, grannen Lisa Ek ringer", name: "Lisa Ek")
        fixture.clock.advance(days: 10)

        let dryRun = try await desk.purge(dryRun: true, actor: .system)
        #expect(dryRun.incidents == [old.id])
        #expect(dryRun.reports == 1 && dryRun.events >= 3 && dryRun.callOuts == 1)
        // A dry run changes nothing.
        #expect(try await desk.incidents.incident(old.id.rawValue).reports[0].text.contains("Andersson"))

        let purged = try await desk.purge(dryRun: false, actor: .unixUser("root"))
        #expect(purged.incidents == [old.id] && !purged.dryRun)
        let erased = try await desk.incidents.incident(old.id.rawValue)
        #expect(erased.reports[0].text == "[erased]")
        #expect(erased.reports[0].reporterName == nil)
        #expect(erased.incident.title == "[erased]" && erased.incident.outcome == "[erased]")
        // Classification and counts stay.
        #expect(erased.incident.phase == .during && erased.incident.reportCount == 1)
        #expect(erased.reports[0].classification != nil)
        let (_, timeline) = try await desk.incidents.export(old.id.rawValue)
        let text = timeline.map { $0.data.json }.joined(separator: "\n")
        #expect(!text.contains("Andersson"), "\(text)")
        #expect(timeline.map(\.kind).contains(.noteAdded))
        #expect(try await fixture.desk.duty.callOut(oldCallOut.id)?.reason == "[erased]")
        // The others are untouched.
        #expect(try await desk.incidents.incident(recent.id.rawValue).reports[0].text.contains("Berg"))
        #expect(try await desk.incidents.incident(open.id.rawValue).reports[0].reporterName == "Lisa Ek")
        // The chain verifies, and a second purge finds nothing more.
        #expect(try await desk.records.verify().intact)
        #expect(try await desk.purge(dryRun: true, actor: .system).incidents.isEmpty)
        let purgeEvents = try await desk.incidents.timeline(since: nil, page: try PageRequest(limit: 500)).items
            .filter { $0.kind == .retentionPurged }
        #expect(purgeEvents.count == 1 && purgeEvents[0].actor == .unixUser("root"))

        // Marking another event redacted without a purge listing it breaks verification.
        try await fixture.database.execute(
            """
            UPDATE event SET data = '{}', redacted_at = 'x'
            WHERE seq = (SELECT min(seq) FROM event WHERE incident_id = ?)
            """, [recent.id.rawValue])
        let broken = try await desk.records.verify()
        #expect(broken.broken?.reason.contains("no retention purge lists it") == true)
    }

    @Test(arguments: TestEngine.all) func withoutAPolicyNothingIsErased(engine: TestEngine) async throws {
        let fixture = try await DutyFixture(engine: engine)
        await #expect(throws: DeskError.self) { _ = try await fixture.desk.purge(dryRun: true, actor: .system) }
    }
}
