import DeskTestSupport
import Foundation
import Logging
import NIOCore
import Testing

@testable import DeskStorage

/// A migration that rewrites a large table runs for as long as it needs: longer than the
/// `statement_timeout` every connection of deskd has, and longer than the connection waits for a
/// request's answer, both of which would end it (and deskd's start-up with it) on a desk of
/// millions of call-outs. Here a one-second migration against a 300 ms timeout and a 600 ms wait.
@Suite(.ownThread, .enabled(if: TestEngine.clusterURL != nil)) struct PostgresLongMigrationTests {
    @Test func aMigrationLongerThanARequestMayTakeRunsToTheEnd() throws {
        let place = try TestDatabasePlace.fresh(.postgresql)
        let url = try #require(place.postgresURL)
        let db = PostgresSQLConnection(
            url: url, password: nil, logger: Logger(label: "test.postgres"), setup: ["SET statement_timeout = '300ms'"])
        defer { db.close() }
        db.answerLimit = .milliseconds(600)

        // Outside a migration, the server ends such a statement, and so does the wait for it.
        #expect(throws: (any Error).self) { try db.execute("SELECT pg_sleep(1)", []) }
        let patient = PostgresSQLConnection(url: url, password: nil, logger: Logger(label: "test.postgres"))
        defer { patient.close() }
        patient.answerLimit = .milliseconds(600)
        #expect(throws: (any Error).self) { try patient.execute("SELECT pg_sleep(1)", []) }

        let slow = PostgresMigrations.Migration(
            name: "test-slow", statements: ["SELECT pg_sleep(1)", "CREATE TABLE slow_done (x INTEGER)"])
        #expect(try PostgresMigrations.migrate(db, migrations: [slow]) == ["test-slow"])
        #expect(try db.value(Int.self, "SELECT count(*) FROM slow_done") == 0)
        // Both limits are back for what follows.
        #expect(db.answerLimit == .milliseconds(600))
        #expect(try db.value(String.self, "SHOW statement_timeout") == "300ms")
    }

    /// A second deskd starting while the first migrates waits for it, however long that takes,
    /// rather than failing its start (here the first holds the migrations' lock for a second).
    @Test func aSecondDeskdWaitsForTheFirstsMigrationsAsLongAsTheyTake() throws {
        let place = try TestDatabasePlace.fresh(.postgresql)
        let url = try #require(place.postgresURL)
        let first = PostgresSQLConnection(url: url, password: nil, logger: Logger(label: "test.postgres"))
        defer { first.close() }
        try first.execute("SELECT pg_advisory_lock(?)", [PostgresMigrations.lockKey])
        let second = PostgresSQLConnection(
            url: url, password: nil, logger: Logger(label: "test.postgres"), setup: ["SET statement_timeout = '300ms'"])
        defer { second.close() }
        second.answerLimit = .milliseconds(600)
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) {
            _ = try? first.execute("SELECT pg_advisory_unlock(?)", [PostgresMigrations.lockKey])
            released.signal()
        }
        let quick = PostgresMigrations.Migration(
            name: "test-quick", statements: ["CREATE TABLE quick_done (x INTEGER)"])
        #expect(try PostgresMigrations.migrate(second, migrations: [quick]) == ["test-quick"])
        released.wait()
        #expect(try second.value(String.self, "SHOW statement_timeout") == "300ms")
    }
}
