import DeskCore
import DeskTestSupport
import Foundation
import Logging
import Testing

@testable import DeskStorage

/// A desk over `database` as deskd puts it together (one store, one runner), its areas read.
func makeDesk(
    _ database: any DeskStorageBackend, clock: any WallClock,
    correlation: CorrelationPolicy = CorrelationPolicy(window: 0),
    duty: DutySettings = DutySettings(
        calendar: LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt)),
    observers: [CommandObserver] = []
) async throws -> Desk {
    let desk = Desk(
        store: database.store, clock: clock,
        settings: LiveSettings(DeskSettings(correlation: correlation, duty: duty)), classifier: shippedClassifier,
        observers: observers)
    try await desk.incidents.reloadAreas()
    return desk
}

/// A fresh database file in a temporary directory, the test areas synchronised into it, and a desk
/// over it (`makeDesk`). The directory is returned so the caller keeps it, and the file, alive.
func freshDesk(
    clock: any WallClock = TestClock(), correlation: CorrelationPolicy = CorrelationPolicy(window: 0)
) async throws -> (TemporaryDirectory, DeskDatabase, Desk) {
    let directory = try TemporaryDirectory()
    let database = try DeskDatabase(path: directory.path + "/deskd.sqlite")
    _ = try database.syncAreas(testAreas)
    return (directory, database, try await makeDesk(database, clock: clock, correlation: correlation))
}

/// The engines the storage suite runs on: SQLite always, PostgreSQL when a throwaway cluster is
/// running (`make test` starts one with scripts/pg-test-cluster and sets DESK_TEST_POSTGRES_URL;
/// CI fails `theTestClusterIsThereOnCI` without it).
enum TestEngine: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }

    /// The test cluster's URL (its `postgres` database), when there is one.
    static let clusterURL = ProcessInfo.processInfo.environment["DESK_TEST_POSTGRES_URL"]

    /// The engines to run each parameterised test on.
    static var all: [TestEngine] { clusterURL == nil ? [.sqlite] : [.sqlite, .postgresql] }
}

/// Where a test's database lives, so that it can be opened (and opened again, as a restarted
/// deskd would): an SQLite file in a temporary directory, or a new database in the test cluster.
struct TestDatabasePlace: Sendable {
    let engine: TestEngine
    let directory: TemporaryDirectory
    let postgresURL: PostgresURL?

    /// A new, empty place.
    static func fresh(_ engine: TestEngine) throws -> TestDatabasePlace {
        let directory = try TemporaryDirectory()
        guard engine == .postgresql else {
            return TestDatabasePlace(engine: engine, directory: directory, postgresURL: nil)
        }
        guard let cluster = TestEngine.clusterURL else {
            throw StorageFailure("no PostgreSQL test cluster (DESK_TEST_POSTGRES_URL is not set)")
        }
        var url = try PostgresURL(cluster)
        let admin = PostgresSQLConnection(url: url, password: nil, logger: Logger(label: "test.postgres"))
        defer { admin.close() }
        let name = "desk_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try admin.execute("CREATE DATABASE \(name)", [])
        url.database = name
        return TestDatabasePlace(engine: engine, directory: directory, postgresURL: url)
    }

    /// Opens (migrating) the database.
    func open() throws -> any DeskStorageBackend {
        if let postgresURL {
            return try PostgresDeskDatabase(
                url: postgresURL, password: nil, backupDirectory: directory.path + "/backups")
        }
        return try DeskDatabase(path: directory.path + "/deskd.sqlite")
    }
}

extension DeskStorageBackend {
    /// The engine under the backend, for SQL the tests run around the desk.
    var engine: any SQLEngine {
        get throws {
            guard let engine = self as? any SQLEngine else { throw StorageFailure("not an SQL engine") }
            return engine
        }
    }

    /// Runs SQL on the database directly (as someone, or an earlier version, did), in its own write.
    func execute(_ sql: String, _ arguments: SQLArguments = []) async throws {
        try await engine.write { db in _ = try db.execute(sql, arguments) }
    }

    /// The first column of the first row of a query, as text.
    func text(_ sql: String, _ arguments: SQLArguments = []) async throws -> String? {
        try await engine.read { db in try db.value(String.self, sql, arguments) }
    }

    /// The first column of the first row of a query, as a number.
    func number(_ sql: String, _ arguments: SQLArguments = []) async throws -> Int? {
        try await engine.read { db in try db.value(Int.self, sql, arguments) }
    }
}

/// A desk on `engine` (see `freshDesk`), with the test areas synchronised.
func freshDesk(
    on engine: TestEngine, clock: any WallClock = TestClock(),
    correlation: CorrelationPolicy = CorrelationPolicy(window: 0)
) async throws -> (TestDatabasePlace, any DeskStorageBackend, Desk) {
    let place = try TestDatabasePlace.fresh(engine)
    let database = try place.open()
    _ = try database.syncAreas(testAreas)
    return (place, database, try await makeDesk(database, clock: clock, correlation: correlation))
}

@Suite struct TestClusterTests {
    /// On CI the PostgreSQL half of the storage suite must run, never silently vanish.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CI"] == "true"))
    func theTestClusterIsThereOnCI() {
        #expect(TestEngine.clusterURL != nil, "make test starts a cluster and sets DESK_TEST_POSTGRES_URL")
    }
}

extension DeskStorageBackend {
    /// The SQLite database under a backend a test made on SQLite (tests of SQLite's own behaviour).
    var sqlite: DeskDatabase {
        guard let database = self as? DeskDatabase else { fatalError("this test runs on SQLite only") }
        return database
    }
}
