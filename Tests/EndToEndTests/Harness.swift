import DeskAPIModels
import DeskTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The folder holding the built `deskd` and `deskctl`: the test binary's own (SwiftPM builds the
/// executables this target depends on next to it).
let binaryDirectory: String = {
    let executable =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
    // Inside an .xctest bundle on some layouts: climb until deskd is found.
    for _ in 0..<4 where !FileManager.default.fileExists(atPath: url.appendingPathComponent("deskd").path) {
        url = url.deletingLastPathComponent()
    }
    return url.path
}()

/// What a finished command printed and how it exited.
struct Finished {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion (at most `timeout` seconds, 60 unless told) and captures its output.
func runProgram(
    _ path: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
    timeout: Int = 60
) throws -> Finished {
    let started = Date()
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
    process.arguments = ["\(timeout)", path] + arguments
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "DESKCTL_SOCKET")
    env.removeValue(forKey: "DESKCTL_URL")
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let stdout = readToEnd(out.fileHandleForReading)
    let stderr = readToEnd(err.fileHandleForReading)
    process.waitUntilExit()
    if Date().timeIntervalSince(started) > 2 {
        FileHandle.standardError.write(
            Data("slow: \(path) \(arguments) took \(Date().timeIntervalSince(started)) s\n".utf8))
    }
    return Finished(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self)
    )
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A deskd process with its own configuration, state directory and socket.
final class DaemonProcess {
    let directory: String
    let configPath: String
    let socketPath: String
    let port: Int
    let logPath: String
    /// The desk's PostgreSQL database, when it runs on that engine.
    let postgresURL: String?
    private var process: ChildProcess?
    private var token: String?
    /// The running daemon's process id.
    var pid: Int32? { process?.processIdentifier }

    var url: String { "http://127.0.0.1:\(port)" }
    var deskd: String { binaryDirectory + "/deskd" }
    var deskctl: String { binaryDirectory + "/deskctl" }

