import DeskConfig
import DeskCore
import DeskStorage
import Foundation
import GRDB

/// `desk-bench ROOT stats [INCIDENTS]`: the trends' queries on a large SQLite desk (1M incidents
/// by default), timed through the store as the API calls it, the median of several runs each.
///
/// The desk: one incident, call-out and follow-up stored by the real desk (a report in the
/// `after` phase with the standard policy and the demo roster) are copied in SQL, like
/// `scripts/bench-scale.py` does, with their times spread evenly over the two years before now,
/// over every area and phase: a call-out per incident (80 % acknowledged after up to 30 minutes,
/// 15 % escalated, 5 % expired), a follow-up per three incidents (half done, a fifth of those
/// late), 1 % of incidents unstaffed. Not a test: timings on shared machines are noisy.
struct StatsBench {
    let root: String
    let incidents: Int
    let rounds = 7

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("desk-stats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.path + "/deskd.sqlite"
        let now = Date()
        let calendar = LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt)
        let settings = LiveSettings(
            DeskSettings(correlation: CorrelationPolicy(window: 0), duty: DutySettings(policy: .standard, calendar: calendar)))
        let classifier = try ClassifierRules.load(path: root + "/config/classifier.toml")
        // The templates, stored by the real desk.
        do {
            let database = try DeskDatabase(path: path)
            _ = try database.syncAreas(try SeedFiles.areas(path: root + "/seeds/areas.json"))
            let desk = Desk(store: SQLDeskStore(database: database), clock: SystemWallClock(), settings: settings, classifier: classifier)
            try await desk.incidents.reloadAreas()
            _ = try await desk.commands.run(
                ImportRoster(try SeedFiles.roster(path: root + "/seeds/roster.json")),
                by: Principal(actor: .system, role: .admin))
            _ = try await desk.commands.run(
                try desk.intake.command(for: ReportFields(area: "rinkeby", text: "Boende är rädda efter branden", phase: .after)),
                by: Principal(actor: .unixUser("bench"), role: .officer), over: .unix)
            _ = try await desk.timers.runDueWork()
            try database.close()
        }
        let clock = ContinuousClock()
        let fill = try clock.measure { try Self.fill(path: path, incidents: incidents, until: now) }
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let database = try DeskDatabase(path: path)
        defer { try? database.close() }
        let desk = Desk(store: SQLDeskStore(database: database), clock: SystemWallClock(), settings: settings, classifier: classifier)
        try await desk.incidents.reloadAreas()

