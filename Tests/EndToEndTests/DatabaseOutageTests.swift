import DeskTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// deskd on PostgreSQL while its server is down and after it is back (issue 31): alive, saying so
/// in /healthz, not ready (/readyz 503 with Retry-After), writes answered 503 with Retry-After and
/// nothing stored; once the server is back, the same connections' owner finds it again and a
/// retry with the same Idempotency-Key stores the report once. `deskd_ready` in /metrics (the
/// "deskd not ready" alert's series, issue 35) follows /readyz: 1, 0 while the server is away, 1.
@Suite(.ownThread, .enabled(if: DaemonEngine.clusterURL != nil)) struct DatabaseOutageTests {
    @Test func aDeskdWhoseServerGoesAwaySaysSoAnswers503AndCarriesOnWhenItIsBack() throws {
        let cluster = try ThrowawayCluster(prefix: "desk-outage")
        defer { cluster.stop() }
        let url = cluster.url + "?connect_timeout=2"
        let daemon = try DaemonProcess(storageConfig: "engine = \"postgresql\"\nurl = \"\(url)\"")
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let token = try daemon.bearer()
        #expect(try get(daemon, "/healthz", token).contains(#""database":"ok""#))
        #expect(try get(daemon, "/readyz", token).hasPrefix("HTTP/1.1 200"))
        #expect(try ready(daemon, token) == 1)

        try cluster.halt(mode: "immediate")
        let health = try get(daemon, "/healthz", token)
        #expect(health.hasPrefix("HTTP/1.1 200"), "\(health)")
        #expect(health.contains(#""database":"unavailable""#), "\(health)")
        let readiness = try get(daemon, "/readyz", token)
        #expect(readiness.hasPrefix("HTTP/1.1 503"), "\(readiness)")
        #expect(readiness.lowercased().contains("content-type: application/problem+json"), "\(readiness)")
        #expect(readiness.lowercased().contains("\nretry-after: "), "\(readiness)")
        let refused = try report(daemon, key: "outage-1")
        #expect(refused.hasPrefix("HTTP/1.1 503"), "\(refused)")
        #expect(refused.lowercased().contains("\nretry-after: "), "\(refused)")
        #expect(refused.contains("storage-unavailable"), "\(refused)")
        #expect(try ready(daemon, token) == 0)

        try cluster.resume()
        let deadline = Date().addingTimeInterval(30)
        while try !get(daemon, "/readyz", token).hasPrefix("HTTP/1.1 200") {
            try #require(Date() < deadline, "deskd did not find its server again within 30 s")
            usleep(200_000)
        }
        #expect(try get(daemon, "/healthz", token).contains(#""database":"ok""#))
        #expect(try ready(daemon, token) == 1)
        let stored = try report(daemon, key: "outage-1")
        #expect(stored.hasPrefix("HTTP/1.1 201"), "\(stored)")
        #expect(try report(daemon, key: "outage-1").contains("Idempotent-Replayed: true"))
        let rows = try psqlRows(url, "SELECT count(*) FROM report WHERE text LIKE '%outage test outage-1%'")
        #expect(rows == [["1"]])
        #expect(try daemon.ctl("verify").status == 0)
    }

    /// A server that stops answering without closing anything (its machine lost, its process
    /// stopped): the write is given up after the connection's deadline (35 s) and answered 503
    /// with Retry-After, instead of hanging; once the server answers again, the retry with the same
    /// key stores the report once.
    @Test func aWriteToAServerThatNoLongerAnswersIsGivenUpWith503() throws {
        let cluster = try ThrowawayCluster(prefix: "desk-silent")
        defer { cluster.stop() }
        let url = cluster.url + "?connect_timeout=2"
        let daemon = try DaemonProcess(storageConfig: "engine = \"postgresql\"\nurl = \"\(url)\"")
        try daemon.start()
        defer { _ = try? daemon.stop() }
        #expect(try report(daemon, key: "silent-0").hasPrefix("HTTP/1.1 201"))

        let postmaster =
            try String(contentsOfFile: cluster.directory + "/data/postmaster.pid", encoding: .utf8)
            .split(separator: "\n").first.map(String.init) ?? ""
        let children = try runProgram("/usr/bin/ps", ["-o", "pid=", "--ppid", postmaster]).stdout
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let server = ([postmaster] + children).compactMap { Int32($0) }
        try #require(server.count > 1, "no server processes under \(postmaster)")
        server.forEach { kill($0, SIGSTOP) }
        let stalled = try report(daemon, key: "silent-1", seconds: 60)
        server.forEach { kill($0, SIGCONT) }
        #expect(stalled.hasPrefix("HTTP/1.1 503"), "\(stalled)")
        #expect(stalled.lowercased().contains("\nretry-after: "), "\(stalled)")
        #expect(stalled.contains("storage-unavailable"), "\(stalled)")

        let stored = try report(daemon, key: "silent-1")
        #expect(stored.hasPrefix("HTTP/1.1 201"), "\(stored)")
        let rows = try psqlRows(url, "SELECT count(*) FROM report WHERE text LIKE '%silent-1%'")
        #expect(rows == [["1"]])
    }

    private func get(_ daemon: DaemonProcess, _ path: String, _ token: [String]) throws -> String {
        try runProgram("/usr/bin/curl", ["-s", "-i", "-m", "20"] + token + [daemon.url + path]).stdout
    }

    private func report(_ daemon: DaemonProcess, key: String, seconds: Int = 20) throws -> String {
        let body = #"{"area": "rinkeby", "text": "Brand i soprum, outage test \#(key)"}"#
        return try runProgram(
            "/usr/bin/curl",
            [
                "-s", "-i", "-m", "\(seconds)", "-H", "Content-Type: application/json", "-H", "Idempotency-Key: \(key)",
                "-d", body, "--unix-socket", daemon.socketPath, "http://localhost/v1/reports",
            ], timeout: seconds + 10
        ).stdout
    }

    /// The `deskd_ready` sample of one scrape of /metrics (itself answered 200 whether or not the
    /// database is), or nil when there is none.
    private func ready(_ daemon: DaemonProcess, _ token: [String]) throws -> Double? {
        let metrics = try get(daemon, "/metrics", token)
        #expect(metrics.hasPrefix("HTTP/1.1 200"), "\(metrics.prefix(300))")
        return metrics.split(separator: "\n").first { $0.hasPrefix("deskd_ready ") }
            .flatMap { Double($0.dropFirst("deskd_ready ".count).trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
