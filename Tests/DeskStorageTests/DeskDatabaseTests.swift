import DeskCore
import DeskStorage
import DeskTestSupport
import Foundation
import Testing

/// A temporary directory removed when the test ends.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("desk-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

struct TestClock: WallClock {
    func now() -> Date { Date() }
}

let allMigrations = [
    "v1-core", "v2-classification", "v3-timeline-chain", "v4-idempotency", "v5-duty", "v6-access", "v7-retention",
    "v8-idempotent-responses", "v9-one-idempotency-scheme", "v10-indexes-for-timers-and-status", "v11-metrics-role",
    "v12-gateway-message-ids", "v13-inbound-texts", "v14-callout-channels", "v15-reports-by-text",
    "v16-responder-language",
    "v17-incident-language", "v18-stats-indexes", "v19-console-sessions", "v20-stats-rollup",
    "v21-answer-index",
]

let testAreas = [
    Area(id: "bredang", name: "Bredäng", city: "Stockholm", neighbours: ["satra"]),
    Area(id: "satra", name: "Sätra", city: "Stockholm", neighbours: ["bredang"]),
    Area(id: "rinkeby", name: "Rinkeby", city: "Stockholm"),
]

@Suite struct DeskDatabaseTests {
    @Test func migratesAnEmptyDatabaseDurably() throws {
        let directory = try TemporaryDirectory()
        let database = try DeskDatabase(path: directory.path + "/deskd.sqlite")
        #expect(try database.appliedMigrations() == allMigrations)
        #expect(try database.synchronousLevel() == 2)
        #expect(try database.journalMode() == "wal")
        // Every table of the schema is counted, and a new database holds nothing.
        let counts = try database.rowCounts()
        #expect(counts.values.allSatisfy { $0 == 0 }, "\(counts)")
        #expect(
            Set(["area", "incident", "report", "event", "callout", "api_token", "outbox"]).isSubset(of: counts.keys))
        #expect(!counts.keys.contains { $0.hasPrefix("grdb_") || $0.hasPrefix("sqlite_") })
        try database.close()
        // Reopening runs no migration twice and keeps durability.
        let again = try DeskDatabase(path: directory.path + "/deskd.sqlite")
        #expect(try again.appliedMigrations() == allMigrations)
        #expect(try again.synchronousLevel() == 2)
        try again.close()
    }

    @Test func refusesAFileThatIsNotADatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/deskd.sqlite"
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        // Told apart by SQLite's result code (SQLITE_NOTADB), not by the words of its message.
        let failure = #expect(throws: StorageFailure.self) { _ = try DeskDatabase(path: path) }
        #expect(failure?.isDamaged == true, "\(String(describing: failure))")
        // A directory where the file should be is no damage: deskd says what is wrong instead.
        let occupied = directory.path + "/occupied.sqlite"
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: false)
        let other = #expect(throws: (any Error).self) { _ = try DeskDatabase(path: occupied) }
        #expect((other as? StorageFailure)?.isDamaged != true, "\(String(describing: other))")
    }

    @Test func areaSyncAddsUpdatesAndDeactivates() async throws {
        let directory = try TemporaryDirectory()
        let database = try DeskDatabase(path: directory.path + "/deskd.sqlite")
        let first = try database.syncAreas(testAreas)
        #expect(first.added == ["bredang", "rinkeby", "satra"])
        let unchanged = try database.syncAreas(testAreas)
        #expect(unchanged.added.isEmpty && unchanged.updated.isEmpty && unchanged.deactivated.isEmpty)
        var renamed = Array(testAreas.prefix(2))
        renamed[0].name = "Bredäng C"
        let second = try database.syncAreas(renamed)
        #expect(second.updated == ["bredang"])
        #expect(second.deactivated == ["rinkeby"])
        let stored = try await SQLDeskStore(database: database).areas()
        #expect(stored.first { $0.id == "rinkeby" }?.active == false)
        #expect(stored.first { $0.id == "bredang" }?.name == "Bredäng C")
        #expect(stored.first { $0.id == "bredang" }?.neighbours == ["satra"])
        #expect(throws: StorageFailure.self) {
            _ = try database.syncAreas([Area(id: "x", name: "X", city: "C", neighbours: ["nope"])])
        }
        try database.close()
    }
}

@Suite struct SQLDeskStoreTests {
    let directory: TemporaryDirectory
    let database: DeskDatabase
    let desk: Desk

    /// A desk over a fresh database; `correlation` is off unless a test turns it on.
    init(correlation: CorrelationPolicy = CorrelationPolicy(window: 0), clock: any WallClock = TestClock()) async throws
    {
        (directory, database, desk) = try await freshDesk(clock: clock, correlation: correlation)
    }

    @discardableResult
    func report(
        _ area: String = "bredang", _ text: String = "Brand", phase: Phase? = .during
    ) async throws -> ReportReceipt {
        try await desk.submit(ReportFields(area: area, text: text, phase: phase), actor: .unixUser("tester"))
    }

