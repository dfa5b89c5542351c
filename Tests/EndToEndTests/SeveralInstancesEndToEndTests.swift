import DeskAPIModels
import Foundation
import Testing

/// Two deskd processes on one PostgreSQL desk (issue 31): what one writes, the other's live
/// streams carry.
@Suite(.serialized, .enabled(if: DaemonEngine.clusterURL != nil)) struct SeveralInstancesEndToEndTests {
    @Test func anEventWrittenThroughOneInstanceReachesAStreamOpenOnTheOther() throws {
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
        let stream = Process()
        stream.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        stream.arguments = [
            "-sN", "--max-time", "20", "-H", "Authorization: Bearer \(token)", second.url + "/v1/events",
        ]
        stream.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: streamed))
        try stream.run()
        defer { if stream.isRunning { stream.terminate() } }
        try waitFor("the stream to open", within: 10) {
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
            try waitFor("the report on the other instance's stream", within: 5) {
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

    /// Polls `condition` every 50 ms for at most `seconds`.
    private func waitFor(_ what: String, within seconds: TimeInterval, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return }
            usleep(50_000)
        }
        throw HarnessError("waited \(Int(seconds)) s for \(what)")
    }
}
