import Foundation
import Testing

/// A replicated PostgreSQL pair under pg_auto_failover for one test (`scripts/pg-ha-cluster`):
/// a monitor and two nodes on loopback ports, synchronous replication, failover in seconds.
/// Stopped (every process it started killed, its directory removed) by `stop()` or when it goes.
final class HACluster {
    static let script = repositoryRoot + "/scripts/pg-ha-cluster"

    /// Whether pg_auto_failover is installed (scripts/setup.sh installs it).
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/pg_autoctl") }

    let directory: String
    /// The multi-host URL of the pair's `postgres` database (target_session_attrs=read-write).
    let url: String
    private var stopped = false

    /// Starts the pair (at most 4 minutes: three initdb and a base backup on a busy machine).
    init() throws {
        directory = "/tmp/desk-ha-\(UUID().uuidString.prefix(8).lowercased())"
        let started = try runProgram(Self.script, ["start", directory], timeout: 240)
        guard started.status == 0 else {
            _ = try? runProgram(Self.script, ["stop", directory])
            throw HarnessError("pg-ha-cluster start failed (\(started.status)):\n\(started.stderr)")
        }
        print(started.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        url = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit { stop() }

    /// Stops every process of the pair and removes its directory; again is harmless.
    func stop() {
        guard !stopped else { return }
        stopped = true
        _ = try? runProgram(Self.script, ["stop", directory])
    }

    /// A new, empty database on the pair; its multi-host URL.
    func database() throws -> String {
        let name = "ha_" + UUID().uuidString.prefix(8).lowercased()
        let created = try runProgram("/usr/bin/psql", [url, "-qc", "CREATE DATABASE \(name)"])
        guard created.status == 0 else { throw HarnessError("psql: \(created.stderr)") }
        return url.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
    }

    /// The primary's `synchronous_standby_names` and its standbys' `sync_state`s.
    func synchronousState() throws -> String { try run("sync") }

    /// Kills the primary's postgres and pg_autoctl with SIGKILL; the host:port killed.
    func killPrimary() throws -> String { try run("kill-primary") }

    /// Waits until a node takes writes again; its host:port.
    func waitPrimary(seconds: Int) throws -> String {
        try run("wait-primary", String(seconds), timeout: seconds + 10)
    }

    private func run(_ command: String, _ more: String..., timeout: Int = 60) throws -> String {
        let result = try runProgram(Self.script, [command, directory] + more, timeout: timeout)
        guard result.status == 0 else { throw HarnessError("pg-ha-cluster \(command): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
