import DeskCore
import DeskTestSupport
import Foundation

@testable import DeskStorage

/// A desk over `database` as deskd puts it together (one store, one runner), its areas read.
func makeDesk(
    _ database: DeskDatabase, clock: any WallClock, correlation: CorrelationPolicy = CorrelationPolicy(window: 0),
    duty: DutySettings = DutySettings(
        calendar: LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt)),
    observers: [CommandObserver] = []
) async throws -> Desk {
    let desk = Desk(
        store: SQLDeskStore(database: database), clock: clock,
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