    /// Writes a configuration (demo reports optional) into a fresh temporary directory; with
    /// `sharing`, on that instance's PostgreSQL database.
    init(
        demo: Bool = false, extraConfig: String = "", correlationConfig: String = "", classifierRules: String? = nil,
        modelDirectory: String? = nil, logConfig: String = "", areasFile: String? = nil, roster: Bool = false,
        storageConfig: String = "",
        engine: DaemonEngine = .sqlite, sharing other: DaemonProcess? = nil, duty: String = ""
    ) throws {
        // Another instance's PostgreSQL desk (several deskd on one database), or a new one.
        postgresURL = try other?.postgresURL ?? (engine == .postgresql ? try engine.database() : nil)
        let storageConfig = storageConfig + (postgresURL.map { "\nengine = \"postgresql\"\nurl = \"\($0)\"" } ?? "")
        directory = "/tmp/desk-e2e-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socketPath = directory + "/run/deskd.sock"
        port = try unusedLoopbackPort()
        configPath = directory + "/deskd.toml"
        logPath = directory + "/deskd.log"
        let config = """
            [server]
            http = "127.0.0.1:\(port)"
            unix_socket = "\(socketPath)"
            \(extraConfig)

            [storage]
            state_directory = "\(directory)/state"
            \(storageConfig)

            [areas]
            file = "\(areasFile ?? repositoryRoot + "/seeds/areas.json")"

            [seeds]
            demo_reports = "\(demo ? repositoryRoot + "/seeds/demo-reports.json" : "")"
            demo_roster = "\(roster ? repositoryRoot + "/seeds/roster.json" : "")"

            [classifier]
            rules = "\(classifierRules ?? repositoryRoot + "/config/classifier.toml")"
            model_dir = "\(modelDirectory ?? repositoryRoot + "/model")"
            \(correlationConfig)

            \(logConfig)

            \(duty)
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    deinit {
        if let process, process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts deskd and waits (at most 30 s) until it logs that it is ready.
    /// - Parameter launcher: a program (and its arguments) that execs deskd, e.g. the socket-activation helper.
    func start(environment: [String: String] = [:], launcher: [String] = []) throws {
        guard FileManager.default.isExecutableFile(atPath: deskd) else {
            throw HarnessError("no deskd at \(deskd); run `swift build` first")
        }
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        output.seekToEndOfFile()
        let process = ChildProcess()
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [deskd, "--config", configPath]
        } else {
            process.executableURL = URL(fileURLWithPath: deskd)
            process.arguments = ["--config", configPath]
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var inherited = ProcessInfo.processInfo.environment
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] {
            inherited[name] = nil
        }
        process.environment = inherited.merging(environment) { _, new in new }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if log(contains: "deskd ready") { return }
            guard process.isRunning else { throw HarnessError("deskd exited early:\n\(logText)") }
            usleep(50_000)
        }
        throw HarnessError("deskd not ready within 30 s:\n\(logText)")
    }

    /// Sends SIGTERM and waits (at most 20 s) for the exit status.
    @discardableResult
    func stop() throws -> Int32 {
        guard let process else { return 0 }
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw HarnessError("deskd ignored SIGTERM for 20 s")
        }
        self.process = nil
        return process.terminationStatus
    }

    /// Kills deskd with SIGKILL, as a power cut would, and waits for it to be gone.
    func crash() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    var logText: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func log(contains text: String) -> Bool { logText.contains(text) }

    /// An admin API token for TCP clients, made once (over the Unix socket, as root) and kept
    /// for the daemon's life; `socket` names the listening socket when it is not the configured one.
    func adminToken(socket: String? = nil) throws -> String {
        if let token { return token }
        let made = try runProgram(
            deskctl,
            ["token", "create", "--name", "e2e-admin", "--role", "admin", "--json", "--socket", socket ?? socketPath])
        guard made.status == 0, let secret = try? decodeJSON([String: String].self, made.stdout)["secret"] else {
            throw HarnessError("could not make an admin token: \(made.stderr)")
        }
        token = secret
        return secret
    }

    /// curl's arguments for the admin token.
    func bearer(socket: String? = nil) throws -> [String] {
        ["-H", "Authorization: Bearer \(try adminToken(socket: socket))"]
    }

    /// Runs deskctl against this daemon's socket.
    func ctl(_ arguments: String..., stdin: String? = nil) throws -> Finished {
        try runProgram(deskctl, arguments + ["--socket", socketPath], stdin: stdin)
    }

    /// Runs deskctl with explicit arguments and environment.
    func ctl(arguments: [String], environment: [String: String] = [:]) throws -> Finished {
        try runProgram(deskctl, arguments, environment: environment)
    }
}

/// The engines the daemon tests run deskd on: SQLite always, PostgreSQL when `make test` started
/// a throwaway cluster (DESK_TEST_POSTGRES_URL, see scripts/with-pg-test-cluster).
enum DaemonEngine: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }

    static let clusterURL = ProcessInfo.processInfo.environment["DESK_TEST_POSTGRES_URL"]

    /// The engines to run each parameterised test on.
    static var all: [DaemonEngine] { clusterURL == nil ? [.sqlite] : [.sqlite, .postgresql] }

    /// A new, empty database in the test cluster; its URL.
    func database() throws -> String {
        guard let cluster = Self.clusterURL, let slash = cluster.lastIndex(of: "/") else {
            throw HarnessError("no PostgreSQL test cluster (DESK_TEST_POSTGRES_URL)")
        }
        let name = "e2e_" + UUID().uuidString.prefix(8).lowercased()
        let created = try runProgram("/usr/bin/psql", [cluster, "-qc", "CREATE DATABASE \(name)"])
        guard created.status == 0 else { throw HarnessError("psql: \(created.stderr)") }
        return String(cluster[...slash]) + name
    }
}

/// Rows of one query, through psql (tab-separated, no headers).
func psqlRows(_ url: String, _ sql: String) throws -> [[String]] {
    let result = try runProgram("/usr/bin/psql", [url, "-tAX", "-F", "\t", "-c", sql])
    guard result.status == 0 else { throw HarnessError("psql: \(result.stderr)") }
    return result.stdout.split(separator: "\n").map {
        $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
}
