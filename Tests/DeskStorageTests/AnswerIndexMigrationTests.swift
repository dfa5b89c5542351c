import DeskCore
import Foundation
import GRDB
import Logging
import Testing

@testable import DeskStorage

/// `v21-answer-index` (`pg-v8-answer-index`) on a desk an earlier deskd left at v20 (`pg-v7`):
/// the answers already stored get their incident's phase, the index is made anew by area, phase
/// and time, and from then on the triggers keep the phase as the incident's phase changes and as
/// call-outs are acknowledged.
@Suite struct AnswerIndexMigrationTests {
    /// An area, a responder, an incident in `during` and three call-outs: one acknowledged after
    /// 90 s, one pending, one declined.
    private static let rows = [
        "INSERT INTO area (id, name, city) VALUES ('bredang', 'Bredäng', 'Stockholm')",
        """
        INSERT INTO responder (id, name, contact, roles, areas)
        VALUES ('fa1', 'FA1', '+46701000001', '["first_aid"]', '["bredang"]')
        """,
        """
        INSERT INTO responder (id, name, contact, roles, areas)
        VALUES ('fa2', 'FA2', '+46701000002', '["first_aid"]', '["bredang"]')
        """,
        """
        INSERT INTO responder (id, name, contact, roles, areas)
        VALUES ('ps1', 'PS1', '+46701000003', '["psychosocial"]', '["bredang"]')
        """,
        """
        INSERT INTO incident (id, area_id, title, phase, status, opened_at, updated_at, report_count, last_report_at)
        VALUES ('\(incident)', 'bredang', 'Brand', 'during', 'open', '2026-12-01T10:00:00.000Z',
            '2026-12-01T10:00:00.000Z', 1, '2026-12-01T10:00:00.000Z')
        """,
        callOut(1, responder: "fa1", state: "acknowledged", updated: "2026-12-01T10:02:30.000Z"),
        callOut(2, responder: "fa2", state: "pending", updated: "2026-12-01T10:01:00.000Z"),
        callOut(3, responder: "ps1", state: "declined", updated: "2026-12-01T10:03:00.000Z"),
    ]

    private static let incident = "0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c90"

    private static func id(_ number: Int) -> String { "0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8ca\(number)" }

    private static func callOut(_ number: Int, responder: String, state: String, updated: String) -> String {
        """
        INSERT INTO callout (id, incident_id, area_id, role, responder_id, state, step, source, created_at,
            updated_at, due_at, ack_seconds)
        VALUES ('\(id(number))', '\(incident)', 'bredang', 'first_aid', '\(responder)', '\(state)', 0, 'policy',
            '2026-12-01T10:01:00.000Z', '\(updated)', '2026-12-01T10:11:00.000Z', 600)
        """
    }

    /// Each call-out's answer: `id answer_ms answer_phase`, NULL as `-`.
    private static func answers(_ database: any DeskStorageBackend) async throws -> [String] {
        try await database.engine.read { db in
            try db.values(
                String.self,
                """
                SELECT substr(id, 36) || ' ' || coalesce(CAST(answer_ms AS TEXT), '-') || ' '
                    || coalesce(answer_phase, '-') FROM callout ORDER BY id
                """)
        }
    }

    @Test(arguments: TestEngine.all) func v21GivesStoredAnswersTheirPhaseAndKeepsItFromThenOn(
        engine: TestEngine
    ) async throws {
        let place = try TestDatabasePlace.fresh(engine)
        if let url = place.postgresURL {
            let db = PostgresSQLConnection(url: url, password: nil, logger: Logger(label: "test.postgres"))
            defer { db.close() }
            #expect(try PostgresMigrations.migrate(db, upTo: "pg-v7-stats-rollup").last == "pg-v7-stats-rollup")
            try db.transaction { db in for statement in Self.rows { try db.execute(statement, []) } }
            #expect(throws: StorageFailure.self) { try PostgresMigrations.migrate(db, upTo: "pg-v99") }
        } else {
            let queue = try DatabaseQueue(path: place.directory.path + "/deskd.sqlite")
            try Migrations.migrator.migrate(queue, upTo: "v20-stats-rollup")
            try await queue.write { db in for statement in Self.rows { try db.execute(sql: statement) } }
            try queue.close()
        }

        let database = try place.open()
        defer { try? database.close() }
        // The acknowledged call-out's answer (90 s) has its incident's phase; the others none.
        #expect(try await Self.answers(database) == ["1 90000 during", "2 - -", "3 - -"])
        // The indexes are by area, phase and time and by phase and time.
        func columns(_ index: String) async throws -> String? {
            try await database.text(
                engine == .sqlite
                    ? "SELECT '(' || group_concat(name, ', ') || ')' FROM pragma_index_info(?)"
                    : "SELECT indexdef FROM pg_indexes WHERE indexname = ?", [index])
        }
        #expect(try await columns("callout_answers")?.contains("(area_id, answer_phase, created_at, answer_ms") == true)
        #expect(try await columns("callout_answers_by_phase")?.contains("(answer_phase, created_at, answer_ms") == true)

        // The incident moves to `after`: its answer moves with it. The pending call-out is then
        // acknowledged after 4 minutes: its answer has the phase the incident has now.
        try await database.execute("UPDATE incident SET phase = 'after' WHERE id = ?", [Self.incident])
        try await database.execute(
            "UPDATE callout SET state = 'acknowledged', updated_at = '2026-12-01T10:05:00.000Z' WHERE id = ?",
            [Self.id(2)])
        #expect(try await Self.answers(database) == ["1 90000 after", "2 240000 after", "3 - -"])

        let query = StatsQuery(
            weeks: [
                StatsWeek(
                    label: "2026-W49", starts: try #require(Timestamp.parse("2026-11-30T00:00:00.000Z")),
                    ends: try #require(Timestamp.parse("2026-12-07T00:00:00.000Z")))
            ], dimensions: [.week, .phase], areas: nil, now: try #require(Timestamp.parse("2026-12-02T00:00:00.000Z")))
        let answers = try await database.engine.read { db in try StatsAnswerQueries.answers(query, in: db) }
        #expect(answers == [StatsKey(week: "2026-W49", phase: .after): AnswerPercentiles(median: 165, p90: 225)])
    }
}
