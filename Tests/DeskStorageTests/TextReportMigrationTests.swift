import DeskCore
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// Issue 33, reports by text: v15 rebuilds `report` (transport `sms`) and `sms_inbound` (outcome
/// `reported`, `report_id`) on a database the previous version made, keeping every row, index,
/// trigger and foreign key.
@Suite struct TextReportMigrationTests {
    static let incidentID = "0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c90"
    static let reportID = "0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c91"

    /// Indexes and triggers on the two tables, with their SQL, and the foreign keys of each.
    static func shape(_ db: Database) throws -> [String] {
        let objects = try Row.fetchAll(
            db,
            sql: """
                SELECT type, name, sql FROM sqlite_master
                WHERE tbl_name IN ('report', 'sms_inbound') AND type IN ('index', 'trigger') AND sql IS NOT NULL
                ORDER BY name
                """
        ).map { "\($0["type"] as String) \($0["name"] as String): \($0["sql"] as String)" }
        var keys: [String] = []
        for table in ["report", "sms_inbound"] {
            keys += try Row.fetchAll(
                db, sql: "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?)", arguments: [table]
            )
            .map { "\(table).\($0["from"] as String) -> \($0["table"] as String).\($0["to"] as String)" }
        }
        return objects + keys.sorted()
    }

    @Test func v15KeepsRowsIndexesTriggersAndForeignKeysAndTakesSMS() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/v14.sqlite"
        // A database as v14 left it: a report, a responder and one of their texts.
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "v14-callout-channels")
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO area (id, name, city) VALUES ('bredang', 'Bredäng', 'Stockholm');
                    INSERT INTO incident (id, area_id, title, phase, status, opened_at, updated_at, report_count,
                        last_report_at)
                    VALUES ('\(Self.incidentID)', 'bredang', 'Brand', 'during', 'open', '2026-12-01T10:00:00.000Z',
                        '2026-12-01T10:00:00.000Z', 1, '2026-12-01T10:00:00.000Z');
                    INSERT INTO report (id, incident_id, area_id, received_at, text, reporter_contact, actor, transport)
                    VALUES ('\(Self.reportID)', '\(Self.incidentID)', 'bredang', '2026-12-01T10:00:00.000Z',
                        'Brand i trapphuset', '070-100 00 01', 'unix:alice', 'unix');
                    INSERT INTO responder (id, name, contact, roles, areas)
                    VALUES ('fa1', 'FA1', '+46701000001', '["first_aid"]', '["bredang"]');
                    INSERT INTO sms_inbound (provider, message_id, sender, responder_id, text, received_at, outcome)
                    VALUES ('46elks', 's1', '+46701000001', 'fa1', 'Hallå?', '2026-12-01T10:01:00.000Z', 'help');
                    """)
        }
        let before = try await queue.read { db in try Self.shape(db) }
        try queue.close()

        let database = try DeskDatabase(path: path)
        #expect(try database.appliedMigrations() == allMigrations)
        try await database.pool.write { db in
            // The rows are as they were.
            let report = try #require(try Row.fetchOne(db, sql: "SELECT * FROM report"))
            #expect(report["id"] as String == Self.reportID)
            #expect(report["text"] as String == "Brand i trapphuset")
            #expect(report["reporter_contact"] as String == "070-100 00 01")
            #expect(report["transport"] as String == "unix")
            let text = try #require(try Row.fetchOne(db, sql: "SELECT * FROM sms_inbound"))
            #expect(text["outcome"] as String == "help")
            #expect(text["text"] as String == "Hallå?")
            #expect((text["report_id"] as String?) == nil)
            // The same indexes, triggers and foreign keys, and one more foreign key: the report a text made.
            let after = try Self.shape(db)
            #expect(Set(before).isSubset(of: Set(after)), "\(Set(before).subtracting(after))")
            #expect(Set(after).subtracting(before) == ["sms_inbound.report_id -> report.id"])
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            // A report may now arrive by text, and a text may have made it; nothing else.
            try db.execute(
                sql: """
                    INSERT INTO report (id, incident_id, area_id, received_at, text, actor, transport)
                    VALUES ('0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c92', '\(Self.incidentID)', 'bredang',
                        '2026-12-01T10:02:00.000Z', 'Två skadade', 'sms:+46701000001', 'sms');
                    INSERT INTO sms_inbound (provider, message_id, sender, responder_id, text, received_at, outcome,
                        report_id)
                    VALUES ('46elks', 's2', '+46701000001', 'fa1', 'Två skadade', '2026-12-01T10:02:00.000Z',
                        'reported', '0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c92');
                    """)
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql: """
                        INSERT INTO report (id, incident_id, area_id, received_at, text, actor, transport)
                        VALUES ('0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c93', '\(Self.incidentID)', 'bredang',
                            '2026-12-01T10:03:00.000Z', 'Duva', 'x', 'pigeon')
                        """)
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql: """
                        INSERT INTO sms_inbound (provider, message_id, sender, responder_id, text, received_at, outcome)
                        VALUES ('46elks', 's3', '+46701000001', 'fa1', 'x', '2026-12-01T10:03:00.000Z', 'shouted')
                        """)
            }
            // The triggers still hold: a report stays as received.
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE report SET text = 'changed' WHERE id = ?", arguments: [Self.reportID])
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "DELETE FROM report WHERE id = ?", arguments: [Self.reportID])
            }
            // And the foreign keys: no report in an unknown incident, no text naming an unknown report.
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql: """
                        INSERT INTO report (id, incident_id, area_id, received_at, text, actor, transport)
                        VALUES ('0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c94', '0193f0a2-7c4e-7a31-8c2d-000000000000',
                            'bredang', '2026-12-01T10:03:00.000Z', 'x', 'x', 'sms')
                        """)
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql: """
                        INSERT INTO sms_inbound (provider, message_id, sender, responder_id, text, received_at, outcome,
                            report_id)
                        VALUES ('46elks', 's4', '+46701000001', 'fa1', 'x', '2026-12-01T10:03:00.000Z', 'reported',
                            '0193f0a2-7c4e-7a31-8c2d-000000000000')
                        """)
            }
        }
        try database.close()
    }
}
