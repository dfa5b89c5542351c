import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// `make bench-load`: drives a release deskd on a temporary database with realistic reports over
/// TCP and over its Unix socket, and the same load against a minimal Hummingbird route that decodes
/// the JSON and answers 202 without storing anything (the ceiling). Prints one table: reports/s,
/// latency percentiles, errors and deskd's RSS, each the median of several runs, and the ratio to
/// the ceiling. Not part of the test suite: timings on shared machines are noisy.
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
        let ceiling = try await Ceiling.start(directory: daemon.directory)

        var rows: [Row] = []
        for (name, target) in [
            ("deskd, TCP", daemon.tcp), ("deskd, Unix socket", daemon.unix),
            ("ceiling, TCP", ceiling.tcp), ("ceiling, Unix socket", ceiling.unix),
        ] {
            var runs: [Result] = []
            for _ in 0..<rounds {
                runs.append(
                    try await Driver.run(
                        target: target, token: daemon.token, bodies: bodies, workers: workers, seconds: seconds))
            }
            let median = runs.sorted { $0.perSecond < $1.perSecond }[runs.count / 2]
            rows.append(Row(name: name, result: median, rssKiB: name.hasPrefix("deskd") ? daemon.rssKiB() : nil))
        }
        try await ceiling.stop()
        print(
            "Load: \(workers) clients, \(Int(seconds)) s per run, median of \(rounds) runs; reports from seeds/demo-reports.json"
        )
        print(Row.header)
        for row in rows {
            let ceilingRow = rows.first { $0.name == row.name.replacingOccurrences(of: "deskd", with: "ceiling") }
            print(row.line(ceiling: row.name.hasPrefix("deskd") ? ceilingRow?.result.perSecond : nil))
        }
    }
}

/// Where to send reports.
struct Target: Sendable {
    var url: String
}

/// What one run measured.
struct Result: Sendable {
    var perSecond: Double
    var latencies: [Double]
    var errors: Int

    func percentile(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}

/// One line of the table.
struct Row {
    var name: String
    var result: Result
    var rssKiB: Int?

    static let header =
        "| target | reports/s | p50 ms | p99 ms | p99.9 ms | errors | deskd RSS MiB | of ceiling |\n|---|---|---|---|---|---|---|---|"

    func line(ceiling: Double?) -> String {
        let ms = { (value: Double) in String(format: "%.2f", value * 1000) }
        let ratio = ceiling.map { String(format: "%.2f", result.perSecond / $0) } ?? "-"
        let rss = rssKiB.map { String(format: "%.0f", Double($0) / 1024) } ?? "-"
        return
            "| \(name) | \(Int(result.perSecond)) | \(ms(result.percentile(0.5))) | \(ms(result.percentile(0.99))) | "
            + "\(ms(result.percentile(0.999))) | \(result.errors) | \(rss) | \(ratio) |"
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

/// Closed-loop clients: each sends a report, waits for the answer, sends the next.
enum Driver {
    static func run(
        target: Target, token: String, bodies: [String], workers: Int, seconds: Double
    ) async throws
        -> Result
    {
        let deadline = Date().addingTimeInterval(seconds)
        let started = Date()
        let perWorker = await withTaskGroup(of: ([Double], Int).self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var latencies: [Double] = []
                    var errors = 0
                    var index = worker
                    while Date() < deadline {
                        var request = HTTPClientRequest(url: target.url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: "Authorization", value: "Bearer \(token)")
                        request.body = .bytes(ByteBuffer(string: bodies[index % bodies.count]))
                        index += workers
                        let sent = Date()
                        do {
                            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            if response.status.code == 201 || response.status.code == 202 {
                                latencies.append(Date().timeIntervalSince(sent))
                            } else {
                                errors += 1
                            }
                        } catch {
                            errors += 1
                        }
                    }
                    return (latencies, errors)
                }
            }
            var all: [([Double], Int)] = []
            for await part in group { all.append(part) }
            return all
        }
        let elapsed = Date().timeIntervalSince(started)
        let latencies = perWorker.flatMap(\.0)
        return Result(
            perSecond: Double(latencies.count) / elapsed, latencies: latencies, errors: perWorker.map(\.1).reduce(0, +))
    }
}

/// A release deskd on a temporary database (no rate limits for the bench token: it is an admin).
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

    static func start(root: String) async throws -> Daemon {
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
            [areas]
            file = "\(root)/seeds/areas.json"
            [classifier]
            rules = "\(root)/config/classifier.toml"
            [log]
            level = "warning"
            target = "stderr"
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/deskd.toml"))
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: ProcessInfo.processInfo.environment["DESKD"] ?? root + "/.build/release/deskd")
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
            directory: directory, process: process, tcp: Target(url: "http://127.0.0.1:\(port)/v1/reports"),
            unix: Target(url: unixBase + "/v1/reports"), token: token)
    }

    func rssKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    func stop() {
        process.terminate()
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
        let encoded = socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socket
        return Ceiling(
            tcp: Target(url: "http://127.0.0.1:\(port)/v1/reports"),
            unix: Target(url: "http+unix://\(encoded)/v1/reports"), task: task)
    }

    func stop() async throws {
        task.cancel()
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
