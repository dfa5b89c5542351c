import DeskTestSupport
import Foundation
import Testing

/// deskd's log entries read back from a real systemd-journald (private mount namespace).
@Suite(.ownThread) struct JournaldTests {
    /// One journal entry as `journalctl -o json` prints it (string fields only).
    typealias Entry = [String: String]

    static func entries(_ directory: String) throws -> [Entry] {
        let output = try runProgram(
            "/usr/bin/journalctl", ["--directory=\(directory)", "-o", "json", "--no-pager", "SYSLOG_IDENTIFIER=deskd"])
        return output.stdout.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return nil
            }
            return object.compactMapValues { $0 as? String }
        }
    }

    @Test func aReportProducesJournalEntriesWithDeskFields() throws {
        let daemon = try DaemonProcess(extraConfig: "instance = \"desk-a\"", logConfig: "[log]\ntarget = \"journal\"")
        let journal = daemon.directory + "/journal"
        let script = """
            "\(daemon.deskd)" --config "\(daemon.configPath)" & pid=$!
            for _ in $(seq 1 200); do [ -S "\(daemon.socketPath)" ] && break; sleep 0.05; done
            "\(daemon.deskctl)" report --socket "\(daemon.socketPath)" --area rinkeby \
                --text "Skottlossning vid torget just nu, en person skadad"
            kill -TERM $pid; wait $pid
            """
        let run = try runProgram(
            repositoryRoot + "/Tests/EndToEndTests/Helpers/with-journald.sh", [journal, "/bin/bash", "-c", script])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let entries = try Self.entries(journal)
        let opened = try #require(
            entries.first { $0["MESSAGE_ID"] == "8c096f82886c4b1985428f78a3e9251c" }, "\(entries)")
        #expect(opened["DESK_PHASE"] == "during")
        #expect(opened["DESK_AREA"] == "rinkeby")
        #expect(opened["DESK_CATEGORY"] == "shooting")
        #expect(opened["PRIORITY"] == "4")
        #expect(opened["DESK_PRINCIPAL"]?.hasPrefix("unix:") == true)
        #expect(opened["CODE_FILE"]?.hasSuffix("IncidentEventLog.swift") == true)
        #expect(opened["MESSAGE"]?.contains("opened in rinkeby: during") == true)
        let received = try #require(entries.first { $0["MESSAGE_ID"] == "525e244bd34c4ff69d0ef9635b3e3a56" })
        #expect(received["DESK_INCIDENT"] == opened["DESK_INCIDENT"])
        #expect(received["DESK_LANGUAGE"] == "sv")
        #expect(opened["DESK_LANGUAGE"] == "sv")
        // Every entry names the deskd that wrote it (several may share one database).
        #expect(entries.allSatisfy { $0["DESK_INSTANCE"] == "desk-a" }, "\(entries.map { $0["DESK_INSTANCE"] })")
        #expect(entries.contains { $0["MESSAGE_ID"] == "61930f38a6054b0b8b495a1bf763511a" && $0["PRIORITY"] == "5" })
        // Ids and structured fields only: nothing of the report's text reaches the journal.
        let leaked = entries.filter { entry in entry.values.contains { $0.contains("torget") } }
        #expect(leaked.isEmpty, "\(leaked)")
    }

    /// Issue 16, item 10: the chain head goes to the journal at shutdown (and at a fixed interval),
    /// and `deskctl verify --head` checks a head read back from there.
    @Test func theChainHeadIsWrittenToTheJournalAtShutdown() throws {
        let daemon = try DaemonProcess(extraConfig: "", logConfig: "[log]\ntarget = \"journal\"")
        let journal = daemon.directory + "/journal"
        let script = """
            "\(daemon.deskd)" --config "\(daemon.configPath)" & pid=$!
            for _ in $(seq 1 200); do [ -S "\(daemon.socketPath)" ] && break; sleep 0.05; done
            "\(daemon.deskctl)" report --socket "\(daemon.socketPath)" --area rinkeby --text "Brand i en bil"
            kill -TERM $pid; wait $pid
            """
        let run = try runProgram(
            repositoryRoot + "/Tests/EndToEndTests/Helpers/with-journald.sh", [journal, "/bin/bash", "-c", script])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let heads = try Self.entries(journal).filter { $0["MESSAGE_ID"] == "59518b4310094cfa8004d95809fa349a" }
        let last = try #require(heads.last, "no chain head in the journal")
        let sequence = try #require(last["DESK_CHAIN_SEQ"])
        let hash = try #require(last["DESK_CHAIN_HASH"])
        #expect(Int(sequence) ?? 0 >= 2 && hash.count == 64)
        #expect(last["MESSAGE"]?.contains("at shutdown") == true, "\(last)")

        // Started again, logging to its file (the harness waits for "deskd ready" there).
        let config = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "target = \"journal\"", with: "").write(
            toFile: daemon.configPath, atomically: true, encoding: .utf8)
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let verified = try daemon.ctl("verify", "--head", "\(sequence):\(hash)")
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
    }

    @Test func everyMessageIDIsExplainedInTheCatalog() throws {
        let catalog = try String(contentsOfFile: repositoryRoot + "/systemd/deskd.catalog", encoding: .utf8)
        let source = try String(
            contentsOfFile: repositoryRoot + "/Sources/DeskSystemd/JournalMessage.swift", encoding: .utf8)
        let ids = source.split(separator: "\"").map(String.init).filter {
            $0.count == 32 && $0.allSatisfy(\.isHexDigit)
        }
        #expect(ids.count == 18)
        for id in ids { #expect(catalog.contains("-- \(id)\n"), "\(id)") }
        // journalctl compiles it into a catalog database and lists every id from it.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("deskd-catalog-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for directory in ["/usr/lib/systemd/catalog", "/var/lib/systemd/catalog"] {
            try FileManager.default.createDirectory(atPath: root + directory, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(
            atPath: repositoryRoot + "/systemd/deskd.catalog", toPath: root + "/usr/lib/systemd/catalog/deskd.catalog")
        let update = try runProgram("/usr/bin/journalctl", ["--root=\(root)", "--update-catalog"])
        #expect(update.status == 0, "\(update.stderr)")
        let listed = try runProgram("/usr/bin/journalctl", ["--root=\(root)", "--list-catalog"] + ids)
        #expect(listed.stdout.split(separator: "\n").count == ids.count, "\(listed.stdout)")
        #expect(listed.stdout.contains("deskd: Incident Desk opened an incident"))
    }
}
