import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// `make bench-load`: drives a release deskd on a temporary database with realistic reports over
/// TCP and over its Unix socket, and the same load against a minimal Hummingbird route that decodes
/// the JSON and answers 202 without storing anything (the ceiling); then authenticated reads against
/// `GET /healthz`. Prints tables: requests/s, latency percentiles, errors and deskd's RSS, each the
/// median of several runs, and the ratio to the ceiling. The load comes from `desk-wrk`
/// (`scripts/desk-wrk.c`: C, epoll, keep-alive), which outpaces the server it measures. Not part
/// of the test suite: timings on shared machines are noisy.
@main
struct LoadBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        let root = arguments.count > 1 ? arguments[1] : FileManager.default.currentDirectoryPath
        let seconds = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "") ?? 5
        let rounds = Int(ProcessInfo.processInfo.environment["BENCH_ROUNDS"] ?? "") ?? 3
        let workers = Int(ProcessInfo.processInfo.environment["BENCH_CLIENTS"] ?? "") ?? 32
        let bodies = try Workload.bodies(root: root)

        let daemon = try await Daemon.start(root: root)
        defer { daemon.stop() }
        // PostgreSQL beside SQLite when a cluster is given (make bench-load starts a throwaway one).
        var postgres: Daemon?
        if let cluster = ProcessInfo.processInfo.environment["DESK_TEST_POSTGRES_URL"] {
            postgres = try await Daemon.start(root: root, storage: try PostgresDatabase.create(in: cluster))
        }
        defer { postgres?.stop() }
        // Another deskd binary on PostgreSQL in the same rounds (DESKD_BASELINE, e.g. main's
        // build), so that a change to the PostgreSQL path is compared run against run.
        var baseline: Daemon?
        if let cluster = ProcessInfo.processInfo.environment["DESK_TEST_POSTGRES_URL"],
            let binary = ProcessInfo.processInfo.environment["DESKD_BASELINE"]
        {
            baseline = try await Daemon.start(
                root: root, storage: try PostgresDatabase.create(in: cluster), binary: binary)
        }
        defer { baseline?.stop() }
        let ceiling = try await Ceiling.start(directory: daemon.directory)

        let generator = LoadGenerator(
            binary: ProcessInfo.processInfo.environment["DESK_WRK"] ?? root + "/.build/desk-wrk",
            bodies: daemon.directory + "/bodies.jsonl", connections: workers, seconds: seconds)
        try Data(bodies.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: generator.bodies))

        /// Each round runs every request once, in turn, so that a ratio between two rows compares
        /// runs made in the same stretch of time (a checkpoint or a noisy neighbour then slows
        /// both, not only whichever row happened to run during it); the median of the rounds per
        /// request.
        func interleaved(_ target: Target, _ requests: [LoadGenerator.Request]) async throws -> [Result] {
            var runs = [[Result]](repeating: [], count: requests.count)
            for _ in 0..<rounds {
                for (index, request) in requests.enumerated() {
                    runs[index].append(try await generator.run(target, request))
                }
            }
            return runs.map { $0.sorted { $0.perSecond < $1.perSecond }[$0.count / 2] }
        }
        let auth = "Authorization: Bearer \(daemon.token)"
        var rows: [Row] = []
        var targets = [
            ("deskd, TCP", daemon.tcp, daemon), ("deskd, Unix socket", daemon.unix, daemon),
            ("ceiling, TCP", ceiling.tcp, nil), ("ceiling, Unix socket", ceiling.unix, nil),
        ]
        if let postgres {
            targets += [
                ("deskd on PostgreSQL, TCP", postgres.tcp, postgres),
                ("deskd on PostgreSQL, Unix socket", postgres.unix, postgres),
            ]
        }
        if let baseline {
            targets += [
                ("baseline deskd on PostgreSQL, TCP", baseline.tcp, baseline),
                ("baseline deskd on PostgreSQL, Unix socket", baseline.unix, baseline),
            ]
        }
        // Every ingest row runs once per round, in turn, so that the ratios between rows (deskd to
        // its ceiling, PostgreSQL to SQLite) compare runs made in the same stretch of time.
        var ingestRuns = [[Result]](repeating: [], count: targets.count)
        for _ in 0..<rounds {
            for (index, (_, target, owner)) in targets.enumerated() {
                let header = "Authorization: Bearer \(owner?.token ?? daemon.token)"
                ingestRuns[index].append(
                    try await generator.run(target, .init(method: "POST", path: "/v1/reports", headers: [header])))
            }
        }
        for ((name, _, owner), runs) in zip(targets, ingestRuns) {
            let result = runs.sorted { $0.perSecond < $1.perSecond }[runs.count / 2]
            rows.append(Row(name: name, result: result, rssKiB: owner?.rssKiB()))
        }
        try await ceiling.stop()
        // A long ingest (BENCH_SOAK_SECONDS), to see whether deskd's memory stays flat.
        if let soak = Double(ProcessInfo.processInfo.environment["BENCH_SOAK_SECONDS"] ?? ""), soak > 0 {
            let before = daemon.rssKiB() ?? 0
            var long = generator
            long.seconds = soak
            let result = try await long.run(
                daemon.unix, .init(method: "POST", path: "/v1/reports", headers: [auth]))
            print(
                "Soak: \(Int(result.perSecond * soak)) reports over the Unix socket in \(Int(soak)) s "
                    + "(\(Int(result.perSecond))/s, \(result.errors) errors); deskd RSS \(before / 1024) → "
                    + "\((daemon.rssKiB() ?? 0) / 1024) MiB")
        }
        print(
            "Ingest: \(workers) connections, \(Int(seconds)) s per run, median of \(rounds) runs; "
                + "reports from seeds/demo-reports.json over every area"
        )
        print(Row.header(unit: "reports/s"))
        for row in rows {
            let ceilingRow = rows.first { $0.name == row.name.replacingOccurrences(of: "deskd", with: "ceiling") }
            print(row.line(ceiling: row.name.hasPrefix("deskd") ? ceilingRow?.result.perSecond : nil))
        }
        for transport in ["TCP", "Unix socket"] {
            // rows and ingestRuns are both in the order of targets.
            for (name, baseName) in [
                ("PostgreSQL / SQLite", "deskd"), ("PostgreSQL / baseline", "baseline deskd on PostgreSQL"),
            ] {
                guard let baseIndex = rows.firstIndex(where: { $0.name == "\(baseName), \(transport)" }),
                    let pgIndex = rows.firstIndex(where: { $0.name == "deskd on PostgreSQL, \(transport)" })
                else { continue }
                let (base, pg) = (rows[baseIndex], rows[pgIndex])
                // Also each round's own ratio, so that the spread between rounds is in the output.
                let perRound = zip(ingestRuns[baseIndex], ingestRuns[pgIndex]).map {
                    String(format: "%.2f", $1.perSecond / $0.perSecond)
                }
                print(
                    "\(name), \(transport): \(Int(pg.result.perSecond)) / \(Int(base.result.perSecond)) "
                        + "= \(String(format: "%.2f", pg.result.perSecond / base.result.perSecond)) "
                        + "(each round: \(perRound.joined(separator: ", ")))")
            }
        }
        if let postgres {
            // The reads of a desk holding the reports above, on each engine, interleaved.
            let latest = LoadGenerator.Request(method: "GET", path: "/v1/incidents?limit=50", headers: [auth])
            let pgLatest = LoadGenerator.Request(
                method: "GET", path: "/v1/incidents?limit=50", headers: ["Authorization: Bearer \(postgres.token)"])
            var sqliteRuns: [Result] = []
            var pgRuns: [Result] = []
            for _ in 0..<rounds {
                sqliteRuns.append(try await generator.run(daemon.tcp, latest))
                pgRuns.append(try await generator.run(postgres.tcp, pgLatest))
            }
            let middle = { (runs: [Result]) in runs.sorted { $0.perSecond < $1.perSecond }[runs.count / 2] }
            print(Row.header(unit: "requests/s", ratio: "of SQLite"))
            let sqliteRow = Row(name: "GET /v1/incidents?limit=50, SQLite", result: middle(sqliteRuns), rssKiB: nil)
            print(sqliteRow.line(ceiling: sqliteRow.result.perSecond))
            print(
                Row(name: "GET /v1/incidents?limit=50, PostgreSQL", result: middle(pgRuns), rssKiB: nil)
                    .line(ceiling: sqliteRow.result.perSecond))
        }

        // Reads over TCP, against the unauthenticated health check measured in the same run.
        let reads: [(String, LoadGenerator.Request)] = [
            ("GET /healthz (no auth)", .init(method: "GET", path: "/healthz", headers: [])),
            ("GET /v1/areas", .init(method: "GET", path: "/v1/areas", headers: [auth])),
            ("GET /v1/incidents?limit=1", .init(method: "GET", path: "/v1/incidents?limit=1", headers: [auth])),
            ("GET /v1/incidents?limit=50", .init(method: "GET", path: "/v1/incidents?limit=50", headers: [auth])),
        ]
        let readRows = zip(reads, try await interleaved(daemon.tcp, reads.map(\.1))).map {
            Row(name: $0.0, result: $1, rssKiB: daemon.rssKiB())
        }
        print("")
        print(
            "Reads over TCP: \(workers) connections, median of \(rounds) interleaved rounds "
                + "(the desk holds the reports above)")
        print(Row.header(unit: "requests/s", ratio: "of /healthz"))
        for row in readRows { print(row.line(ceiling: readRows.first?.result.perSecond)) }

        // The demo desk (its dozen demo incidents, as `make run` shows them), measured the same way.
        daemon.stop()
        let demo = try await Daemon.start(root: root, demo: true)
        defer { demo.stop() }
        let demoAuth = "Authorization: Bearer \(demo.token)"
        let demoReads: [(String, LoadGenerator.Request)] = [
            ("GET /healthz (no auth)", .init(method: "GET", path: "/healthz", headers: [])),
            ("GET /v1/incidents?limit=50", .init(method: "GET", path: "/v1/incidents?limit=50", headers: [demoAuth])),
        ]
        let demoRows = zip(demoReads, try await interleaved(demo.tcp, demoReads.map(\.1))).map {
            Row(name: $0.0, result: $1, rssKiB: demo.rssKiB())
        }
        print("")
        print(
            "Reads over TCP on the demo desk (seeds/demo-reports.json): \(workers) connections, "
                + "median of \(rounds) interleaved rounds"
        )
        print(Row.header(unit: "requests/s", ratio: "of /healthz"))
        for row in demoRows { print(row.line(ceiling: demoRows.first?.result.perSecond)) }
    }
}

