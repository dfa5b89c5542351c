import DeskTestSupport
import Foundation
import Testing

/// `deskctl verify` against a running deskd, before and after someone edits the database file.
@Suite(.ownThread) struct VerifyEndToEndTests {
    @Test func verifyReportsAnIntactChainAndThenTheEditedEvent() throws {
        let daemon = try DaemonProcess(demo: true)
        try daemon.start()
        let intact = try daemon.ctl("verify")
        #expect(intact.status == 0, "\(intact.stderr)")
        #expect(intact.stdout.hasPrefix("Timeline intact: "))
        #expect(try daemon.stop() == 0)

        // Someone with access to the file rewrites history, going around the triggers.
        let database = daemon.directory + "/state/deskd.sqlite"
        let edit = try runProgram(
            "/usr/bin/python3",
            [
                repositoryRoot + "/Tests/EndToEndTests/Helpers/sqlite-exec.py", database,
                "DROP TRIGGER event_is_append_only_update; UPDATE event SET actor = 'unix:mallory' WHERE seq = 3;",
            ])
        #expect(edit.status == 0, "\(edit.stderr)")

        try daemon.start()
        defer { _ = try? daemon.stop() }
        let broken = try daemon.ctl("verify")
        #expect(broken.status == 2)
        #expect(broken.stdout.contains("Timeline BROKEN at event 3"), "\(broken.stdout)")
    }
}

/// Issue 16, item 10: a chain head seen earlier anchors the chain, so removing the newest events
/// is found.
@Suite(.ownThread) struct VerifyHeadEndToEndTests {
    @Test func aHeadSeenEarlierFindsTheNewestEventsRemoved() throws {
        let daemon = try DaemonProcess(demo: true)
        try daemon.start()
        let seen = try daemon.ctl("verify", "--json")
        #expect(seen.status == 0, "\(seen.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(seen.stdout.utf8)) as? [String: Any])
        let head = try #require(json["head"] as? String)
        let sequence = try #require(json["head_seq"] as? Int, "\(json)")
        let anchor = "\(sequence):\(head)"
        let still = try daemon.ctl("verify", "--head", anchor)
        #expect(still.status == 0, "\(still.stdout) \(still.stderr)")
        #expect(still.stdout.contains("head \(sequence) is on the chain"), "\(still.stdout)")
        let malformed = try daemon.ctl("verify", "--head", "seven")
        #expect(malformed.status != 0 && malformed.status != 2, "\(malformed.status)")
        #expect(try daemon.stop() == 0)

        // Someone with access to the file removes the newest events, going around the triggers.
        let database = daemon.directory + "/state/deskd.sqlite"
        let edit = try runProgram(
            "/usr/bin/python3",
            [
                repositoryRoot + "/Tests/EndToEndTests/Helpers/sqlite-exec.py", database,
                "DROP TRIGGER event_is_append_only_delete; DELETE FROM event WHERE seq > (SELECT max(seq) - 3 FROM event);",
            ])
        #expect(edit.status == 0, "\(edit.stderr)")

        try daemon.start()
        defer { _ = try? daemon.stop() }
        // Without an anchor the shorter chain verifies; with the head seen earlier it does not.
        #expect(try daemon.ctl("verify").status == 0)
        let broken = try daemon.ctl("verify", "--head", anchor)
        #expect(broken.status == 2, "\(broken.stdout) \(broken.stderr)")
        #expect(broken.stdout.contains("head \(sequence) is not on the chain"), "\(broken.stdout)")
    }
}

/// `deskctl backup` against a running deskd.
@Suite(.ownThread) struct BackupEndToEndTests {
    @Test(arguments: DaemonEngine.all) func deskctlBackupWritesACheckedCopy(engine: DaemonEngine) throws {
        let daemon = try DaemonProcess(demo: true, engine: engine)
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let result = try daemon.ctl("backup", "before-upgrade")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("integrity ok, timeline intact"))
        #expect(FileManager.default.fileExists(atPath: daemon.directory + "/state/backups/before-upgrade.sqlite"))
        let again = try daemon.ctl("backup", "before-upgrade")
        #expect(again.status == 1)
        #expect(again.stderr.hasPrefix("Backup exists: "))
    }
}
