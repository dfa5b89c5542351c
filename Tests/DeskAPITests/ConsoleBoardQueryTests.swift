import DeskAPIModels
import DeskCore
import DeskStorage
import DeskTestSupport
import Foundation
import Synchronization
import Testing

@testable import DeskAPI

/// Security review 2026-12-06, M5: the console's board costs the same few queries whether the desk
/// has three open incidents or forty, and answers what the per-incident board answered.
@Suite struct ConsoleBoardQueryTests {
    /// Statements counted while `counting` is set (SELECTs of the desk's own tables only: GRDB's
    /// schema look-ups and transaction statements are not the board's work).
    final class StatementCount: Sendable {
        let counting = Atomic<Bool>(false)
        let count = Atomic<Int>(0)

        func observe(_ sql: String) {
            guard counting.load(ordering: .relaxed) else { return }
            let text = sql.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            guard text.hasPrefix("SELECT") || text.hasPrefix("WITH"), !text.contains("SQLITE_") else { return }
            count.add(1, ordering: .relaxed)
        }

        func measure<Value>(_ work: () async throws -> Value) async rethrows -> (Value, Int) {
            count.store(0, ordering: .relaxed)
            counting.store(true, ordering: .relaxed)
            defer { counting.store(false, ordering: .relaxed) }
            return (try await work(), count.load(ordering: .relaxed))
        }
    }

    /// The board as it was built before the fix: two queries per incident.
    static func perIncidentBoard(_ desk: Desk) async throws -> [BoardItemBody] {
        let incidents = try await desk.incidents.incidents(
            IncidentQuery(status: .open, page: try PageRequest(limit: ConsoleBoard.limit))
        ).items
        var items: [BoardItemBody] = []
        for incident in incidents {
            let callOuts = try await desk.duty.callOuts(CallOutQuery(incident: incident.id, limit: 500))
            items.append(
                BoardItemBody(
                    incident: IncidentBody(incident), called: callOuts.count,
                    acknowledged: callOuts.filter { $0.state == .acknowledged }.count,
                    escalated: callOuts.filter { [.escalated, .declined, .expired].contains($0.state) }.count,
                    waiting: callOuts.filter { $0.state.isOpen }.count,
                    unstaffed: try await desk.duty.isUnstaffed(incident.id)))
        }
        return items
    }

    @Test func theBoardsQueryCountDoesNotGrowWithIncidentsAndItsAnswerIsUnchanged() async throws {
        let directory = "/tmp/desk-board-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let statements = StatementCount()
        let database = try DeskDatabase(
            path: directory + "/deskd.sqlite", statementObserver: { statements.observe($0) })
        defer { try? database.close() }
        _ = try database.syncAreas(TestServer.areas)
        let desk = Desk(
            store: SQLDeskStore(database: database), clock: SystemWallClock(),
            settings: LiveSettings(
                DeskSettings(
                    correlation: CorrelationPolicy(window: 0),
                    duty: DutySettings(
                        policy: CallOutAccessTests.policy,
                        calendar: LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt)))),
            classifier: shippedClassifier)
        try await desk.incidents.reloadAreas()
        _ = try await desk.importRoster(CallOutAccessTests.roster)
        let board = ConsoleBoard(desk: desk)
        let areas = TestServer.areas.map(\.id)
        var made = 0
        // Incidents in every area: Bredäng's and Sätra's are called out (some declined, some
        // acknowledged), Rinkeby's and Rosengård's go to the national duty officer or stay unstaffed.
        func add(_ count: Int) async throws {
            for _ in 0..<count {
                try await desk.submit(
                    ReportFields(
                        area: areas[made % areas.count], text: "Brand i trapphuset nummer \(made), två skadade",
                        phase: .during))
                made += 1
            }
            try await desk.timers.runDueWork()
            let open = try await desk.duty.callOuts(CallOutQuery(states: [.pending, .notified], limit: 1000))
            for (index, callOut) in open.enumerated() {
                let actor = Actor.unixUser(callOut.responderID)
                if index % 3 == 0 {
                    try await desk.decline(
                        callOut.id.rawValue, reason: "sjuk", actor: actor, bound: callOut.responderID)
                } else if index % 3 == 1 {
                    try await desk.acknowledge(callOut.id.rawValue, note: nil, actor: actor, bound: callOut.responderID)
                }
            }
        }
        try await add(3)
        _ = try await board.items(nil)  // warms every reader connection's statement cache
        let (few, fewQueries) = try await statements.measure { try await board.items(nil) }
        try await add(37)
        _ = try await board.items(nil)
        let (many, manyQueries) = try await statements.measure { try await board.items(nil) }
        #expect(few.count == 3 && many.count == 40)
        #expect(fewQueries == manyQueries, "\(fewQueries) queries for 3 incidents, \(manyQueries) for 40")
        #expect(manyQueries <= 4, "\(manyQueries)")
        // The same answer as the per-incident board, with call-outs in every state.
        let before = try await Self.perIncidentBoard(desk)
        #expect(Set(many) == Set(before))
        #expect(many.count == before.count)
        #expect(many.contains { $0.acknowledged > 0 } && many.contains { $0.escalated > 0 })
        #expect(many.contains { $0.waiting > 0 })
    }
}