/// Where to send requests: a TCP address (`127.0.0.1:PORT`) or a Unix socket path.
struct Target: Sendable {
    var tcp: String?
    var unix: String?
}

/// What one run measured (latencies in seconds).
struct Result: Sendable {
    var perSecond: Double
    var p50: Double
    var p99: Double
    var p999: Double
    var errors: Int
}

/// One line of a table.
struct Row {
    var name: String
    var result: Result
    var rssKiB: Int?

    static func header(unit: String, ratio: String = "of ceiling") -> String {
        "| target | \(unit) | p50 ms | p99 ms | p99.9 ms | errors | deskd RSS MiB | \(ratio) |\n|---|---|---|---|---|---|---|---|"
    }

    func line(ceiling: Double?) -> String {
        let ms = { (value: Double) in String(format: "%.2f", value * 1000) }
        let ratio = ceiling.map { String(format: "%.2f", result.perSecond / $0) } ?? "-"
        let rss = rssKiB.map { String(format: "%.0f", Double($0) / 1024) } ?? "-"
        return
            "| \(name) | \(Int(result.perSecond)) | \(ms(result.p50)) | \(ms(result.p99)) | "
            + "\(ms(result.p999)) | \(result.errors) | \(rss) | \(ratio) |"
    }
}

/// `desk-wrk` (scripts/desk-wrk.c), run as its own process: closed-loop keep-alive connections,
/// each sending the next request as soon as the answer to the last is complete.
struct LoadGenerator {
    struct Request {
        var method: String
        var path: String
        var headers: [String]
    }

