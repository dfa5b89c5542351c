import DeskAPIModels
import DeskTestSupport
import Foundation
import Testing

/// Two deskd processes on one PostgreSQL desk (issue 31): what one writes, the other's live
/// streams carry, a session signed in on one works on the other, and a call-out due while one is
/// killed is escalated once by the other.
///
/// `make test` runs these on their own beside the failover test (`DESK_TEST_HA=1 swift test
/// --filter "FailoverTests|SeveralInstancesEndToEndTests"`): two deskd and a minute of timers
/// would otherwise share the machine with the whole parallel suite.
@Suite(
    .ownThread,
    .serialized,
    .enabled(if: DaemonEngine.clusterURL != nil && ProcessInfo.processInfo.environment["DESK_TEST_HA"] == "1"))
struct SeveralInstancesEndToEndTests {
    @Test func anEventWrittenThroughOneInstanceReachesAStreamOpenOnTheOther() async throws {
        let first = try DaemonProcess(engine: .postgresql)
        let second = try DaemonProcess(engine: .postgresql, sharing: first)
        try first.start()
        try second.start()
        defer {
            _ = try? second.stop()
            _ = try? first.stop()
        }
        // One desk: a token made through the first instance opens the second's stream.
        let token = try first.adminToken()
        let streamed = first.directory + "/stream.txt"
        FileManager.default.createFile(atPath: streamed, contents: nil)
        let stream = ChildProcess()
        stream.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        stream.arguments = [
            "-sN", "--max-time", "20", "-H", "Authorization: Bearer \(token)", second.url + "/v1/events",
        ]
        stream.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: streamed))
        stream.standardError = FileHandle.nullDevice
        try stream.run()
        defer { if stream.isRunning { stream.terminate() } }
        try await waitFor("the stream to open", within: 10) {
            (try? String(contentsOfFile: streamed, encoding: .utf8))?.contains("deskd live events") == true
        }

        let posted = try runProgram(
            "/usr/bin/curl",
            [
                "-s", "-H", "Content-Type: application/json", "-H", "Authorization: Bearer \(token)",
                "-d", #"{"area":"rinkeby","text":"Brand i en bil vid torget just nu","phase":"during"}"#,
                first.url + "/v1/reports",
            ])
        let acknowledged = Date()
        let created = try decodeJSON(ReportCreatedBody.self, posted.stdout)
        do {
            try await waitFor("the report on the other instance's stream", within: 5) {
                (try? String(contentsOfFile: streamed, encoding: .utf8))?.contains(created.incident.id) == true
            }
        } catch {
            let text = (try? String(contentsOfFile: streamed, encoding: .utf8)) ?? ""
            throw HarnessError("\(error)\nstream: \(text)\nsecond: \(second.logText.suffix(3000))")
        }
        let latency = Date().timeIntervalSince(acknowledged)
        print("an event written through one deskd reached the other's stream in \(Int(latency * 1000)) ms")
        #expect(latency < 2, "within a second, with slack for a loaded machine")
        // Each event once, in sequence order.
        let text = try String(contentsOfFile: streamed, encoding: .utf8)
        let ids = text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int64($0.dropFirst(4)) }
        #expect(!ids.isEmpty)
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
    }

    @Test func aConsoleSessionSignedInOnOneInstanceWorksOnTheOtherAndEndsOnBoth() throws {
        let first = try DaemonProcess(engine: .postgresql)
        let second = try DaemonProcess(engine: .postgresql, sharing: first)
        try first.start()
        try second.start()
        defer {
            _ = try? second.stop()
            _ = try? first.stop()
        }
        let session = try ConsoleSignIn(daemon: first, token: try first.adminToken())
        #expect(try session.me(on: second) == 200)
        #expect(try session.me(on: first) == 200)
        // Signed out through the second: ended on the first as well.
        #expect(try session.signOut(on: second) == 204)
        #expect(try session.me(on: first) == 401)
    }

    /// Issue 31, scenario 2: call-outs come due while one of two deskd is killed with SIGKILL; the
    /// other escalates them on time, each once, and each delivery reaches the receiver once.
    @Test func callOutsDueWhileOneInstanceIsKilledAreEscalatedOnceByTheOther() async throws {
        let port = try unusedLoopbackPort()
        let received = NSTemporaryDirectory() + "webhooks-\(UUID().uuidString.prefix(8)).txt"
        FileManager.default.createFile(atPath: received, contents: nil)
        let receiver = ChildProcess()
        receiver.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        receiver.arguments = [
            repositoryRoot + "/Tests/EndToEndTests/Helpers/webhook-counter.py", "\(port)", received,
        ]
        // Not the test's own output: swift test waits for every holder of that pipe to close it.
        receiver.standardOutput = FileHandle.nullDevice
        receiver.standardError = FileHandle.nullDevice
        try receiver.run()
        defer {
            // SIGKILL: a child of the test runner may start with SIGTERM blocked.
            kill(receiver.processIdentifier, SIGKILL)
            receiver.waitUntilExit()
            try? FileManager.default.removeItem(atPath: received)
        }
        // First aid must answer within a minute, and every step goes to the receiver.
        let duty = """
            [[trigger]]
            phase = "during"
            role = "first_aid"
            count = 2
            ack_minutes = 1
            task = "First aid on scene"

            [[receiver]]
            name = "ops"
            url = "http://127.0.0.1:\(port)/deskd"
            secret = "a-receiver-secret-of-32-bytes!!!"
            """
        let first = try DaemonProcess(roster: true, engine: .postgresql, duty: duty)
        let second = try DaemonProcess(roster: true, engine: .postgresql, sharing: first, duty: duty)
        try first.start()
        try second.start()
        defer {
            _ = try? second.stop()
            first.crash()
        }
        let reported = try first.ctl(
            "report", "--area", "rinkeby", "--phase", "during", "--json", "--text",
            "Skottlossning vid torget, två personer skadade")
        #expect(reported.status == 0, "\(reported.stderr)")
        let incident = try decodeJSON(ReportCreatedBody.self, reported.stdout).incident.id
        func events() throws -> [EventBody] {
            try decodeJSON(PageBody<EventBody>.self, try second.ctl("incident", "timeline", incident, "--json").stdout)
                .items
        }
        try await waitFor("two call-outs", within: 15) {
            ((try? events()) ?? []).filter { $0.kind == "callout.created" }.count == 2
        }
        let created = try events().filter { $0.kind == "callout.created" }
        // The instance that called them out dies; nobody answers.
        first.crash()
        try await waitFor("both call-outs escalated", within: 100) {
            ((try? events()) ?? []).filter { $0.kind == "callout.escalated" }.count >= 2
        }
        // A few more timer rounds of the survivor: still once each.
        try await Task.sleep(for: .seconds(3))
        let timeline = try events()
        let escalated = timeline.filter { $0.kind == "callout.escalated" }
        #expect(escalated.count == 2, "\(timeline.map(\.kind))")
        if let due = created.map(\.at).max(), let last = escalated.map(\.at).max() {
            let late = last.timeIntervalSince(due) - 60
            print("call-outs escalated by the surviving deskd \(String(format: "%.1f", late)) s after they came due")
            #expect(late >= 0 && late < 10, "escalated on time (timers run every second)")
        }
        let lines = try String(contentsOfFile: received, encoding: .utf8).split(separator: "\n")
        let ids = lines.compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(ids.count >= 4, "\(lines)")
        #expect(Set(ids).count == ids.count, "a delivery reached the receiver twice: \(lines)")
        #expect(try second.ctl("verify").status == 0)
    }

    /// A restart no longer signs everyone out, on either engine: sessions are in the database.
    @Test(arguments: DaemonEngine.all) func aConsoleSessionOutlivesARestart(engine: DaemonEngine) throws {
        let daemon = try DaemonProcess(engine: engine)
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let session = try ConsoleSignIn(daemon: daemon, token: try daemon.adminToken())
        #expect(try session.me(on: daemon) == 200)
        #expect(try daemon.stop() == 0)
        try daemon.start()
        #expect(try session.me(on: daemon) == 200)
    }

    /// Polls `condition` every 50 ms for at most `seconds`, without holding a thread meanwhile.
    private func waitFor(_ what: String, within seconds: TimeInterval, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("waited \(Int(seconds)) s for \(what)")
    }
}