    @Test func aReportIsStoredWithItsIncidentAndNumberedEvents() async throws {
        let receipt = try await report()
        #expect(receipt.events.map(\.kind) == [.reportReceived, .incidentOpened])
        #expect(receipt.events[0].sequence > 0)
        #expect(receipt.events[1].sequence == receipt.events[0].sequence + 1)
        let detail = try await desk.incidents.incident(receipt.incident.id.rawValue)
        #expect(detail.incident == receipt.incident)
        #expect(detail.reports == [receipt.report])
        // Nothing else was written anywhere (the chain head and the key table included, by name),
        // but the trends' roll-up of the new incident: its UTC day and its UTC hour.
        let counts = try database.rowCounts().filter { $0.value > 0 }
        #expect(
            counts == [
                "area": 3, "area_neighbour": 2, "incident": 1, "incident_language": 1, "report": 1, "event": 2,
                "stats_incident_rollup": 2,
            ],
            "\(counts)")
    }

    @Test func aRefusedChangeWritesNothing() async throws {
        let receipt = try await report()
        let before = try database.rowCounts()
        await #expect(throws: DeskError.conflict(.samePhase(receipt.incident.id, .during))) {
            _ = try await desk.changePhase(of: receipt.incident.id.rawValue, to: .during, reason: "x", actor: .system)
        }
        await #expect(throws: DeskError.self) {
            _ = try await desk.addNote(to: receipt.incident.id.rawValue, text: "  ", actor: .system)
        }
        await #expect(throws: DeskError.incidentNotFound("0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c9d")) {
            _ = try await desk.close("0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c9d", outcome: "x", actor: .system)
        }
        #expect(try database.rowCounts() == before)
        #expect(try await desk.incidents.incident(receipt.incident.id.rawValue).incident == receipt.incident)
    }

    @Test func timelineEventsCannotBeUpdatedOrDeleted() async throws {
        try await report()
        let path = database.path
        try database.close()
        // Go around the app: even raw SQL cannot rewrite history.
        for statement in ["UPDATE event SET actor = 'mallory'", "DELETE FROM event", "UPDATE report SET text = 'x'"] {
            let result = try await runSQLite(path, statement)
            #expect(result.status != 0, "\(statement) succeeded")
            #expect(result.output.contains("append-only") || result.output.contains("immutable"), "\(result.output)")
        }
    }

    @Test func listsPageNewestFirstAndFilter() async throws {
        var opened: [DeskID] = []
        for index in 0..<7 {
            opened.append(
                try await report(index.isMultiple(of: 2) ? "bredang" : "rinkeby", "Händelse \(index)").incident.id)
        }
        var seen: [DeskID] = []
        var cursor: PageCursor?
        repeat {
            let page = try await desk.incidents.incidents(
                IncidentQuery(page: try PageRequest(limit: 3, cursor: cursor)))
            #expect(page.items.count <= 3)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == opened.reversed())
        let bredang = try await desk.incidents.incidents(IncidentQuery(area: "bredang", page: try PageRequest()))
        #expect(bredang.items.count == 4)
        #expect(bredang.items.allSatisfy { $0.areaID == "bredang" })
        let future = try await desk.incidents.incidents(
            IncidentQuery(since: Date().addingTimeInterval(60), page: try PageRequest()))
        #expect(future.items.isEmpty)
        _ = try await desk.close(opened[0].rawValue, outcome: "klart", actor: .system)
        let closed = try await desk.incidents.incidents(IncidentQuery(status: .closed, page: try PageRequest()))
        #expect(closed.items.map(\.id) == [opened[0]])
    }

    @Test func theGlobalTimelinePagesInOrder() async throws {
        for index in 0..<4 { try await report("satra", "Rapport \(index)") }
        let first = try await desk.incidents.timeline(since: nil, page: try PageRequest(limit: 5))
        #expect(first.items.count == 5)
        let rest = try await desk.incidents.timeline(
            since: nil, page: try PageRequest(limit: 5, cursor: first.nextCursor))
        #expect(rest.items.count == 3)
        #expect(rest.nextCursor == nil)
        let sequences = (first.items + rest.items).map(\.sequence)
        #expect(sequences == sequences.sorted())
        #expect(Set(sequences).count == 8)
    }
}

/// Runs one statement through python3's sqlite3 module, off the cooperative pool: its exit status and output.
func runSQLite(_ path: String, _ statement: String) async throws -> (status: Int32, output: String) {
    let (status, output) = try await runToEnd(
        "/usr/bin/env",
        [
            "python3", "-c",
            "import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1])\ntry:\n con.execute(sys.argv[2]); con.commit()\nexcept Exception as e:\n print(e); sys.exit(1)",
            path, statement,
        ], mergingStandardError: true)
    return (status, String(decoding: output, as: UTF8.self))
}
