import DeskConfig
import DeskCore
import DeskStorage
import Foundation

/// The write pipeline without HTTP: reports already validated and classified, run as commands by
/// `concurrency` callers through the group-commit writer into a fresh SQLite file, as deskd does
/// it (`synchronous=FULL`, correlation on). What it measures is the storage side's own ceiling:
/// the HTTP server's share is what `make bench-load` adds on top.
struct PipelineBench {
    /// Where the areas, the demo reports and the classifier rules are.
    let root: String
    /// Reports per round.
    var reports = 6_000
    /// Callers submitting at once (as the load benchmark's connections).
    var concurrency = 32

    /// One round's figures.
    struct Round {
        var seconds: Double
        var cpuSeconds: Double
        var batches: Int
        /// Seconds SQLite alone took to write the same rows (`StorageFloor`).
        var floorSeconds: Double
    }

    /// Runs `rounds` rounds, each on a new database, and prints their medians.
    func run(rounds: Int) async throws {
        var results: [Round] = []
        for _ in 0..<rounds { results.append(try await round()) }
        let seconds = median(results.map(\.seconds))
        let cpu = median(results.map(\.cpuSeconds))
        let batches = median(results.map { Double($0.batches) })
        let floor = median(results.map(\.floorSeconds))
        print("pipeline:  \(reports) reports per round by \(concurrency) callers, \(rounds) rounds (median), no HTTP")
        print(
            String(
                format:
                    "           %.0f reports/s, %.1f µs of wall time and %.1f µs of CPU per report, %.1f reports per commit",
                Double(reports) / seconds, seconds / Double(reports) * 1e6, cpu / Double(reports) * 1e6,
                Double(reports) / batches))
        print(
            String(
                format:
                    "floor:     %.0f reports/s, %.1f µs per report: SQLite alone writing the same rows (StorageFloor)",
                Double(reports) / floor, floor / Double(reports) * 1e6))
        print(String(format: "ratio:     the pipeline takes %.1f× the floor's time per report", seconds / floor))
    }

    private func round() async throws -> Round {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("desk-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try DeskDatabase(path: directory.path + "/deskd.sqlite")
        let areas = try SeedFiles.areas(path: root + "/seeds/areas.json")
        _ = try database.syncAreas(areas)
        let desk = Desk(
            store: SQLDeskStore(database: database), clock: SystemWallClock(),
            settings: LiveSettings(
                DeskSettings(
                    correlation: CorrelationPolicy(),
                    duty: DutySettings(
                        calendar: LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt)))),
            classifier: try ClassifierRules.load(
                path: root + "/config/classifier.toml", models: ModelFiles.load(directory: root + "/model")))
        try await desk.incidents.reloadAreas()
        let demo = try SeedFiles.demoReports(path: root + "/seeds/demo-reports.json")
        var commands: [SubmitReport] = []
        commands.reserveCapacity(reports)
        while commands.count < reports {
            let index = commands.count
            let area = areas[index % areas.count]
            let sample = demo[(index / areas.count) % demo.count]
            let fields = ReportFields(
                area: area.id, text: "\(sample.text) (\(index % 97))", phase: sample.phase ?? .during)
            commands.append(try desk.intake.command(for: fields))
        }
        let work = commands
        let officer = Principal(actor: .unixUser("bench"), role: .officer)
        let before = database.writeQueueStats()
        let cpuBefore = processCPUSeconds()
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for caller in 0..<concurrency {
                    group.addTask {
                        for index in stride(from: caller, to: work.count, by: concurrency) {
                            let _: ReportReceipt = try await desk.commands.run(
                                work[index], by: officer, over: Transport.tcp)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let cpu = processCPUSeconds() - cpuBefore
        let batches = database.writeQueueStats().batches - before.batches
        try database.close()
        let floor = try StorageFloor(
            source: directory.path + "/deskd.sqlite", reportsPerCommit: max(1, reports / max(1, batches))
        ).measure(into: directory)
        guard floor.reports == reports else {
            throw BenchError("the floor wrote \(floor.reports) reports, the round \(reports)")
        }
        return Round(
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            cpuSeconds: cpu, batches: batches, floorSeconds: floor.seconds)
    }
}

/// User and system CPU time of this process so far, in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The median of `values` (the upper one of an even count).
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
