import DeskConfig
import DeskCore
import DeskStorage
import Foundation
import GRDB

/// `desk-bench ROOT stats [INCIDENTS]`: the trends' queries on a large desk (1M incidents
/// by default), timed through the store as the API calls it, the median of several runs each.
///
/// The desk: one incident, call-out and follow-up stored by the real desk (a report in the
/// `after` phase with the standard policy and the demo roster) are copied in SQL, like
/// `scripts/bench-scale.py` does, with their times spread evenly over the two years before now,
/// over every area and phase: a call-out per incident (80 % acknowledged after up to 30 minutes,
/// 15 % escalated, 5 % expired), a follow-up per three incidents (half done, a fifth of those
/// late), 1 % of incidents unstaffed. With `DESK_TEST_POSTGRES_URL`, the same on a new database
/// of that cluster (filled with psql, then `VACUUM ANALYZE` as autovacuum would). The copies are
/// made with the roll-up's triggers out of the way and the roll-up then rebuilt from the rows
/// (`StatsRollupBulkLoad`), leaving the schema deskd runs. Not a test: timings on shared machines
/// are noisy. `DESK_BENCH_ENGINE=sqlite|postgresql` runs one engine only;
/// `DESK_BENCH_KEEP_DATABASE=1` keeps the PostgreSQL database (its name printed) for EXPLAIN,
/// and `DESK_BENCH_POSTGRES_DATABASE=name` measures a database so kept as it is;
/// `DESK_BENCH_SQLITE=path` fills the SQLite desk at `path` and keeps it, or, when that file
/// exists, measures it as it is (filled by an earlier run, then migrated by this build's deskd);
/// `DESK_BENCH_TIME_ZONE=Asia/Kolkata` asks for the weeks of that time zone rather than
/// Stockholm's (the rows are the same).
struct StatsBench {
    let root: String
    let incidents: Int
    let rounds = 7

