import DeskCore
import DeskTestSupport
import Foundation
import Testing

@testable import DeskStorage

/// Issue 32: an incident's languages are those of all its reports, kept in `incident.language`
/// and the index `incident_language` on both engines, and `?language=` lists an incident for each
/// of them.
@Suite struct IncidentLanguageTests {
    static let somaliFire =
        "Dab ayaa ka kacay trapphuset Rinkebystråket 12, dad badan ayaa ku xayiran, qiiq badan ayaa jira"
    static let swedishFire = "Brand i trapphuset på Rinkebystråket 12, mycket rök och folk sitter fast"
    static let somaliFear =
        "Carruurtu way baqayaan tan iyo toogashadii, habeenkii ma seexdaan, waxaan u baahanahay caawimo"

    static func listed(_ desk: CorrelatedDesk, _ language: String?) async throws -> [DeskID] {
        try await desk.desk.incidents.incidents(
            IncidentQuery(language: language, page: try PageRequest(limit: 50))
        ).items.map(\.id)
    }

    @Test(arguments: TestEngine.all) func anIncidentIsListedForEachLanguageOfItsReports(
        engine: TestEngine
    )
        async throws
    {
        let desk = try await CorrelatedDesk(engine)
        let swedish = try await desk.report("rinkeby", Self.swedishFire)
        #expect(swedish.incident.languages == ["sv"])
        desk.clock.advance(minutes: 5)
        let somali = try await desk.report("rinkeby", Self.somaliFire)
        #expect(somali.report.classification?.language == "so")
        #expect(somali.incident.id == swedish.incident.id, "the Somali report joins the Swedish one's fire")
        #expect(somali.incident.languages == ["so", "sv"])
        let fear = try await desk.report("bredang", Self.somaliFear)
        #expect(fear.incident.languages == ["so"])
        let mixed = swedish.incident.id

        #expect(try await Self.listed(desk, "so") == [fear.incident.id, mixed])
        #expect(try await Self.listed(desk, "sv") == [mixed])
        #expect(try await Self.listed(desk, "ar").isEmpty)
        #expect(try await Self.listed(desk, nil) == [fear.incident.id, mixed])
        // Stored as the column says, and read back so.
        #expect(try await desk.database.text("SELECT language FROM incident WHERE id = ?", [mixed.rawValue]) == "so sv")
        #expect(try await desk.desk.incidents.incident(mixed.rawValue).incident.languages == ["so", "sv"])
        #expect(try await desk.database.number("SELECT count(*) FROM incident_language") == 3)

        // Split the Somali report off: the fire keeps Swedish only, the new incident is Somali.
        let update = try await desk.desk.split(
            mixed.rawValue, reportID: somali.report.id.rawValue, reason: "another house", actor: .system)
        let splitOff = try #require(update.splitOff)
        #expect(update.incident.languages == ["sv"])
        #expect(splitOff.incident.languages == ["so"])
        #expect(try await Self.listed(desk, "so") == [splitOff.incident.id, fear.incident.id])
        #expect(try await Self.listed(desk, "sv") == [mixed])
        #expect(try await desk.database.text("SELECT language FROM incident WHERE id = ?", [mixed.rawValue]) == "sv")
        #expect(try await desk.database.number("SELECT count(*) FROM incident_language") == 3)
    }

    @Test(arguments: TestEngine.all) func theMigrationGivesExistingIncidentsTheirReportsLanguages(
        engine: TestEngine
    ) async throws {
        let desk = try await CorrelatedDesk(engine)
        let swedish = try await desk.report("rinkeby", Self.swedishFire)
        desk.clock.advance(minutes: 5)
        let somali = try await desk.report("rinkeby", Self.somaliFire)
        #expect(somali.incident.id == swedish.incident.id)
        let fear = try await desk.report("bredang", Self.somaliFear)
        // Back to the schema before the migration: no column, no index, the migration not applied.
        let name = engine == .sqlite ? "v17-incident-language" : "pg-v4-incident-language"
        let ledger = engine == .sqlite ? "grdb_migrations WHERE identifier" : "desk_migration WHERE name"
        try await desk.database.execute("DROP TABLE incident_language")
        try await desk.database.execute("ALTER TABLE incident DROP COLUMN language")
        try await desk.database.execute("DELETE FROM \(ledger) = ?", [name])
        try desk.database.close()

        let reopened = try desk.place.open()
        defer { try? reopened.close() }
        #expect(try reopened.appliedMigrations().contains(name))
        let store = reopened.store
        let page = try PageRequest(limit: 50)
        #expect(
            try await store.incidents(IncidentQuery(language: "so", page: page)).items.map(\.id) == [
                fear.incident.id, swedish.incident.id,
            ])
        #expect(
            try await store.incidents(IncidentQuery(language: "sv", page: page)).items.map(\.id) == [
                swedish.incident.id
            ])
        #expect(try await store.incident(swedish.incident.id)?.languages == ["so", "sv"])
        #expect(try await store.incident(fear.incident.id)?.languages == ["so"])
    }
}
