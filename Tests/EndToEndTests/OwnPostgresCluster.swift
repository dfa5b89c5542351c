import Foundation

/// A PostgreSQL cluster of one test's own (scripts/pg-test-cluster, in a temporary directory), for
/// tests that stop and start the server under a running deskd — which the shared test cluster
/// must never be.
final class OwnPostgresCluster {
    let directory: String
    let url: String
    private let script: String

    /// Whether the tests can make one here (PostgreSQL installed).
    static var available: Bool {
        (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.isEmpty == false
    }

    init() throws {
        // Tests/EndToEndTests/OwnPostgresCluster.swift: three levels below the checkout.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        script = root + "/scripts/pg-test-cluster"
        directory = "/tmp/desk-own-pg-\(UUID().uuidString.prefix(8))"
        let started = try runProgram(script, ["start", directory], timeout: 120)
        guard started.status == 0 else { throw HarnessError("pg-test-cluster start: \(started.stderr)") }
        url = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server (fast shutdown: sessions are ended), keeping its data.
    func stopServer() throws {
        let stopped = try runProgram(script, ["halt", directory], timeout: 120)
        guard stopped.status == 0 else { throw HarnessError("pg-test-cluster halt: \(stopped.stderr)") }
    }

    /// Starts the stopped server again on the same socket and data.
    func startServer() throws {
        let started = try runProgram(script, ["resume", directory], timeout: 120)
        guard started.status == 0 else { throw HarnessError("pg-test-cluster resume: \(started.stderr)") }
    }

    /// Stops the server and removes its directory.
    func remove() {
        _ = try? runProgram(script, ["stop", directory], timeout: 120)
    }
}