    var binary: String
    /// One JSON body per line; POSTs take them in turn.
    var bodies: String
    var connections: Int
    var seconds: Double

    func run(_ target: Target, _ request: Request) async throws -> Result {
        var arguments = target.tcp.map { ["--tcp", $0] } ?? ["--unix", target.unix ?? ""]
        arguments += [
            "--method", request.method, "--path", request.path, "--connections", "\(connections)",
            "--seconds", "\(seconds)",
        ]
        if request.method == "POST" { arguments += ["--bodies", bodies] }
        for header in request.headers { arguments += ["--header", header] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        guard process.terminationStatus == 0,
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let perSecond = object["per_second"] as? Double
        else {
            throw BenchError(
                "desk-wrk \(arguments.joined(separator: " ")) failed: \(String(decoding: data, as: UTF8.self))")
        }
        let ms = { (key: String) in (object[key] as? Double ?? .nan) / 1000 }
        return Result(
            perSecond: perSecond, p50: ms("p50_ms"), p99: ms("p99_ms"), p999: ms("p999_ms"),
            errors: object["errors"] as? Int ?? 0)
    }
}

/// Realistic report bodies: the demo reports, spread over every area.
enum Workload {
    static func bodies(root: String) throws -> [String] {
        struct Demo: Decodable {
            struct Report: Decodable {
                var area: String
                var text: String
                var phase: String?
            }
            var reports: [Report]
        }
        struct Areas: Decodable {
            struct Area: Decodable { var id: String }
            var areas: [Area]
        }
        let demo = try JSONDecoder().decode(
            Demo.self, from: Data(contentsOf: URL(fileURLWithPath: root + "/seeds/demo-reports.json")))
        let areas = try JSONDecoder().decode(
            Areas.self, from: Data(contentsOf: URL(fileURLWithPath: root + "/seeds/areas.json"))
        ).areas.map(\.id)
        var bodies: [String] = []
        for (index, area) in areas.enumerated() {
            for report in demo.reports {
                let object: [String: Any] = [
                    "area": area, "text": "\(report.text) (\(index))", "phase": report.phase ?? "during",
                ]
                let data = try JSONSerialization.data(withJSONObject: object)
                bodies.append(String(decoding: data, as: UTF8.self))
            }
        }
        return bodies
    }
}

/// A release deskd on a temporary database (no rate limits for the bench token: it is an admin).
///
/// `@unchecked Sendable`: every property is a `let`; the one that is not itself Sendable,
/// Foundation's `Process`, is only asked to terminate and to wait, which it allows from any thread.
final class Daemon: @unchecked Sendable {
    let directory: String
    let process: Process
    let tcp: Target
    let unix: Target
    let token: String