    func run() async throws {
        let now = Date()
        let environment = ProcessInfo.processInfo.environment
        let zone = environment["DESK_BENCH_TIME_ZONE"] ?? "Europe/Stockholm"
        guard let timeZone = TimeZone(identifier: zone) else {
            throw BenchError("DESK_BENCH_TIME_ZONE: \(zone) is not a time zone (like Europe/Stockholm)")
        }
        let calendar = LocalCalendar(timeZone: timeZone)
        let classifier = try ClassifierRules.load(
            path: root + "/config/classifier.toml", models: ModelFiles.load(directory: root + "/model"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("desk-stats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func desk(_ store: SQLDeskStore) async throws -> Desk {
            try await benchDesk(
                root: root, store: store, clock: SystemWallClock(), calendar: calendar, classifier: classifier)
        }

        let only = environment["DESK_BENCH_ENGINE"]
        let clock = ContinuousClock()
        // SQLite: the templates stored by the real desk, then copied in SQL.
        let kept = environment["DESK_BENCH_SQLITE"]
        let path = kept ?? directory.path + "/deskd.sqlite"
        if only != "postgresql" {
            var filled = "already filled"
            if !FileManager.default.fileExists(atPath: path) {
                do {
                    let database = try DeskDatabase(path: path)
                    _ = try database.syncAreas(try SeedFiles.areas(path: root + "/seeds/areas.json"))
                    try await storeTemplates(try await desk(SQLDeskStore(database: database)))
                    try database.close()
                }
                let fill = try clock.measure { try Self.fill(path: path, incidents: incidents, until: now) }
                filled = "filled in \(Int(Self.seconds(fill))) s"
            }
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            // Opening runs the migrations this build has and the file has not (timed: on a desk
            // an earlier build filled, that is the upgrade's cost).
            let opening = clock.now
            let database = try DeskDatabase(path: path)
            filled += String(format: ", opened in %.1f s", Self.seconds(clock.now - opening))
            print(
                "stats on SQLite: \(incidents) incidents, \(incidents) call-outs, \(incidents / 3) follow-ups over 104 "
                    + "weeks (\(size / 1_048_576) MiB, \(filled)); weeks of \(zone); median of \(rounds) runs, no HTTP")
            try await measureAll(try await desk(SQLDeskStore(database: database)))
            try database.close()
        }

        // PostgreSQL, when a cluster is given: the same rows, filled with psql.
        guard only != "sqlite", let cluster = environment["DESK_TEST_POSTGRES_URL"] else { return }
        var url = try PostgresURL(cluster)
        let existing = environment["DESK_BENCH_POSTGRES_DATABASE"]
        let name = existing ?? "desk_stats_" + UUID().uuidString.prefix(8).lowercased()
        if existing == nil { try Self.psql(cluster, "CREATE DATABASE \(name)") }
        let keep = existing != nil || environment["DESK_BENCH_KEEP_DATABASE"] != nil
        defer { if !keep { _ = try? Self.psql(cluster, "DROP DATABASE \(name) WITH (FORCE)") } }
        url.database = name
        let target = cluster.replacingOccurrences(of: "/postgres", with: "/\(name)")
        let opening = clock.now
        let postgres = try PostgresDeskDatabase(url: url, password: nil)
        let opened = clock.now - opening
        if existing == nil { _ = try postgres.syncAreas(try SeedFiles.areas(path: root + "/seeds/areas.json")) }
        let onPostgres = try await desk(SQLDeskStore(database: postgres))
        var filled = String(format: "already filled, opened in %.1f s", Self.seconds(opened))
        if existing == nil {
            try await storeTemplates(onPostgres)
            let pgFill = try clock.measure { try Self.fillPostgres(target, incidents: incidents, until: now) }
            filled = "filled in \(Int(Self.seconds(pgFill))) s, then VACUUM ANALYZE"
        }
        print("")
        print("stats on PostgreSQL: the same rows (\(filled))")
        try await measureAll(onPostgres)
        postgres.close()
        if keep { print("kept database \(name)") }
    }

    /// One `after` report in Rinkeby, staffed by the standard policy: an incident, its call-outs and
    /// follow-ups as deskd writes them, to copy.
    private func storeTemplates(_ desk: Desk) async throws {
        _ = try await desk.commands.run(
            ImportRoster(try SeedFiles.roster(path: root + "/seeds/roster.json")),
            by: Principal(actor: .system, role: .admin))
        let fields = ReportFields(area: "rinkeby", text: "Boende är rädda efter branden", phase: .after)
        _ = try await desk.commands.run(
            try desk.intake.command(for: fields), by: Principal(actor: .unixUser("bench"), role: .officer), over: .unix)
        _ = try await desk.timers.runDueWork()
    }

    private func measureAll(_ desk: Desk) async throws {
        print("| query | rows | median | max |")
        print("|---|---|---|---|")
        // By week and by area, as the console's Trends page asks; and every dimension at once.
        let year = StatsPeriod(length: .weeks(52))
        let cases: [(String, StatsPeriod, [StatsDimension])] = [
            ("12w", .standard, [.week]), ("12w", .standard, [.area]), ("12w", .standard, [.week, .area, .phase]),
            ("52w", year, [.week]), ("52w", year, [.area]), ("52w", year, [.week, .area, .phase]),
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
        print(
            String(
                format: "| %@ | %d | %.1f ms | %.1f ms |", name, rows, times[times.count / 2] * 1000,
                (times.last ?? 0) * 1000))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Copies the stored incident, call-out and follow-up `count` times on SQLite, in one transaction.
    static func fill(path: String, incidents count: Int, until now: Date) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        try queue.inDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = OFF")
            var columns: [String: [String]] = [:]
            for table in ["incident", "callout", "followup"] {
                columns[table] = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] }
            }
            try db.inTransaction {
                let statements =
                    StatsRollupBulkLoad.sqliteBefore
                    + copies(count: count, until: now, columns: columns, postgres: false)
                    + StatsRollupBulkLoad.sqliteAfter
                for statement in statements { try db.execute(sql: statement) }
                return .commit
            }
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// The same on PostgreSQL, through psql (the desk's own connection type is internal to storage).
    static func fillPostgres(_ url: String, incidents count: Int, until now: Date) throws {
        var columns: [String: [String]] = [:]
        for table in ["incident", "callout", "followup"] {
            columns[table] = try psql(
                url,
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                    + "AND table_name = '\(table)' ORDER BY ordinal_position"
            ).split(separator: "\n").map(String.init)
        }
        let script =
            ["BEGIN", "SET LOCAL synchronous_commit = off", "SET LOCAL session_replication_role = replica"]
            + copies(count: count, until: now, columns: columns, postgres: true) + StatsRollupBulkLoad.postgresqlAfter
            + ["COMMIT"]
        try psql(url, script.joined(separator: ";\n"))
        try psql(url, "VACUUM ANALYZE")
    }

    /// The statements that copy the templates: times spread evenly over the 104 weeks before `now`.
    static func copies(count: Int, until now: Date, columns: [String: [String]], postgres: Bool) -> [String] {
        let span = 104 * 7 * 86_400.0
        let start = now.timeIntervalSince1970 - span
        func time(_ seconds: String) -> String {
            postgres
                ? "to_char(to_timestamp(\(start) + \(seconds)) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
                : "strftime('%Y-%m-%dT%H:%M:%fZ', \(start) + \(seconds), 'unixepoch')"
        }
        func id(_ group: String) -> String {
            postgres
                ? "lpad(to_hex(n.i / 65536), 8, '0') || '-' || lpad(to_hex(n.i % 65536), 4, '0') || '-\(group)-8000-' "
                    + "|| lpad(to_hex(n.i), 12, '0')"
                : "printf('%08x-%04x-\(group)-8000-%012x', n.i / 65536, n.i % 65536, n.i)"
        }
        let at = "(n.i * \(span / Double(count)))"
        let phase = "CASE n.i % 3 WHEN 0 THEN 'before' WHEN 1 THEN 'during' ELSE 'after' END"
        let answer = "((CAST(n.i AS bigint) * 7919) % 1800)"
        let overrides: [String: [String: String]] = [
            "incident": [
                "id": id("7000"), "area_id": "areas.id", "phase": phase, "staffed_phase": phase,
                "status": "'closed'", "opened_at": time(at), "updated_at": time(at), "closed_at": time(at),
                "last_report_at": time(at), "outcome": "'Handled'", "report_count": "0",
            ],
            "callout": [
                "id": id("7002"), "incident_id": id("7000"), "area_id": "areas.id", "created_at": time(at),
                "state":
                    "CASE WHEN n.i % 20 = 0 THEN 'expired' WHEN n.i % 20 < 4 THEN 'escalated' ELSE 'acknowledged' END",
                "updated_at": time("\(at) + \(answer)"), "due_at": time("\(at) + 300"), "escalated_from": "NULL",
            ],
            "followup": [
                "id": id("7003"), "incident_id": id("7000"), "area_id": "areas.id", "created_at": time(at),
                "due_at": time("\(at) + 604800"),
                "state": "CASE WHEN n.i % 6 < 3 THEN 'done' WHEN n.i % 6 = 3 THEN 'escalated' ELSE 'open' END",
                "updated_at": time("\(at) + 604800 + CASE WHEN n.i % 5 = 0 THEN 3600 ELSE -3600 END"),
            ],
        ]
        let numbers =
            postgres
            ? "WITH n(i) AS (SELECT generate_series(0, \(count - 1)))"
            : "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(count - 1))"
        let areas = """
            , areas AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM area),
            area_count AS (SELECT count(*) AS c FROM area)
            """
        var statements: [String] = []
        for table in ["incident", "callout", "followup"] {
            let names = columns[table] ?? []
            let select = names.map { overrides[table]?[$0] ?? "t.\($0)" }.joined(separator: ", ")
            let only = table == "followup" ? " WHERE n.i % 3 = 2" : ""
            statements.append("CREATE TEMP TABLE template_\(table) AS SELECT * FROM \(table) LIMIT 1")
            statements.append(
                """
                INSERT INTO \(table) (\(names.joined(separator: ", "))) \(numbers)\(areas)
                SELECT \(select) FROM n CROSS JOIN area_count JOIN areas ON areas.k = n.i % area_count.c
                CROSS JOIN template_\(table) AS t\(only)
                """)
        }
        // 1 % of the incidents unstaffed.
        statements.append(
            """
            INSERT INTO staffing (incident_id, phase, staffed_at, unstaffed_at) \(numbers)
            SELECT \(id("7000")), 'before', \(time(at)), \(time(at)) FROM n WHERE n.i % 100 = 0
            """)
        return statements
    }

    /// Runs `sql` with psql on `url`; returns its unaligned output.
    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data((sql + ";\n").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("psql failed (\(process.terminationStatus)) on: \(sql.prefix(200))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
