import DeskTestSupport
import Foundation
import Testing

/// deskd under a (simulated) service manager: readiness, status, watchdog and stopping arrive on
/// `NOTIFY_SOCKET` — and nothing is sent when the variables are unset.
@Suite(.ownThread) struct SystemdNotifyTests {
    @Test func readyStatusWatchdogAndStoppingReachTheNotifySocket() throws {
        let daemon = try DaemonProcess(demo: true, extraConfig: "instance = \"desk-a\"")
        let notify = try NotifySocket(directory: daemon.directory)
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"])
        let first = notify.collect(timeout: 10) { $0.contains("READY=1") }
        let ready = try #require(first.last { $0.contains("READY=1") }, "\(first)")
        // Before it opens (and maybe migrates) its database, deskd asks for more start-up time.
        #expect(
            first.first
                == "EXTEND_TIMEOUT_USEC=60000000\nSTATUS=Opening the database (migrating it if this deskd is newer)",
            "\(first)")
        // Ready only once listeners accept: the socket answers right away.
        #expect(try daemon.ctl("area", "list").status == 0)
        #expect(ready.contains("STATUS=Serving as desk-a; 6 open ("), "\(ready)")
        let metrics = try runProgram("/usr/bin/curl", ["-s", daemon.url + "/metrics"] + (try daemon.bearer()))
        #expect(metrics.stdout.contains(#"deskd_instance_info{name="desk-a"} 1"#), "\(metrics.stdout.prefix(500))")
        // Pings at half of 0.4 s: several within 1.5 s, each after a database check. Those sent
        // while the checks above ran (longer on a loaded machine) are not this window's.
        _ = notify.drain()
        let pings = notify.collect(timeout: 1.5).filter { $0 == "WATCHDOG=1" }
        #expect(pings.count >= 4, "\(pings)")
        #expect(pings.count <= 12, "\(pings)")
        #expect(try daemon.stop() == 0)
        let last = notify.collect(timeout: 5) { $0.contains("STOPPING=1") }
        #expect(last.contains { $0.contains("STOPPING=1") }, "\(last)")
    }

    @Test func withoutAWatchdogThereAreNoPings() throws {
        let daemon = try DaemonProcess()
        let notify = try NotifySocket(directory: daemon.directory)
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path])
        defer { _ = try? daemon.stop() }
        #expect(notify.collect(timeout: 10) { $0.contains("READY=1") }.contains { $0.contains("READY=1") })
        #expect(!notify.collect(timeout: 1).contains("WATCHDOG=1"))
    }

    @Test func unsupervisedDeskdSendsNothing() throws {
        let daemon = try DaemonProcess()
        let notify = try NotifySocket(directory: daemon.directory)
        // The socket exists but nobody tells deskd about it (WATCHDOG_USEC alone is not enough).
        try daemon.start(environment: ["WATCHDOG_USEC": "200000"])
        #expect(try daemon.ctl("area", "list").status == 0)
        #expect(notify.collect(timeout: 1).isEmpty)
        #expect(try daemon.stop() == 0)
        #expect(notify.collect(timeout: 0.5).isEmpty)
    }

    @Test func aStartUpFailureSaysWhyInTheStatus() throws {
        let daemon = try DaemonProcess(extraConfig: "max_body_size = 10")
        let notify = try NotifySocket(directory: daemon.directory)
        let result = try runProgram(
            daemon.deskd, ["--config", daemon.configPath], environment: ["NOTIFY_SOCKET": notify.path])
        #expect(result.status == 78)
        let messages = notify.collect(timeout: 2)
        #expect(messages.contains { $0.hasPrefix("STATUS=Invalid configuration: ") && $0.contains("max_body_size") })
        #expect(!messages.contains { $0.contains("READY=1") })
    }
}

/// The watchdog on PostgreSQL: a server that goes away (a failover, a restart) is not deskd's
/// failure, and a restart by systemd could not bring it back (found by the installed two-host test:
/// systemd killed deskd 30 s into a PostgreSQL restart, and it could not start again until the
/// server was back).
@Suite(.ownThread, .serialized) struct WatchdogOnPostgreSQLTests {
    @Test(.enabled(if: DaemonEngine.clusterURL != nil, "PostgreSQL tests run with make test's cluster"))
    func theWatchdogIsPingedWhileThePostgreSQLServerIsAway() throws {
        let cluster = try ThrowawayCluster(prefix: "desk-watchdog")
        defer { cluster.stop() }
        let daemon = try DaemonProcess(
            extraConfig: "instance = \"desk-w\"", storageConfig: "engine = \"postgresql\"\nurl = \"\(cluster.url)\"")
        let notify = try NotifySocket(directory: daemon.directory)
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"])
        defer { _ = try? daemon.stop() }
        #expect(notify.collect(timeout: 30) { $0.contains("READY=1") }.contains { $0.contains("READY=1") })
        let bearer = try daemon.bearer()

        try cluster.halt()
        let readyz = try runProgram(
            "/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", daemon.url + "/readyz"] + bearer)
        #expect(readyz.stdout == "503")
        // Pings at half of 0.4 s go on while the server is away; the STATUS= line (refreshed every
        // 15 s) says why.
        let unavailable = "STATUS=Serving as desk-w; the database is unavailable: "
        let away = notify.collect(timeout: 20) { $0.hasPrefix(unavailable) }
        #expect(away.filter { $0 == "WATCHDOG=1" }.count >= 4, "\(away)")
        #expect(away.contains { $0.hasPrefix(unavailable) }, "\(away)")
        let log = (try? String(contentsOfFile: daemon.logPath, encoding: .utf8)) ?? ""
        #expect(log.components(separatedBy: "the database is unavailable; deskd stays up").count == 2, "\(log)")

        try cluster.resume()
        var answered = false
        for _ in 0..<60 where !answered {
            answered = try daemon.ctl("report", "--area", "Tensta", "--text", "Brand i källaren nu").status == 0
            if !answered { Thread.sleep(forTimeInterval: 0.5) }
        }
        #expect(answered)
        #expect(daemon.pid != nil && kill(daemon.pid ?? 0, 0) == 0)
        let back = notify.collect(timeout: 1)
        #expect(back.contains("WATCHDOG=1"), "\(back)")
    }
}
