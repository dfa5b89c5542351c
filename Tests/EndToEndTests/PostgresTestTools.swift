import DeskTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL cluster of one test's own (`scripts/pg-test-cluster`), for tests that change the
/// server's settings or stall it: listening on a Unix socket in a new folder under /tmp.
struct ThrowawayCluster {
    let directory: String
    /// `postgresql://desk@%2Ftmp%2F…/postgres`.
    let url: String

    init(prefix: String) throws {
        directory = "/tmp/\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        let started = try runProgram(repositoryRoot + "/scripts/pg-test-cluster", ["start", directory], timeout: 120)
        guard started.status == 0 else { throw HarnessError("pg-test-cluster start: \(started.stderr)") }
        url = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The URL's host part (`%2Ftmp%2F…`), to list several clusters in one URL.
    var encodedHost: String {
        directory.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? directory
    }

    func stop() { _ = try? runProgram(repositoryRoot + "/scripts/pg-test-cluster", ["stop", directory]) }

    /// Stops the server, keeping its data: a database server that goes away under a running deskd
    /// (`fast`: sessions are ended, as in a restart; `immediate`: as in a crash).
    func halt(mode: String = "fast") throws {
        let halted = try runProgram(
            repositoryRoot + "/scripts/pg-test-cluster", ["halt", directory, mode], timeout: 120)
        guard halted.status == 0 else { throw HarnessError("pg-test-cluster halt: \(halted.stderr)") }
    }

    /// Starts the halted server again on the same socket and data.
    func resume() throws {
        let resumed = try runProgram(repositoryRoot + "/scripts/pg-test-cluster", ["resume", directory], timeout: 120)
        guard resumed.status == 0 else { throw HarnessError("pg-test-cluster resume: \(resumed.stderr)") }
    }
}

/// A psql session kept open (statements sent on its standard input), e.g. to hold a lock the way a
/// stuck deskd would.
final class PsqlSession {
    private let process = ChildProcess()
    private let input = Pipe()

    init(url: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-qX", "-v", "ON_ERROR_STOP=1"]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func send(_ sql: String) {
        guard process.isRunning else { return }
        input.fileHandleForWriting.write(Data((sql + "\n").utf8))
    }

    /// Closes its input (psql ends, its transaction with it) and waits (at most 10 s) for it.
    func end() {
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { end() }
}

/// Polls `condition` (every 100 ms, at most `seconds`); throws naming `what` when it never holds.
func pollUntil(seconds: Double, _ what: String, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() {
        guard Date() < deadline else { throw HarnessError("not within \(Int(seconds)) s: \(what)") }
        usleep(100_000)
    }
}
