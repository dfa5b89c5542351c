import DeskConfig
import DeskCore
import DeskStorage
import Foundation
import GRDB

/// `desk-bench ROOT answers [N]`: what keeping each answer's time and phase costs an
/// acknowledgement (`StatsAnswerIndex`: the answer triggers and the two partial indexes that the
/// call-out percentiles read). N call-outs (default 2,000) are made on a fresh SQLite desk by
/// reports and the duty timers, then acknowledged by their responders, 16 at a time through the
/// command pipeline as the API does; the same on a desk whose answer triggers and indexes were
/// dropped before the call-outs were made. The two alternate for 11 rounds (a fresh desk each);
/// the medians and their ratio are printed. With `DESK_TEST_POSTGRES_URL`, the same on a new
/// database of that cluster each round. Not a test: timings on shared machines are noisy.
struct AnswerWriteBench {
    let root: String
    let callOuts: Int
    let rounds = 11
    let concurrency = 16

    /// What `StatsAnswerIndex` adds to a SQLite desk, dropped for the baseline.
    static let answerKeeping = [
        "DROP TRIGGER callout_answer_insert", "DROP TRIGGER callout_answer_update",
        "DROP TRIGGER callout_answer_phase", "DROP INDEX callout_answers", "DROP INDEX callout_answers_by_phase",
    ]

    /// The same on PostgreSQL.
    static let postgresAnswerKeeping = [
        "DROP TRIGGER callout_answer ON callout", "DROP FUNCTION callout_answer()",
        "DROP TRIGGER callout_answer_phase ON incident", "DROP FUNCTION callout_answer_phase()",
        "DROP INDEX callout_answers", "DROP INDEX callout_answers_by_phase",
    ]

    func run() async throws {
        try await run(postgres: nil)
        if let cluster = ProcessInfo.processInfo.environment["DESK_TEST_POSTGRES_URL"] {
            print("")
            try await run(postgres: cluster)
        }
    }

    private func run(postgres cluster: String?) async throws {
        print(
            "acknowledgements on \(cluster == nil ? "SQLite" : "PostgreSQL"): \(callOuts) call-outs acknowledged \(concurrency) at a time, "
                + "median of \(rounds) rounds (a fresh desk each), with and without the answers' triggers and indexes")
        var with: [Double] = []
        var without: [Double] = []
        for round in 0..<rounds {
            // Alternating which goes first, so that a drift of the machine falls on both.
            for keep in round % 2 == 0 ? [true, false] : [false, true] {
                let rate = try await once(keepingAnswers: keep, postgres: cluster)
                if keep { with.append(rate) } else { without.append(rate) }
                print(
                    String(
                        format: "  round %d, %@: %.0f acknowledgements/s", round + 1, keep ? "with" : "without", rate))
            }
        }
        let kept = Self.median(with)
        let dropped = Self.median(without)
        print(String(format: "| answers kept | %.0f /s |", kept))
        print(String(format: "| answers not kept (baseline) | %.0f /s |", dropped))
        print(String(format: "| ratio | %.3f |", kept / dropped))
    }

    /// One round: a fresh desk, its call-outs, and the acknowledgements' rate.
    private func once(keepingAnswers keep: Bool, postgres cluster: String?) async throws -> Double {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "desk-answers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database: any DeskStorageBackend
        var name: String?
        if let cluster {
            let created = "desk_answers_" + UUID().uuidString.prefix(8).lowercased()
            _ = try StatsBench.psql(cluster, "CREATE DATABASE \(created)")
            name = created
            var url = try PostgresURL(cluster)
            url.database = created
            database = try PostgresDeskDatabase(url: url, password: nil)
            if !keep {
                let target = cluster.replacingOccurrences(of: "/postgres", with: "/\(created)")
                _ = try StatsBench.psql(target, Self.postgresAnswerKeeping.joined(separator: ";\n"))
            }
        } else {
            let path = directory.path + "/deskd.sqlite"
            database = try DeskDatabase(path: path)
            if !keep {
                let queue = try DatabaseQueue(path: path)
                try await queue.write { db in for statement in Self.answerKeeping { try db.execute(sql: statement) } }
                try queue.close()
            }
        }
        defer {
            try? database.close()
            if let cluster, let name { _ = try? StatsBench.psql(cluster, "DROP DATABASE \(name) WITH (FORCE)") }
        }
        let seeded = try SeedFiles.areas(path: root + "/seeds/areas.json")
        _ = try database.syncAreas(seeded)
        let desk = try await benchDesk(
            root: root, store: database.store, clock: SystemWallClock(),
            calendar: LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt))
        _ = try await desk.commands.run(
            ImportRoster(try SeedFiles.roster(path: root + "/seeds/roster.json")),
            by: Principal(actor: .system, role: .admin))

        // Reports in every area in turn, each staffed by the timers, until there are enough call-outs.
        let areas = seeded.map(\.id)
        let officer = Principal(actor: .unixUser("bench"), role: .officer)
        var open: [CallOut] = []
        var reports = 0
        while open.count < callOuts {
            guard reports < callOuts * 4 else {
                throw BenchError("\(reports) reports made only \(open.count) call-outs: is anyone on duty?")
            }
            let fields = ReportFields(
                area: areas[reports % areas.count], text: "Brand i trapphuset, rök (\(reports))", phase: .during)
            _ = try await desk.commands.run(try desk.intake.command(for: fields), by: officer, over: .unix)
            reports += 1
            if reports % 50 == 0 || open.isEmpty {
                _ = try await desk.timers.runDueWork()
                open = try await desk.duty.callOuts(
                    CallOutQuery(states: [.pending, .notified], limit: callOuts * 2), mine: nil)
            }
        }
        let chosen = Array(open.prefix(callOuts))

        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for index in stride(from: worker, to: chosen.count, by: concurrency) {
                        let callOut = chosen[index]
                        _ = try await desk.commands.run(
                            AcknowledgeCallOut(callOutID: callOut.id.rawValue, note: nil),
                            by: Principal(actor: .unixUser("bench"), role: .responder, responderID: callOut.responderID)
                        )
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let acknowledged = try await desk.duty.callOuts(
            CallOutQuery(states: [.acknowledged], limit: callOuts * 2), mine: nil)
        guard acknowledged.count == chosen.count else {
            throw BenchError("\(acknowledged.count) of \(chosen.count) call-outs acknowledged")
        }
        return Double(chosen.count) / seconds
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
