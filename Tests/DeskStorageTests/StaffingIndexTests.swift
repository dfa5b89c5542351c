import DeskCore
import DeskTestSupport
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// The timers find the incidents still to staff through the partial index `incident_to_staff`:
/// an incident enters it when opened or moved to a phase and leaves it when its trigger policy ran,
/// so a desk with many staffed open incidents does not check each of them every run. The status
/// line's count of open incidents is read from an index alone.
@Suite struct StaffingIndexTests {
    @Test(arguments: TestEngine.all) func staffedIncidentsLeaveTheIndexAndAPhaseChangeBringsThemBack(
        engine: TestEngine
    ) async throws {
        let fixture = try await DutyFixture(engine: engine)
        let store = fixture.database.store
        var incidents: [Incident] = []
        for index in 0..<12 {
            incidents.append(try await fixture.report("Brand i trapphuset nummer \(index), rök", phase: .during))
        }
        #expect(try await store.incidentsToStaff(limit: 100).count == 12)
        #expect(try await fixture.desk.timers.runDueWork().incidentsStaffed == 12)
        #expect(try await store.incidentsToStaff(limit: 100).isEmpty)
        if engine == .sqlite { #expect(try indexed(fixture.database.sqlite) == 0) }

        // A phase change: that incident is to staff for its new phase, and only it.
        try await fixture.desk.changePhase(of: incidents[3].id.rawValue, to: .after, reason: "släckt", actor: .system)
        #expect(try await store.incidentsToStaff(limit: 100).map(\.id) == [incidents[3].id])
        #expect(try await fixture.desk.timers.runDueWork().incidentsStaffed == 1)
        #expect(try await store.incidentsToStaff(limit: 100).isEmpty)

        // Back to a phase already staffed once: never staffed twice.
        try await fixture.desk.changePhase(of: incidents[3].id.rawValue, to: .during, reason: "igen", actor: .system)
        #expect(try await store.incidentsToStaff(limit: 100).isEmpty)
        #expect(try await fixture.desk.timers.runDueWork().incidentsStaffed == 0)
    }

    @Test func theQueryReadsThePartialIndex() throws {
        let directory = try TemporaryDirectory()
        let database = try DeskDatabase(path: directory.path + "/deskd.sqlite")
        let plan = try database.pool.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + SQLDeskStore.incidentsToStaffQuery(.sqlite), arguments: [10]
            )
            .map { $0["detail"] as String? ?? "" }
        }
        #expect(plan.contains { $0.contains("incident_to_staff") }, "\(plan)")
    }

    @Test func theOpenIncidentSummaryIsCountedFromAnIndexAlone() throws {
        let directory = try TemporaryDirectory()
        let database = try DeskDatabase(path: directory.path + "/deskd.sqlite")
        let plan = try database.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLDeskStore.openIncidentSummaryQuery)
                .map { $0["detail"] as String? ?? "" }
        }
        #expect(plan.contains { $0.contains("COVERING INDEX incident_open_by_phase") }, "\(plan)")
    }

    /// Open incidents in the partial index whose phase is not staffed: none once all are staffed.
    private func indexed(_ database: DeskDatabase) throws -> Int {
        try database.pool.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM incident WHERE status = 'open' AND staffed_phase IS NOT phase") ?? -1
        }
    }
}
