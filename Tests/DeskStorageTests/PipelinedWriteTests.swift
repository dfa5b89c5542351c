import DeskCore
import DeskTestSupport
import Foundation
import Logging
import Testing

@testable import DeskStorage

/// Statements sent without waiting for their answer (`SQLConnection.enqueue`, PostgreSQL's
/// pipelining of a write's inserts), events appended in one statement, and the reads that take
/// no write turn (issue 30): on both engines, a failure among the enqueued statements fails the
/// write that sent them and no other, and nothing of it stays.
@Suite struct PipelinedWriteTests {
    private static func scratch(on engine: TestEngine) async throws -> (TestDatabasePlace, any DeskStorageBackend) {
        let place = try TestDatabasePlace.fresh(engine)
        let database = try place.open()
        try await database.execute("CREATE TABLE scratch (n INTEGER NOT NULL UNIQUE, note TEXT NOT NULL)")
        return (place, database)
    }

    /// Writes `n` (and a second row) through the group-commit writer with `enqueue`; `n` already
    /// taken makes the first insert fail, on the server, after the write's work returned.
    private static func enqueueing(_ n: Int, into database: any DeskStorageBackend) async throws -> Int {
        try await database.engine.write { db in
            try db.enqueue("INSERT INTO scratch (n, note) VALUES (?, ?)", [n, "first"])
            try db.enqueue("INSERT INTO scratch (n, note) VALUES (?, ?)", [n + 1000, "second"])
            return n
        }
    }