/// A console session signed in with an API token, as the page does it: the cookie and the
/// second secret (`X-Desk-CSRF`) from the sign-in answer.
private struct ConsoleSignIn {
    let cookie: String
    let csrf: String

    init(daemon: DaemonProcess, token: String) throws {
        let answer = try runProgram(
            "/usr/bin/curl",
            [
                "-s", "-D", "-", "-H", "Content-Type: application/json", "-d", #"{"token":"\#(token)"}"#,
                daemon.url + "/console/sign-in",
            ])
        let lines = answer.stdout.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard
            let setCookie = lines.first(where: { $0.lowercased().hasPrefix("set-cookie:") }),
            let pair = setCookie.dropFirst("set-cookie:".count).split(separator: ";").first,
            let body = answer.stdout.components(separatedBy: "\r\n\r\n").last,
            let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let csrf = json["csrf_token"] as? String
        else { throw HarnessError("sign-in failed: \(answer.stdout) \(answer.stderr)") }
        cookie = pair.trimmingCharacters(in: .whitespaces)
        self.csrf = csrf
    }

    /// The status of `GET /v1/console/me` on `daemon` with this session.
    func me(on daemon: DaemonProcess) throws -> Int {
        try status(["-o", "/dev/null"], daemon.url + "/v1/console/me")
    }

    /// The status of signing out through `daemon`.
    func signOut(on daemon: DaemonProcess) throws -> Int {
        try status(["-o", "/dev/null", "-X", "POST"], daemon.url + "/console/sign-out")
    }

    private func status(_ arguments: [String], _ url: String) throws -> Int {
        let result = try runProgram(
            "/usr/bin/curl",
            ["-s", "-w", "%{http_code}", "-H", "Cookie: \(cookie)", "-H", "X-Desk-CSRF: \(csrf)"] + arguments + [url])
        return Int(result.stdout) ?? 0
    }
}