        print(
            "stats: \(incidents) incidents, \(incidents) call-outs, \(incidents / 3) follow-ups over 104 weeks "
                + "(\(size / 1_048_576) MiB, filled in \(Int(Self.seconds(fill))) s); median of \(rounds) runs, no HTTP")
        print("| query | rows | median | max |")
        print("|---|---|---|---|")
        let cases: [(String, StatsPeriod, [StatsDimension])] = [
            ("12w", .standard, [.week]), ("12w", .standard, [.week, .area, .phase]), ("52w", StatsPeriod(length: .weeks(52)), [.week]),
            ("52w", StatsPeriod(length: .weeks(52)), [.week, .area, .phase]),
        ]
        for (name, period, by) in cases {
            let label = "since=\(name)&by=\(by.map(\.rawValue).joined(separator: ","))"
            try await measure("incidents?\(label)") { try await desk.stats.incidents(period, by: by).rows.count }
            try await measure("callouts?\(label)") { try await desk.stats.callOuts(period, by: by).rows.count }
            try await measure("followups?\(label)") { try await desk.stats.followUps(period, by: by).rows.count }
        }
    }

    private func measure(_ name: String, _ work: () async throws -> Int) async throws {
        let clock = ContinuousClock()
        var times: [Double] = []
        var rows = 0
        _ = try await work()  // the first run reads the pages into the cache
        for _ in 0..<rounds {
            let started = clock.now
            rows = try await work()
            times.append(Self.seconds(clock.now - started))
        }
        times.sort()
        print(String(format: "| %@ | %d | %.1f ms | %.1f ms |", name, rows, times[times.count / 2] * 1000, (times.last ?? 0) * 1000))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Copies the stored incident, call-out and follow-up `incidents` times in one transaction.
    static func fill(path: String, incidents count: Int, until now: Date) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        let span = 104 * 7 * 86_400.0
        let start = now.timeIntervalSince1970 - span
        try queue.inDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = OFF")
            func columns(_ table: String) throws -> [String] {
                try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] }
            }
            func time(_ seconds: String) -> String {
                "strftime('%Y-%m-%dT%H:%M:%fZ', \(start) + \(seconds), 'unixepoch')"
            }
            let at = "(n.i * \(span / Double(count)))"
            let incidentID = "printf('%08x-%04x-7000-8000-%012x', n.i / 65536, n.i % 65536, n.i)"
            let phase = "CASE n.i % 3 WHEN 0 THEN 'before' WHEN 1 THEN 'during' ELSE 'after' END"
            let answer = "((n.i * 7919) % 1800)"
            let overrides: [String: [String: String]] = [
                "incident": [
                    "id": incidentID, "area_id": "areas.id", "phase": phase, "staffed_phase": phase,
                    "status": "'closed'", "opened_at": time(at), "updated_at": time(at), "closed_at": time(at),
                    "last_report_at": time(at), "outcome": "'Handled'", "report_count": "0",
                ],
                "callout": [
                    "id": "printf('%08x-%04x-7002-8000-%012x', n.i / 65536, n.i % 65536, n.i)",
                    "incident_id": incidentID, "area_id": "areas.id", "created_at": time(at),
                    "state": "CASE WHEN n.i % 20 = 0 THEN 'expired' WHEN n.i % 20 < 4 THEN 'escalated' ELSE 'acknowledged' END",
                    "updated_at": time("\(at) + \(answer)"), "due_at": time("\(at) + 300"), "escalated_from": "NULL",
                ],
                "followup": [
                    "id": "printf('%08x-%04x-7003-8000-%012x', n.i / 65536, n.i % 65536, n.i)",
                    "incident_id": incidentID, "area_id": "areas.id", "created_at": time(at),
                    "due_at": time("\(at) + 604800"),
                    "state": "CASE WHEN n.i % 6 < 3 THEN 'done' WHEN n.i % 6 = 3 THEN 'escalated' ELSE 'open' END",
                    "updated_at": time("\(at) + 604800 + CASE WHEN n.i % 5 = 0 THEN 3600 ELSE -3600 END"),
                ],
            ]
            let numbers = """
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(count - 1)),
                areas AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM area),
                area_count AS (SELECT count(*) AS c FROM area)
                """
            try db.inTransaction {
                for table in ["incident", "callout", "followup"] {
                    let names = try columns(table)
                    try db.execute(sql: "CREATE TEMP TABLE template_\(table) AS SELECT * FROM \(table) LIMIT 1")
                    let select = names.map { overrides[table]?[$0] ?? "t.\($0)" }.joined(separator: ", ")
                    let only = table == "followup" ? " WHERE n.i % 3 = 2" : ""
                    try db.execute(
                        sql: """
                            INSERT INTO \(table) (\(names.joined(separator: ", "))) \(numbers)
                            SELECT \(select) FROM n, area_count JOIN areas ON areas.k = n.i % area_count.c,
                                template_\(table) AS t\(only)
                            """)
                }
                try db.execute(
                    sql: """
                        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 100 FROM n WHERE i < \(count - 100))
                        INSERT INTO staffing (incident_id, phase, staffed_at, unstaffed_at)
                        SELECT printf('%08x-%04x-7000-8000-%012x', n.i / 65536, n.i % 65536, n.i), 'before',
                            \(time(at)), \(time(at))
                        FROM n
                        """)
                return .commit
            }
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}
