import DeskTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 31: no request waits past its deadline for the database, whoever holds the write turn.
/// Several deskd on one PostgreSQL take turns writing (one advisory lock, `PostgresWriteTurn`); a
/// transaction that holds the turn while its COMMIT waits for a synchronous standby that is gone
/// (the wait keeps the lock and no statement_timeout ends it) made every other writer wait with
/// it, past curl's 35 s in FailoverTests. Here the same stall is made on purpose, on a throwaway
/// cluster of this test's own: every request is answered 503 problem+json with Retry-After well
/// within curl's 30 s, and once the database can commit again, a retry with the same
/// Idempotency-Key stores each report exactly once (the same 201 when the first commit landed).
@Suite(.ownThread, .enabled(if: DaemonEngine.clusterURL != nil)) struct WriteTurnDeadlineTests {
    /// The turn's advisory lock (`PostgresWriteTurn.lockKey`, "deskwrt").
    static let turnLock = "28259044069700212"

    @Test func commitsWaitingForAMissingStandbyAre503InTimeOnBothInstancesAndRetriesStoreOnce() throws {
        let cluster = try ThrowawayCluster(prefix: "desk-syncrep")
        defer { cluster.stop() }
        let storage = "engine = \"postgresql\"\nurl = \"\(cluster.url)?connect_timeout=2\""
        let first = try DaemonProcess(storageConfig: storage)
        let second = try DaemonProcess(storageConfig: storage)
        try first.start()
        defer { _ = try? first.stop() }
        try second.start()
        defer { _ = try? second.stop() }
        #expect(try Self.post(first, key: "syncrep-0").status == "201")

        // Every commit now waits for a standby named "nobody", which never comes.
        _ = try psqlRows(cluster.url, "ALTER SYSTEM SET synchronous_standby_names = 'nobody'")
        _ = try psqlRows(cluster.url, "SELECT pg_reload_conf()")
        let stalled = Posting(first, key: "syncrep-1")
        try pollUntil(seconds: 20, "a COMMIT waiting for the standby") {
            try psqlRows(cluster.url, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")
                == [["1"]]
        }
        // The other instance waits for the turn; this one's next write too.
        let other = Posting(second, key: "syncrep-2")
        let next = Posting(first, key: "syncrep-3")
        let answers = [stalled.answer(), other.answer(), next.answer()]
        print("commit waiting for a missing standby: " + answers.map(\.summary).joined(separator: "; "))
        for answer in answers {
            #expect(answer.curlStatus == 0, "\(answer.key): curl \(answer.curlStatus) after \(answer.seconds) s")
            #expect(answer.status == "503", "\(answer.key): \(answer.text.prefix(600))")
            #expect(answer.text.lowercased().contains("\nretry-after: "), "\(answer.key): \(answer.text.prefix(600))")
            #expect(answer.text.contains("application/problem+json"), "\(answer.key)")
        }
        // The commit given up says so; the writes that never ran say nothing was stored.
        #expect(answers[0].text.contains("the write may have been stored"), "\(answers[0].text.prefix(600))")
        for answer in answers.dropFirst() {
            #expect(answer.text.contains("nothing was stored"), "\(answer.key): \(answer.text.prefix(600))")
        }
        // Still answering in time while the standby is missing: the writers are not stuck.
        let again = try Self.post(second, key: "syncrep-2")
        #expect(again.curlStatus == 0 && again.status == "503", "\(again.summary)")

        _ = try psqlRows(cluster.url, "ALTER SYSTEM RESET synchronous_standby_names")
        _ = try psqlRows(cluster.url, "SELECT pg_reload_conf()")
        // The first commit had reached the server's WAL: it lands, and its retry is its 201 again.
        let replay = try Self.postUntilAnswered(first, key: "syncrep-1")
        #expect(replay.status == "201", "\(replay.text.prefix(600))")
        #expect(replay.text.contains("Idempotent-Replayed: true"), "\(replay.text.prefix(600))")
        for (daemon, key) in [(second, "syncrep-2"), (first, "syncrep-3")] {
            let stored = try Self.postUntilAnswered(daemon, key: key)
            #expect(stored.status == "201", "\(key): \(stored.text.prefix(600))")
        }
        let rows = try psqlRows(
            cluster.url,
            "SELECT text, count(*) FROM report WHERE text LIKE '%turn test syncrep-%' GROUP BY text ORDER BY 1")
        #expect(rows.map { $0.last } == ["1", "1", "1", "1"], "\(rows)")
        for daemon in [first, second] {
            let verified = try daemon.ctl("verify")
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        }
    }

    @Test func aTurnHeldElsewhereIsAnswered503InTimeAndTheRetriesStoreOnceWhenItIsFree() throws {
        let cluster = try ThrowawayCluster(prefix: "desk-turnheld")
        defer { cluster.stop() }
        let daemon = try DaemonProcess(
            storageConfig: "engine = \"postgresql\"\nurl = \"\(cluster.url)?connect_timeout=2\"")
        try daemon.start()
        defer { _ = try? daemon.stop() }
        #expect(try Self.post(daemon, key: "held-0").status == "201")

        // Another session (as a stuck instance would) holds the turn.
        let holder = try PsqlSession(url: cluster.url)
        defer { holder.end() }
        holder.send("BEGIN; SELECT pg_advisory_xact_lock(\(Self.turnLock));")
        try pollUntil(seconds: 20, "the turn held by psql") {
            try psqlRows(cluster.url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
                == [["1"]]
        }
        // Writes arriving while the first still waits: they queue behind it.
        let early = Posting(daemon, key: "held-1")
        usleep(3_000_000)
        let late = [Posting(daemon, key: "held-2"), Posting(daemon, key: "held-3")]
        let answers = [early.answer()] + late.map { $0.answer() }
        print("turn held elsewhere: " + answers.map(\.summary).joined(separator: "; "))
        for answer in answers {
            #expect(answer.curlStatus == 0, "\(answer.key): curl \(answer.curlStatus) after \(answer.seconds) s")
            #expect(answer.status == "503", "\(answer.key): \(answer.text.prefix(600))")
            #expect(answer.text.lowercased().contains("\nretry-after: "), "\(answer.key)")
            #expect(answer.text.contains("storage-unavailable"), "\(answer.key): \(answer.text.prefix(600))")
            #expect(answer.text.contains("nothing was stored"), "\(answer.key): \(answer.text.prefix(600))")
        }

        holder.send("COMMIT;")
        holder.end()
        for key in ["held-1", "held-2", "held-3"] {
            let stored = try Self.postUntilAnswered(daemon, key: key)
            #expect(stored.status == "201", "\(key): \(stored.text.prefix(600))")
            // Nothing of the refused attempts was stored: this is the first store, not a replay.
            #expect(!stored.text.contains("Idempotent-Replayed"), "\(key)")
        }
        let rows = try psqlRows(
            cluster.url, "SELECT count(*), count(DISTINCT text) FROM report WHERE text LIKE '%turn test held-%'")
        #expect(rows == [["4", "4"]])
        #expect(try daemon.ctl("verify").status == 0)
    }

    // MARK: Helpers

    /// What one POST got: curl's exit status, the HTTP status, the whole answer and how long it took.
    struct Answer {
        var key: String
        var curlStatus: Int32
        var status: String
        var text: String
        var seconds: Double
        var summary: String { "\(key) \(status) in \(String(format: "%.1f", seconds)) s" }
    }

    /// A report posted with its Idempotency-Key, curl giving up after 30 s (the deadline promised).
    static func post(_ daemon: DaemonProcess, key: String) throws -> Answer {
        try post(socket: daemon.socketPath, key: key)
    }

    static func post(socket: String, key: String) throws -> Answer {
        let body = #"{"area": "rinkeby", "text": "Brand i soprum, turn test \#(key)"}"#
        let started = Date()
        let result = try runProgram(
            "/usr/bin/curl",
            [
                "-s", "-i", "-w", "\n%{http_code}", "-m", "30", "-H", "Content-Type: application/json",
                "-H", "Idempotency-Key: \(key)", "-d", body, "--unix-socket", socket, "http://localhost/v1/reports",
            ], timeout: 45)
        let status = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return Answer(
            key: key, curlStatus: result.status, status: status, text: result.stdout,
            seconds: Date().timeIntervalSince(started))
    }

    /// Posts until the answer is not 503 (at most 30 tries, a second apart).
    static func postUntilAnswered(_ daemon: DaemonProcess, key: String) throws -> Answer {
        var answer = try post(daemon, key: key)
        for _ in 0..<30 where answer.status == "503" {
            usleep(1_000_000)
            answer = try post(daemon, key: key)
        }
        return answer
    }

    /// One POST on a thread of its own, its answer waited for later.
    final class Posting: @unchecked Sendable {
        // `@unchecked`: `result` is written by the thread before `done` is signalled, read after.
        private var result: Answer?
        private let done = DispatchSemaphore(value: 0)
        private let key: String

        init(_ daemon: DaemonProcess, key: String) {
            self.key = key
            let socket = daemon.socketPath
            Thread {
                self.result = try? WriteTurnDeadlineTests.post(socket: socket, key: key)
                self.done.signal()
            }.start()
        }

        func answer() -> Answer {
            done.wait()
            return result ?? Answer(key: key, curlStatus: -1, status: "", text: "curl did not run", seconds: 0)
        }
    }
}
