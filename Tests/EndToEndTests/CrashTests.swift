import DeskAPIModels
import DeskTestSupport
import Foundation
import Testing

/// Power-cut safety: deskd killed with SIGKILL under load from several clients on both
/// transports loses no acknowledged report, duplicates none, and leaves an intact database.
@Suite(.ownThread) struct CrashTests {
    /// Reports acknowledged (201) and attempted, by their unique text.
    final class Ledger: @unchecked Sendable {
        private let lock = NSLock()
        private var acknowledged: [String] = []
        private var attempted: [String] = []
        func attempt(_ text: String) { lock.withLock { attempted.append(text) } }
        func acknowledge(_ text: String) { lock.withLock { acknowledged.append(text) } }
        var acked: [String] { lock.withLock { acknowledged } }
        var tried: [String] { lock.withLock { attempted } }
    }

    @Test(arguments: DaemonEngine.all) func killMinus9UnderLoadLosesAndDuplicatesNothing(engine: DaemonEngine) throws {
        let daemon = try DaemonProcess(engine: engine)
        let ledger = Ledger()
        for cycle in 0..<2 {
            try daemon.start()
            let bearer = try daemon.bearer()
            // The clients post until deskd is killed (a failed post ends a client); the deadline only
            // bounds a test whose daemon never takes the load.
            let deadline = Date().addingTimeInterval(60)
            let ackedBefore = ledger.acked.count
            let socket = daemon.socketPath
            let url = daemon.url
            let clients = (0..<4).map { client in
                Thread {
                    var index = 0
                    while Date() < deadline {
                        let text = "Brand i soprum, krocktest \(cycle)-\(client)-\(index)"
                        index += 1
                        ledger.attempt(text)
                        let body = #"{"area": "rinkeby", "text": "\#(text)"}"#
                        var arguments = [
                            "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "5", "-H",
                            "Content-Type: application/json", "-d", body,
                        ]
                        arguments +=
                            client % 2 == 0
                            ? [url + "/v1/reports"] + bearer
                            : ["--unix-socket", socket, "http://localhost/v1/reports"]
                        guard let result = try? runProgram("/usr/bin/curl", arguments), result.stdout == "201" else {
                            return  // the daemon is gone: this client stops
                        }
                        ledger.acknowledge(text)
                    }
                }
            }
            clients.forEach { $0.start() }
            // Killed under load once it has acknowledged enough to prove something (12 this start; the
            // two starts' > 20 is checked below), whatever the machine's speed or the engine's.
            while ledger.acked.count - ackedBefore < 12, clients.contains(where: { !$0.isFinished }), Date() < deadline
            {
                usleep(10_000)
            }
            daemon.crash()
            while clients.contains(where: { !$0.isFinished }) { usleep(20_000) }
        }
        print("crash test: \(ledger.acked.count) reports acknowledged of \(ledger.tried.count) attempted, 2 kills")
        #expect(ledger.acked.count > 20, "too little load to prove anything: \(ledger.acked.count)")

        // Restart: recovery from the WAL, then check every acknowledged report is there once.
        try daemon.start()
        #expect(try daemon.ctl("verify").status == 0)
        #expect(try daemon.stop() == 0)
        if let url = daemon.postgresURL {
            // Straight from PostgreSQL, around deskd: every text stored, with how often.
            let rows = try psqlRows(
                url, "SELECT text, count(*) FROM report WHERE text LIKE '%krocktest%' GROUP BY text")
            let counts = Dictionary(
                uniqueKeysWithValues: rows.compactMap { row in
                    row.count == 2 ? (row[0], Int(row[1]) ?? 0) : nil
                })
            #expect(counts.values.allSatisfy { $0 == 1 }, "doubled: \(counts.filter { $0.value > 1 })")
            let lost = ledger.acked.filter { counts[$0] != 1 }
            #expect(lost.isEmpty, "lost: \(lost)")
            #expect(Set(counts.keys).isSubset(of: Set(ledger.tried)))
            return
        }
        let check = repositoryRoot + "/Tests/EndToEndTests/Helpers/count-reports.py"
        let ackedFile = daemon.directory + "/acked.json"
        let triedFile = daemon.directory + "/tried.json"
        try JSONSerialization.data(withJSONObject: ledger.acked).write(to: URL(fileURLWithPath: ackedFile))
        try JSONSerialization.data(withJSONObject: ledger.tried).write(to: URL(fileURLWithPath: triedFile))
        let database = daemon.directory + "/state/deskd.sqlite"
        for (file, mustExist) in [(ackedFile, true), (triedFile, false)] {
            let output = try runProgram("/usr/bin/python3", [check, database, file])
            let result = try #require(
                try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any], "\(output.stderr)")
            #expect(result["integrity"] as? String == "ok")
            let counts = try #require(result["counts"] as? [String: Int])
            // Never twice; and every acknowledged report exactly once.
            #expect(counts.values.allSatisfy { $0 <= 1 })
            if mustExist {
                #expect(counts.filter { $0.value != 1 }.isEmpty, "lost: \(counts.filter { $0.value != 1 })")
            }
        }
    }

    /// One keyed write over the Unix socket as curl sends it: status and whether it was a replay.
    static func keyed(_ socket: String, _ path: String, key: String, body: String) -> (Int, Bool)? {
        let arguments = [
            "-s", "-o", "/dev/null", "-D", "-", "-m", "5", "-X", "POST", "-H", "Content-Type: application/json",
            "-H", "Idempotency-Key: \(key)", "-d", body, "--unix-socket", socket, "http://localhost" + path,
        ]
        guard let result = try? runProgram("/usr/bin/curl", arguments), result.status == 0,
            let statusLine = result.stdout.split(separator: "\r\n").first,
            let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return (status, result.stdout.lowercased().contains("idempotent-replayed: true"))
    }

    /// Notes, phase changes and a call-out answer, each with its own Idempotency-Key, under
    /// kill -9; then every one retried with its key, as a client that lost the answer does: each
    /// is stored exactly once, and those acknowledged before the kill are answered as replays.
    @Test(arguments: DaemonEngine.all) func keyedChangesRetriedAfterKillMinus9HappenExactlyOnce(
        engine: DaemonEngine
    ) throws {
        let daemon = try DaemonProcess(roster: true, engine: engine)
        try daemon.start()
        let slots = try decodeJSON(
            RosterSlotsBody.self,
            try daemon.ctl("roster", "show", "--area", "rinkeby", "--role", "first_aid", "--json").stdout)
        let onDuty = try #require(slots.slots.first?.onDuty)
        #expect(try daemon.ctl("responder", "update", onDuty.id, "--unix-user", currentUserName()).status == 0)
        let reported = try daemon.ctl(
            "report", "--area", "rinkeby", "--phase", "during", "--json", "--text", "Skottlossning vid torget nu")
        let incident = try decodeJSON(ReportCreatedBody.self, reported.stdout).incident.id
        var mine: [CallOutBody] = []
        for _ in 0..<100 where mine.isEmpty {
            mine = try decodeJSON(
                ItemsBody<CallOutBody>.self, try daemon.ctl("callout", "list", "--mine", "--json").stdout
            ).items
            if mine.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
        }
        let callOut = try #require(mine.first)

        /// Every keyed write attempted: path, key, body, and whether it was acknowledged.
        final class Writes: @unchecked Sendable {
            struct Write {
                var path: String
                var key: String
                var body: String
                var acknowledged = false
            }
            private let lock = NSLock()
            private var list: [Write] = []
            func attempt(_ write: Write) -> Int {
                lock.withLock {
                    list.append(write); return list.count - 1
                }
            }
            func acknowledge(_ index: Int) { lock.withLock { list[index].acknowledged = true } }
            var all: [Write] { lock.withLock { list } }
        }
        let writes = Writes()
        let socket = daemon.socketPath
        // The writers write until deskd is killed (a failed write ends a writer); the deadline only
        // bounds a test whose daemon never takes the load.
        let deadline = Date().addingTimeInterval(60)
        let base = "/v1/incidents/\(incident)"
        let notes = Thread {
            var index = 0
            while Date() < deadline {
                let write = Writes.Write(
                    path: base + "/notes", key: "note-\(index)", body: #"{"text": "Anteckning \#(index)"}"#)
                index += 1
                let slot = writes.attempt(write)
                guard let (status, _) = Self.keyed(socket, write.path, key: write.key, body: write.body),
                    (200..<300).contains(status)
                else { return }
                writes.acknowledge(slot)
            }
        }
        let phases = Thread {
            var index = 0
            while Date() < deadline {
                let phase = index % 2 == 0 ? "after" : "during"
                let write = Writes.Write(
                    path: base + "/phase", key: "phase-\(index)",
                    body: #"{"phase": "\#(phase)", "reason": "Skifte \#(index)"}"#)
                index += 1
                let slot = writes.attempt(write)
                guard let (status, _) = Self.keyed(socket, write.path, key: write.key, body: write.body),
                    (200..<300).contains(status)
                else { return }
                writes.acknowledge(slot)
                if index == 3 {
                    // The call-out answer, once, in the middle of the load.
                    let ack = Writes.Write(
                        path: "/v1/callouts/\(callOut.id)/ack", key: "ack-1", body: #"{"note": "på väg"}"#)
                    let ackSlot = writes.attempt(ack)
                    if let (status, _) = Self.keyed(socket, ack.path, key: ack.key, body: ack.body),
                        (200..<300).contains(status)
                    {
                        writes.acknowledge(ackSlot)
                    }
                }
            }
        }
        notes.start()
        phases.start()
        // Killed under load once more than 10 writes are acknowledged and the call-out answer was sent,
        // whatever the machine's speed or the engine's.
        while Date() < deadline, !notes.isFinished || !phases.isFinished {
            let sent = writes.all
            if sent.filter(\.acknowledged).count > 10, sent.contains(where: { $0.key == "ack-1" }) { break }
            usleep(10_000)
        }
        daemon.crash()
        while !notes.isFinished || !phases.isFinished { usleep(20_000) }
        let attempted = writes.all
        #expect(attempted.filter(\.acknowledged).count > 10, "too little load: \(attempted.count) attempted")
        #expect(attempted.contains { $0.key == "ack-1" }, "the call-out answer was never sent")
        print("keyed crash test: \(attempted.filter(\.acknowledged).count) acknowledged of \(attempted.count)")

        // Restart and retry every write with its key: each succeeds; acknowledged ones as replays.
        try daemon.start()
        for write in attempted {
            let retried = Self.keyed(socket, write.path, key: write.key, body: write.body)
            #expect((200..<300).contains(retried?.0 ?? 0), "\(write.key): \(String(describing: retried))")
            if write.acknowledged { #expect(retried?.1 == true, "\(write.key) was not replayed") }
        }
        let timeline = try decodeJSON(
            PageBody<EventBody>.self,
            try daemon.ctl("incident", "timeline", incident, "--json").stdout)
        for write in attempted {
            let body = try #require(
                try JSONSerialization.jsonObject(with: Data(write.body.utf8)) as? [String: String])
            let matching: [EventBody]
            if write.key.hasPrefix("note-") {
                matching = timeline.items.filter {
                    $0.kind == "note.added" && $0.data["text"] == .string(body["text"] ?? "")
                }
            } else if write.key.hasPrefix("phase-") {
                matching = timeline.items.filter {
                    $0.kind == "incident.phase_changed" && $0.data["reason"] == .string(body["reason"] ?? "")
                }
            } else {
                matching = timeline.items.filter { $0.kind == "callout.acknowledged" }
            }
            #expect(matching.count == 1, "\(write.key): stored \(matching.count) times")
        }
        #expect(try daemon.ctl("verify").status == 0)
        #expect(try daemon.stop() == 0)
    }
}
