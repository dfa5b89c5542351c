import DeskCore
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// The timeline's hash chain catches an edited, deleted or reordered event.
@Suite struct TimelineChainTests {
    /// A desk with a few incidents, their events chained.
    static func filledDesk(_ engine: TestEngine = .sqlite) async throws -> CorrelatedDesk {
        let desk = try await CorrelatedDesk(engine)
        for (area, text) in [
            ("bredang", "Det brinner i en bil just nu"), ("rinkeby", "Skottlossning vid torget just nu"),
            ("satra", "Oro efter branden förra veckan"),
        ] {
            let receipt = try await desk.report(area, text)
            _ = try await desk.desk.addNote(to: receipt.incident.id.rawValue, text: "Uppföljning", actor: .system)
        }
        return desk
    }

    /// The hashes are the SHA-256 of the documented texts (vectors from Python's hashlib), so
    /// timelines written by earlier versions keep verifying.
    @Test func hashesAreSHA256OfTheDocumentedText() {
        let content = TimelineChain.contentHash(id: "a", at: "b", incidentID: nil, actor: "c", kind: "d", data: "{}")
        #expect(content == "8c6abf71561c6865e763792a08f1021057936a7b60a2735daecf4b0876f75a78")
        #expect(
            TimelineChain.link(previous: TimelineChain.genesis, content: content)
                == "4e0763cbef1156fc13afeeaf157b29f46bc830540cceae2041c48243ec2ee3a6")
        #expect(
            TimelineChain.contentHash(
                id: "é", at: "2026", incidentID: "inc", actor: "officer", kind: "report.received", data: #"{"k":1}"#)
                == "36b98d8c5b78501c86898ab6dd0c896d8d347a1a81bc7df7259bd50f4695c8a8")
    }

    /// Runs raw SQL around the append-only triggers, as someone with file access could.
    static func tamper(_ desk: CorrelatedDesk, _ sql: String) async throws {
        if desk.place.engine == .postgresql {
            // The table's owner can switch its triggers off, as an administrator with psql could.
            try await desk.database.execute("ALTER TABLE event DISABLE TRIGGER USER")
            try await desk.database.execute(sql)
            try await desk.database.execute("ALTER TABLE event ENABLE TRIGGER USER")
            return
        }
        try await desk.database.sqlite.pool.write { db in
            try db.execute(
                sql: """
                    DROP TRIGGER IF EXISTS event_is_append_only_update;
                    DROP TRIGGER IF EXISTS event_is_append_only_delete;
                    \(sql)
                    """)
        }
    }

    @Test func anUntouchedTimelineVerifies() async throws {
        let desk = try await Self.filledDesk()
        let result = try await desk.desk.records.verify()
        #expect(result.intact)
        #expect(result.events == 9)
        #expect(result.head.count == 64)
        #expect(result.head != TimelineChain.genesis)
    }

    @Test func anEditedEventIsCaught() async throws {
        let desk = try await Self.filledDesk()
        try await Self.tamper(desk, "UPDATE event SET data = '{\"text\":\"Allt lugnt\"}' WHERE seq = 6")
        let result = try await desk.desk.records.verify()
        #expect(result.broken?.sequence == 6)
        #expect(result.broken?.reason.contains("edited") == true)
        #expect(result.events == 5)
    }

    @Test func anEditedEventWithRecomputedContentHashIsCaught() async throws {
        let desk = try await Self.filledDesk()
        try await Self.tamper(desk, "UPDATE event SET actor = 'unix:mallory' WHERE seq = 4")
        let fixed = try await desk.database.sqlite.pool.read { db in
            try EventRecord.fetchOne(db, sql: "SELECT * FROM event WHERE seq = 4").map(TimelineChain.contentHash(of:))
        }
        try await Self.tamper(desk, "UPDATE event SET content_hash = '\(fixed ?? "")' WHERE seq = 4")
        let result = try await desk.desk.records.verify()
        #expect(result.broken?.sequence == 4)
        #expect(result.broken?.reason.contains("chain hash") == true)
    }

    @Test func aDeletedEventIsCaught() async throws {
        let desk = try await Self.filledDesk()
        try await Self.tamper(desk, "DELETE FROM event WHERE seq = 5")
        let result = try await desk.desk.records.verify()
        #expect(result.broken?.sequence == 6)
        #expect(result.broken?.reason.contains("removed") == true)
    }

    @Test func reorderedEventsAreCaught() async throws {
        let desk = try await Self.filledDesk()
        try await Self.tamper(
            desk,
            """
            UPDATE event SET seq = 100 WHERE seq = 2;
            UPDATE event SET seq = 2 WHERE seq = 3;
            UPDATE event SET seq = 3 WHERE seq = 100;
            """)
        let result = try await desk.desk.records.verify()
        #expect(result.broken?.sequence == 2)
    }

    @Test func theV3MigrationChainsEventsWrittenBeforeIt() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/old.sqlite"
        // A database as v2 left it, with events and no chain.
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "v2-classification")
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO area (id, name, city) VALUES ('bredang', 'Bredäng', 'Stockholm')")
            for index in 0..<3 {
                try db.execute(
                    sql: """
                        INSERT INTO event (id, at, incident_id, actor, kind, data)
                        VALUES (?, '2026-11-22T10:00:00.000Z', NULL, 'system', 'note.added', '{}')
                        """,
                    arguments: ["0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c9\(index)"])
            }
        }
        try queue.close()
        let database = try DeskDatabase(path: path)
        let result = try await TimelineChain.verify(reading: database, anchor: nil)
        #expect(result.intact)
        #expect(result.events == 3)
        // The exact head, computed apart (Python's hashlib over the same lines), so that the
        // migration's frozen hashing is pinned whatever TimelineChain becomes.
        #expect(result.head == "643aa05fd0d321a16060522e4becb8b76dc11626cb8cdc26570b64237d6bd100")
        try database.close()
    }
}
