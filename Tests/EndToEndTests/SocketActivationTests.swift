import DeskAPIModels
import DeskTestSupport
import Foundation
import Testing

/// deskd started with inherited listeners serves on them, and binds nothing of its own.
@Suite(.ownThread) struct SocketActivationTests {
    @Test func inheritedTCPAndUnixListenersServeTheAPI() throws {
        let daemon = try DaemonProcess()
        let port = try unusedLoopbackPort()
        let socket = daemon.directory + "/activated.sock"
        let helper = repositoryRoot + "/Tests/EndToEndTests/Helpers/socket-activate.py"
        try daemon.start(launcher: [
            "/usr/bin/python3", helper, "--tcp", "127.0.0.1:\(port)", "--unix", socket, "--names", "http:control", "--",
        ])
        defer { _ = try? daemon.stop() }
        #expect(daemon.log(contains: "socket-activated"))
        #expect(daemon.log(contains: "name control"))

        let overUnix = try runProgram(
            daemon.deskctl, ["report", "--area", "rinkeby", "--text", "Brand", "--socket", socket])
        #expect(overUnix.status == 0, "\(overUnix.stderr)")
        let body = #"{"area":"tensta","text":"Skottlossning just nu"}"#
        let overTCP = try runProgram(
            "/usr/bin/curl",
            ["-s", "-H", "Content-Type: application/json", "-d", body, "http://127.0.0.1:\(port)/v1/reports"]
                + (try daemon.bearer(socket: socket)))
        #expect(try decodeJSON(ReportCreatedBody.self, overTCP.stdout).report.transport == "tcp")
        // The actor over the inherited Unix socket is still the local user.
        let list = try runProgram(daemon.deskctl, ["incident", "list", "--json", "--socket", socket])
        #expect(try decodeJSON(PageBody<IncidentBody>.self, list.stdout).items.count == 2)

        // The configured listeners are not bound.
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
        let configured = try runProgram("/usr/bin/curl", ["-s", "-o", "/dev/null", "\(daemon.url)/healthz"])
        #expect(configured.status != 0)

        #expect(try daemon.stop() == 0)
        // The inherited Unix socket is systemd's: deskd does not unlink it on the way out.
        #expect(FileManager.default.fileExists(atPath: socket))
    }

    /// Security review L5: an inherited TCP listener off loopback is plain HTTP across the network,
    /// refused as `[server] http` is unless `insecure_http = true`.
    @Test func anInheritedListenerOffLoopbackIsRefusedUnlessInsecureHTTPIsSet() throws {
        let helper = repositoryRoot + "/Tests/EndToEndTests/Helpers/socket-activate.py"
        for insecure in [false, true] {
            let daemon = try DaemonProcess(extraConfig: insecure ? "insecure_http = true" : "")
            let port = try unusedLoopbackPort()
            let launcher = ["/usr/bin/python3", helper, "--tcp", "0.0.0.0:\(port)", "--names", "http", "--"]
            if insecure {
                try daemon.start(launcher: launcher)
                let health = try runProgram("/usr/bin/curl", ["-s", "http://127.0.0.1:\(port)/healthz"])
                #expect(health.stdout.contains("ok"))
                #expect(try daemon.stop() == 0)
            } else {
                #expect(throws: HarnessError.self) { try daemon.start(launcher: launcher) }
                #expect(daemon.log(contains: "is plain HTTP off loopback"), "\(daemon.logText)")
                #expect(daemon.log(contains: "insecure_http = true"))
            }
        }
    }

    @Test func withoutInheritedListenersDeskdBindsItsOwn() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { _ = try? daemon.stop() }
        #expect(!daemon.log(contains: "socket-activated"))
        #expect(FileManager.default.fileExists(atPath: daemon.socketPath))
        let health = try runProgram("/usr/bin/curl", ["-s", "\(daemon.url)/healthz"])
        #expect(health.stdout.contains("ok"))
    }
}

/// deskd's own /metrics: request latency from Hummingbird's metrics middleware lands in the same
/// Prometheus registry as the desk's counters.
@Suite(.ownThread) struct DaemonMetricsTests {
    @Test func metricsIncludeRequestLatencyAndDeskCounters() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { _ = try? daemon.stop() }
        #expect(try daemon.ctl("report", "--area", "husby", "--text", "Det brinner i en bil just nu").status == 0)
        _ = try runProgram("/usr/bin/curl", ["-s", "\(daemon.url)/healthz"])
        let metrics = try runProgram("/usr/bin/curl", ["-s", "\(daemon.url)/metrics"] + (try daemon.bearer())).stdout
        #expect(metrics.contains("http_server_request_duration_bucket{http_route=\"/healthz\""))
        #expect(metrics.contains("deskd_reports_received_total{transport=\"unix\",phase=\"during\"} 1"))
        #expect(metrics.contains("deskd_database_bytes "))
    }
}

/// Restarting a socket-activated deskd refuses no connection: requests that arrive while it is
/// down wait in the kernel's queue of the socket the service manager keeps open.
@Suite(.ownThread) struct SocketActivatedRestartTests {
    @Test func requestsDuringARestartAreServedNotRefused() throws {
        let daemon = try DaemonProcess()
        let port = try unusedLoopbackPort()
        let socket = daemon.directory + "/activated.sock"
        let helper = repositoryRoot + "/Tests/EndToEndTests/Helpers/socket-activate.py"
        try daemon.start(launcher: [
            "/usr/bin/python3", helper, "--tcp", "127.0.0.1:\(port)", "--unix", socket, "--supervise", "--",
        ])
        defer { _ = try? daemon.stop() }
        let supervisor = try #require(daemon.pid)

        let results = ResultLog()
        let deskctl = daemon.deskctl
        let bearer = try daemon.bearer(socket: socket)
        let client = Thread {
            for index in 0..<40 {
                let overTCP = index % 2 == 0
                let outcome =
                    overTCP
                    ? try? runProgram(
                        "/usr/bin/curl", ["-s", "-f", "-m", "20", "http://127.0.0.1:\(port)/readyz"] + bearer)
                    : try? runProgram(deskctl, ["area", "list", "--socket", socket])
                results.append(outcome?.status ?? -1)
                usleep(25_000)
            }
        }
        client.start()
        // The restart comes while the client is at work: once its first two requests are answered.
        let started = Date().addingTimeInterval(30)
        while results.count < 2, Date() < started { usleep(10_000) }
        kill(supervisor, SIGHUP)  // the supervisor restarts deskd, keeping the listeners
        let deadline = Date().addingTimeInterval(30)
        while results.count < 40, Date() < deadline { usleep(50_000) }
        #expect(results.count == 40)
        #expect(results.all.allSatisfy { $0 == 0 }, "\(results.all)")
        #expect(daemon.logText.components(separatedBy: "deskd ready").count - 1 == 2, "\(daemon.logText)")
    }
}

/// Exit statuses collected from another thread.
final class ResultLog: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int32] = []
    func append(_ value: Int32) { lock.withLock { values.append(value) } }
    var all: [Int32] { lock.withLock { values } }
    var count: Int { all.count }
}
