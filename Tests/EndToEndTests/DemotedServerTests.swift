import DeskTestSupport
import Foundation
import Testing

/// Issue 31: a server that is still running but no longer takes writes (demoted: read-only, or a
/// standby now) is left for whichever host of the URL is writable. deskd answers 503 with
/// Retry-After while it moves, never a 500, and then writes and reads on the writable one.
@Suite(.ownThread, .enabled(if: DaemonEngine.clusterURL != nil)) struct DemotedServerTests {
    @Test func aServerMadeReadOnlyIsLeftForTheWritableHostOfTheURLWithout500s() throws {
        let demoted = try ThrowawayCluster(prefix: "desk-demoted")
        defer { demoted.stop() }
        let next = try ThrowawayCluster(prefix: "desk-next")
        defer { next.stop() }
        // The second server has the desk's schema, as a promoted standby would.
        let migrating = try DaemonProcess(storageConfig: "engine = \"postgresql\"\nurl = \"\(next.url)\"")
        try migrating.start()
        #expect(try migrating.stop() == 0)

        let url =
            "postgresql://desk@\(demoted.encodedHost),\(next.encodedHost)/postgres"
            + "?target_session_attrs=read-write&connect_timeout=2"
        let daemon = try DaemonProcess(storageConfig: "engine = \"postgresql\"\nurl = \"\(url)\"")
        try daemon.start()
        defer { _ = try? daemon.stop() }
        #expect(try WriteTurnDeadlineTests.post(daemon, key: "demoted-0").status == "201")
        #expect(try Self.count("demoted-0", in: demoted) == 1)

        _ = try psqlRows(demoted.url, "ALTER SYSTEM SET default_transaction_read_only = on")
        _ = try psqlRows(demoted.url, "SELECT pg_reload_conf()")
        var answers: [WriteTurnDeadlineTests.Answer] = []
        for _ in 0..<30 {
            let answer = try WriteTurnDeadlineTests.post(daemon, key: "demoted-1")
            answers.append(answer)
            if answer.status != "503" { break }
            #expect(answer.text.lowercased().contains("\nretry-after: "), "\(answer.text.prefix(600))")
            #expect(answer.text.contains("application/problem+json"), "\(answer.text.prefix(600))")
            usleep(500_000)
        }
        print("a server made read-only: " + answers.map(\.summary).joined(separator: "; "))
        let stored = try #require(answers.last)
        #expect(stored.status == "201", "\(answers.map(\.summary)): \(stored.text.prefix(600))")
        #expect(answers.allSatisfy { $0.status == "201" || $0.status == "503" }, "\(answers.map(\.summary))")
        #expect(try Self.count("demoted-1", in: next) == 1)
        #expect(try Self.count("demoted-1", in: demoted) == 0)

        // Reads follow: the incident just written is found, and the desk is ready. (Over the Unix
        // socket: the two servers here are not copies of each other, so a token made on the first
        // is not on the second.)
        let local = ["-s", "-w", "\n%{http_code}", "-m", "30", "--unix-socket", daemon.socketPath]
        let incident = try #require(
            stored.text.firstMatch(of: /"incident_id":"([^"]+)"/).map { String($0.1) }, "\(stored.text)")
        let read = try runProgram("/usr/bin/curl", local + ["http://localhost/v1/incidents/\(incident)"])
        #expect(read.stdout.hasSuffix("\n200"), "\(read.stdout.suffix(400))")
        let ready = try runProgram("/usr/bin/curl", local + ["http://localhost/readyz"])
        #expect(ready.stdout.hasSuffix("\n200"), "\(ready.stdout)")
        #expect(try WriteTurnDeadlineTests.post(daemon, key: "demoted-2").status == "201")
        #expect(try Self.count("demoted-2", in: next) == 1)
    }

    /// Reports with `key` in their text stored on `cluster`.
    private static func count(_ key: String, in cluster: ThrowawayCluster) throws -> Int {
        let rows = try psqlRows(cluster.url, "SELECT count(*) FROM report WHERE text LIKE '%turn test \(key)%'")
        return Int(rows.first?.first ?? "") ?? -1
    }
}
