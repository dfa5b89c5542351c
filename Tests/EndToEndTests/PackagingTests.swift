import DeskTestSupport
import Foundation
import Testing

/// The Debian package's maintainer scripts, run under `sh` in a temporary root (every absolute
/// path of deskd's moved under it).
@Suite(.ownThread) struct PackagingTests {
    /// Runs `debian/deskd.postrm ACTION` with /var/lib/deskd, /run/deskd and /etc/deskd under `root`.
    static func postrm(_ action: String, root: String) throws -> Finished {
        var script = try String(contentsOfFile: repositoryRoot + "/debian/deskd.postrm", encoding: .utf8)
        for path in ["/var/lib/deskd", "/run/deskd", "/etc/deskd"] {
            script = script.replacingOccurrences(of: path, with: root + path)
        }
        // Nothing may still point at the machine's own directories.
        for line in script.split(separator: "\n") where !line.hasPrefix("#") {
            for path in ["/var/lib/deskd", "/run/deskd", "/etc/deskd"] {
                #expect(!line.replacingOccurrences(of: root + path, with: "").contains(path), "\(line)")
            }
        }
        let file = root + "/postrm"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        return try runProgram("/bin/sh", [file, action])
    }

    static func makeRoot(backups: [String]) throws -> String {
        let root = "/tmp/desk-postrm-\(UUID().uuidString.prefix(8))"
        for directory in ["/var/lib/deskd/backups", "/run/deskd", "/etc/deskd"] {
            try FileManager.default.createDirectory(atPath: root + directory, withIntermediateDirectories: true)
        }
        for file in ["/var/lib/deskd/deskd.sqlite", "/var/lib/deskd/deskd.sqlite-wal", "/run/deskd/deskd.sock"]
            + backups.map({ "/var/lib/deskd/backups/\($0)" })
        {
            FileManager.default.createFile(atPath: root + file, contents: Data("x".utf8))
        }
        return root
    }

    /// Security review 2026-12-06, L8: purging the package never deletes the backups.
    @Test func purgeKeepsTheBackupsAndSaysWhere() throws {
        let root = try Self.makeRoot(backups: ["monday.sqlite", "before-upgrade.sqlite"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let exists = { FileManager.default.fileExists(atPath: root + $0) }
        // remove (not purge) touches nothing.
        #expect(try Self.postrm("remove", root: root).status == 0)
        #expect(exists("/var/lib/deskd/deskd.sqlite") && exists("/run/deskd/deskd.sock"))

        let purged = try Self.postrm("purge", root: root)
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(!exists("/var/lib/deskd/deskd.sqlite") && !exists("/var/lib/deskd/deskd.sqlite-wal"))
        #expect(!exists("/run/deskd"))
        #expect(
            exists("/var/lib/deskd/backups/monday.sqlite") && exists("/var/lib/deskd/backups/before-upgrade.sqlite"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: root + "/var/lib/deskd") == ["backups"])
        #expect(purged.stderr.contains("kept the backups in \(root)/var/lib/deskd/backups"), "\(purged.stderr)")
    }

    @Test func purgeWithoutBackupsRemovesTheStateDirectory() throws {
        let root = try Self.makeRoot(backups: [])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let purged = try Self.postrm("purge", root: root)
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/var/lib/deskd"))
        #expect(!purged.stderr.contains("kept"))
    }
}