    @Test(arguments: TestEngine.all)
    func anEnqueuedInsertThatFailsFailsItsOwnWriteAndNoOther(_ engine: TestEngine) async throws {
        let (place, database) = try await Self.scratch(on: engine)
        defer { _ = place }
        // Taken before: the writes of odd numbers below collide with these.
        for n in stride(from: 1, to: 40, by: 2) {
            try await database.execute("INSERT INTO scratch (n, note) VALUES (?, 'before')", [n])
        }
        // Forty writes at once share batches: every odd one must fail, every even one succeed.
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 0..<40 {
                group.addTask { (n, (try? await Self.enqueueing(n, into: database)) == n) }
            }
            var outcomes: [Int: Bool] = [:]
            for await (n, succeeded) in group { outcomes[n] = succeeded }
            return outcomes
        }
        for n in 0..<40 {
            #expect(outcomes[n] == n.isMultiple(of: 2), "write \(n)")
        }
        // The failed writes left nothing, not even their second row; the others left both.
        #expect(try await database.number("SELECT count(*) FROM scratch WHERE note = 'second'") == 20)
        #expect(try await database.number("SELECT count(*) FROM scratch WHERE note = 'first'") == 20)
        #expect(try await database.number("SELECT count(*) FROM scratch WHERE n >= 1000 AND n % 2 = 1") == 0)
        #expect(try await database.number("SELECT count(*) FROM scratch WHERE note = 'before'") == 20)
    }

    @Test(arguments: TestEngine.all)
    func aWriteReadsWhatItEnqueuedAndAnInsertCarriesIt(_ engine: TestEngine) async throws {
        let (place, database) = try await Self.scratch(on: engine)
        defer { _ = place }
        let (seen, returned) = try await database.engine.write { db -> (Int, [Int]) in
            try db.enqueue("INSERT INTO scratch (n, note) VALUES (?, ?)", [1, "held"])
            try db.enqueue("INSERT INTO scratch (n, note) VALUES (?, ?)", [2, "held"])
            // A read after them sees them (they are sent first).
            let seen = try db.value(Int.self, "SELECT count(*) FROM scratch") ?? -1
            try db.enqueue("INSERT INTO scratch (n, note) VALUES (?, ?)", [3, "held"])
            // An insert returning rows carries the one held before it, in one statement.
            let returned = try db.values(
                Int.self, "INSERT INTO scratch (n, note) VALUES (?, ?), (?, ?) RETURNING n",
                [4, "carrier", 5, "carrier"])
            return (seen, returned.sorted())
        }
        #expect(seen == 2)
        #expect(returned == [4, 5])
        #expect(try await database.number("SELECT count(*) FROM scratch") == 5)
        // A carrier whose held insert fails fails as a whole, in its own write only.
        await #expect(throws: (any Error).self) {
            _ = try await database.engine.write { db in
                try db.enqueue("INSERT INTO scratch (n, note) VALUES (?, ?)", [1, "again"])
                return try db.values(
                    Int.self, "INSERT INTO scratch (n, note) VALUES (?, ?) RETURNING n", [6, "carrier"])
            }
        }
        #expect(try await database.number("SELECT count(*) FROM scratch") == 5)
    }

    @Test(arguments: TestEngine.all)
    func aFailedEnqueuedInsertRollsBackWhatTheWriterRemembered(_ engine: TestEngine) async throws {
        // A report whose command succeeded but whose kept answer cannot be stored (the database
        // refuses it, after the command's own statements were sent): the report is refused, and
        // the next report sees neither what it did to the incident nor its place in the chain.
        let desk = try await CorrelatedDesk(engine)
        let first = try await desk.report("bredang", "Det brinner i ett trapphus i Bredäng, rök i hela huset")
        switch engine {
        case .sqlite:
            try await desk.database.execute(
                """
                CREATE TRIGGER refuse_answers BEFORE INSERT ON idempotent_response
                BEGIN SELECT RAISE(ABORT, 'answers refused by the test'); END
                """)
        case .postgresql:
            try await desk.database.execute(
                """
                CREATE TRIGGER refuse_answers BEFORE INSERT ON idempotent_response FOR EACH ROW
                EXECUTE FUNCTION desk_refuse('answers refused by the test')
                """)
        }
        await #expect(throws: (any Error).self) {
            _ = try await IdempotencyTests.submit(
                desk, text: "Det brinner i ett trapphus i Bredäng, rök i hela huset nu", key: "k-1")
        }
        #expect(try await desk.database.number("SELECT count(*) FROM report") == 1)
        #expect(try await desk.database.number("SELECT report_count FROM incident") == 1)
        // The writer forgot what the refused report changed: the next one joins the incident as
        // stored, and the chain still verifies.
        let next = try await desk.report(
            "bredang", "Det brinner i ett trapphus i Bredäng, rök i hela huset fortfarande")
        #expect(next.incident.id == first.incident.id)
        #expect(next.incident.reportCount == 2)
        #expect(try await desk.desk.records.verify().intact)
    }

    @Test(arguments: TestEngine.all)
    func aCommandsEventsAreAppendedInOneStatementNumberedInChainOrder(_ engine: TestEngine) async throws {
        let (place, database, desk) = try await freshDesk(on: engine)
        defer { _ = place }
        let receipt = try await desk.submit(ReportFields(area: "rinkeby", text: "Brand i källarförråd"))
        #expect(receipt.events.count >= 2)
        let sequences = receipt.events.map(\.sequence)
        #expect(sequences.allSatisfy { $0 > 0 })
        #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count)
        // Each event's number is the one stored under its id.
        for event in receipt.events {
            let stored = try await database.number("SELECT seq FROM event WHERE id = ?", [event.id.rawValue])
            #expect(stored.map(Int64.init) == event.sequence)
        }
        #expect(try await desk.records.verify().intact)
    }

    /// How a write of `aPipelinedBatchWhoseWriteFailsRunsAgainOneWriteAtATime` fails, if it does.
    enum Failing: String, CaseIterable, Sendable {
        /// It throws after writing (a refused change).
        case byThrowing
        /// Its update changes no row where it expects one: known only once the answers are in.
        case byRowCount
    }

    /// PostgreSQL sends a batch's writes without waiting for each (a pipelined batch): a write
    /// that fails there commits nothing of that attempt, and the batch runs again one write at a
    /// time, so that only the failing writes fail and the others are kept, as SQLite has it.
    @Test(arguments: TestEngine.all, Failing.allCases)
    func aPipelinedBatchWhoseWriteFailsRunsAgainOneWriteAtATime(
        _ engine: TestEngine, _ failing: Failing
    )
        async throws
    {
        let (place, database) = try await Self.scratch(on: engine)
        defer { _ = place }
        try await database.execute("INSERT INTO scratch (n, note) VALUES (0, 'counter')")
        // Every third write fails; thirty at once share batches.
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 1...30 {
                group.addTask {
                    let fails = n % 3 == 1
                    let value = try? await database.engine.write { db -> Int in
                        try db.enqueue("INSERT INTO scratch (n, note) VALUES (?, 'written')", [n])
                        let target = fails && failing == .byRowCount ? -n : 0
                        try db.enqueue(
                            "UPDATE scratch SET note = 'touched' WHERE n = ?", [target], changing: 1,
                            otherwise: { DeskError.incidentNotFound("scratch \(target)") })
                        if fails && failing == .byThrowing { throw DeskError.incidentNotFound("write \(n)") }
                        return n
                    }
                    return (n, value == n)
                }
            }
            var outcomes: [Int: Bool] = [:]
            for await (n, succeeded) in group { outcomes[n] = succeeded }
            return outcomes
        }
        for n in 1...30 {
            #expect(outcomes[n] == (n % 3 != 1), "write \(n)")
        }
        #expect(try await database.number("SELECT count(*) FROM scratch WHERE note = 'written'") == 20)
        #expect(try await database.number("SELECT count(*) FROM scratch WHERE n > 0 AND n % 3 = 1") == 0)
        #expect(try await database.number("SELECT count(*) FROM scratch WHERE n = 0 AND note = 'touched'") == 1)
        let stats = database.writeQueueStats()
        #expect(stats.committed == 30 + 2)  // and the table and the counter
        // On PostgreSQL every batch with a failing write was run again; SQLite never pipelines.
        #expect((stats.rerun > 0) == (engine == .postgresql))
    }

    /// Writes that all succeed are committed as they were sent: no batch runs twice.
    @Test(arguments: TestEngine.all)
    func aPipelinedBatchThatSucceedsIsCommittedOnce(_ engine: TestEngine) async throws {
        let (place, database) = try await Self.scratch(on: engine)
        defer { _ = place }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 1...40 {
                group.addTask { try await Self.enqueueing(n * 2, into: database) }
            }
            for try await _ in group {}
        }
        #expect(try await database.number("SELECT count(*) FROM scratch") == 80)
        let stats = database.writeQueueStats()
        #expect(stats.committed == 40 + 1)  // and the table
        #expect(stats.rerun == 0)
    }
}

/// The synchronous reads of a PostgreSQL desk (counts at start-up, in tests and after a copy)
/// take no write turn: they answer while another instance holds it.
@Suite(.enabled(if: TestEngine.clusterURL != nil)) struct PostgresReadPathTests {
    @Test func countsAnswerWhileAnotherInstanceHoldsTheWriteTurn() async throws {
        let place = try TestDatabasePlace.fresh(.postgresql)
        let database = try place.open()
        _ = try database.syncAreas(testAreas)
        let url = try #require(place.postgresURL)
        // Another instance, mid-write: its transaction holds the turn until it ends.
        let other = PostgresSQLConnection(url: url, password: nil, logger: Logger(label: "test.other"))
        defer { other.close() }
        try other.execute("BEGIN", [])
        try other.execute("SELECT pg_advisory_xact_lock(?)", [PostgresWriteTurn.lockKey])
        #expect(try database.incidentCount() == 0)
        #expect(try database.rowCounts()["area"] == testAreas.count)
        #expect(try database.appliedMigrations().isEmpty == false)
        try other.execute("ROLLBACK", [])
        try database.close()
    }
}
