import Foundation
import Testing

/// Power-cut safety: deskd killed with SIGKILL under load from several clients on both
/// transports loses no acknowledged report, duplicates none, and leaves an intact database.
@Suite struct CrashTests {
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

    @Test func killMinus9UnderLoadLosesAndDuplicatesNothing() throws {
        let daemon = try DaemonProcess()
        let ledger = Ledger()
        for cycle in 0..<2 {
            try daemon.start()
            let bearer = try daemon.bearer()
            let deadline = Date().addingTimeInterval(1.2)
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
            usleep(600_000)
            daemon.crash()
            while clients.contains(where: { !$0.isFinished }) { usleep(20_000) }
        }
        print("crash test: \(ledger.acked.count) reports acknowledged of \(ledger.tried.count) attempted, 2 kills")
        #expect(ledger.acked.count > 20, "too little load to prove anything: \(ledger.acked.count)")

        // Restart: recovery from the WAL, then check every acknowledged report is there once.
        try daemon.start()
        #expect(try daemon.ctl("verify").status == 0)
        #expect(try daemon.stop() == 0)
        let check = """
            import json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            texts = json.load(open(sys.argv[2]))
            counts = {t: db.execute("SELECT count(*) FROM report WHERE text = ?", (t,)).fetchone()[0] for t in texts}
            print(json.dumps({"integrity": db.execute("PRAGMA integrity_check").fetchone()[0], "counts": counts}))
            """
        let ackedFile = daemon.directory + "/acked.json"
        let triedFile = daemon.directory + "/tried.json"
        try JSONSerialization.data(withJSONObject: ledger.acked).write(to: URL(fileURLWithPath: ackedFile))
        try JSONSerialization.data(withJSONObject: ledger.tried).write(to: URL(fileURLWithPath: triedFile))
        let database = daemon.directory + "/state/deskd.sqlite"
        for (file, mustExist) in [(ackedFile, true), (triedFile, false)] {
            let output = try runProgram("/usr/bin/python3", ["-c", check, database, file])
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
}