    private init(directory: String, process: Process, tcp: Target, unix: Target, token: String) {
        self.directory = directory
        self.process = process
        self.tcp = tcp
        self.unix = unix
        self.token = token
    }

    /// Starts a release deskd on a new temporary database; with `demo`, seeded with the demo reports.
    /// `binary`: the deskd to run (default: `DESKD`, else the release build).
    static func start(
        root: String, demo: Bool = false, storage: String = "", binary: String? = nil
    ) async throws
        -> Daemon
    {
        let directory = "/tmp/desk-load-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory + "/run", withIntermediateDirectories: true)
        let port = 20_000 + Int.random(in: 0..<20_000)
        let socket = directory + "/run/deskd.sock"
        let config = """
            [server]
            http = "127.0.0.1:\(port)"
            unix_socket = "\(socket)"
            [storage]
            state_directory = "\(directory)/state"
            \(storage)
            [areas]
            file = "\(root)/seeds/areas.json"
            [classifier]
            rules = "\(root)/config/classifier.toml"
            model_dir = "\(root)/model"
            \(demo ? "[seeds]\ndemo_reports = \"\(root)/seeds/demo-reports.json\"" : "")
            [log]
            level = "warning"
            target = "stderr"
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/deskd.toml"))
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: binary ?? ProcessInfo.processInfo.environment["DESKD"] ?? root + "/.build/release/deskd")
        process.arguments = ["--config", directory + "/deskd.toml"]
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let unixBase = "http+unix://\(socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socket)"
        for _ in 0..<300 {
            if FileManager.default.fileExists(atPath: socket) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        var request = HTTPClientRequest(url: unixBase + "/v1/tokens")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"name": "bench", "role": "admin"}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 16)
        guard let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let token = object["secret"] as? String
        else { throw BenchError("could not make a token: \(String(buffer: body))") }
        return Daemon(
            directory: directory, process: process, tcp: Target(tcp: "127.0.0.1:\(port)"),
            unix: Target(unix: socket), token: token)
    }

    func rssKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    /// Stops deskd (if still running) and removes its directory; calling it again does nothing.
    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The ceiling: a Hummingbird route that decodes the report JSON and answers 202, storing nothing.
struct Ceiling {
    let tcp: Target
    let unix: Target
    let task: Task<Void, any Error>

    struct Report: Decodable {
        var area: String
        var text: String
        var phase: String?
    }

    static func start(directory: String) async throws -> Ceiling {
        let port = 40_000 + Int.random(in: 0..<20_000)
        let socket = directory + "/run/ceiling.sock"
        func app(_ address: BindAddress) -> some ApplicationProtocol {
            let router = Router()
            router.post("/v1/reports") { request, context -> Response in
                let report = try await request.decode(as: Report.self, context: context)
                return Response(
                    status: .accepted, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: #"{"area":"\#(report.area)"}"#)))
            }
            var logger = Logger(label: "ceiling")
            logger.logLevel = .critical
            return Application(router: router, configuration: .init(address: address, backlog: 1024), logger: logger)
        }
        let tcpApp = app(.hostname("127.0.0.1", port: port))
        let unixApp = app(.unixDomainSocket(path: socket))
        let task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await tcpApp.runService() }
                group.addTask { try await unixApp.runService() }
                try await group.waitForAll()
            }
        }
        for _ in 0..<100 {
            if FileManager.default.fileExists(atPath: socket) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(200))
        return Ceiling(tcp: Target(tcp: "127.0.0.1:\(port)"), unix: Target(unix: socket), task: task)
    }

    func stop() async throws {
        task.cancel()
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A new database in a PostgreSQL cluster, for a deskd to run on.
enum PostgresDatabase {
    /// Creates it with psql; returns the `[storage]` lines that point deskd at it.
    static func create(in cluster: String) throws -> String {
        guard let slash = cluster.lastIndex(of: "/") else { throw BenchError("not a PostgreSQL URL: \(cluster)") }
        let name = "bench_" + UUID().uuidString.prefix(8).lowercased()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [cluster, "-qc", "CREATE DATABASE \(name)"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("psql could not create \(name)") }
        return "engine = \"postgresql\"\nurl = \"\(cluster[...slash])\(name)\""
    }
}
