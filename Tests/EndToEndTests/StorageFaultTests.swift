import DeskAPIModels
import DeskTestSupport
import Foundation
import Testing

/// deskd on a small filesystem of its own (a tmpfs in a private mount namespace): a full disk
/// answers 503 problem+json with an error in the log, crashes nothing, and the desk recovers when
/// space returns. (A read-only remount is refused by the kernel while deskd holds the files open;
/// `ReadOnlyFilesystemTests` has the kernel turn an ext4 filesystem read-only instead.)
@Suite(.ownThread) struct StorageFaultTests {
    @Test func aFullDiskIs503ThenRecovers() throws {
        // Needs root and mount namespaces (a machine without them skips this test).
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"),
            (try? runProgram("/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/true"]))?.status == 0
        else { return }
        let daemon = try DaemonProcess()
        let state = daemon.directory + "/state"
        try daemon.start(launcher: [
            "/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
            "mkdir -p '\(state)' && mount -t tmpfs -o size=8m tmpfs '\(state)' && exec \"$0\" \"$@\"",
        ])
        defer { _ = try? daemon.stop() }
        let pid = try #require(daemon.pid)
        func inside(_ command: String) throws -> Finished {
            try runProgram("/usr/bin/nsenter", ["-t", "\(pid)", "-m", "/bin/sh", "-c", command])
        }
        func report(_ index: Int) throws -> (status: Int32, stderr: String) {
            let text = "Brand i trapphus \(index), " + String(repeating: "rök överallt ", count: 200)
            let result = try daemon.ctl("report", "--area", "rinkeby", "--text", text)
            return (result.status, result.stderr)
        }
        #expect(try report(0).status == 0)

        // Fill the filesystem; reports soon fail with 503 "the disk is full", and nothing else.
        _ = try inside("dd if=/dev/zero of='\(state)/filler' bs=64k 2>/dev/null; sync")
        var full: String?
        for index in 1...300 where full == nil {
            let result = try report(index)
            if result.status != 0 { full = result.stderr }
        }
        let refusal = try #require(full)
        #expect(refusal.hasPrefix("Storage unavailable: the disk is full"), "\(refusal)")
        #expect(daemon.log(contains: "storage unavailable: the disk is full"))
        #expect(try daemon.ctl("incident", "list").status == 0)  // reads still work
        _ = try inside("rm -f '\(state)/filler'")
        #expect(try report(1000).status == 0)

        let verify = try daemon.ctl("verify")
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(try daemon.stop() == 0)
    }
}

/// A damaged database file stops deskd at start-up with a clear message and exit status 76, and
/// the file is left as it was.
@Suite(.ownThread) struct DamagedDatabaseTests {
    @Test func deskdRefusesToStartOnADamagedFile() throws {
        let daemon = try DaemonProcess()
        let state = daemon.directory + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        var noise = [UInt8](repeating: 0, count: 65_536)
        for index in noise.indices { noise[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 7) }
        let file = state + "/deskd.sqlite"
        try Data(noise).write(to: URL(fileURLWithPath: file))
        let result = try runProgram(daemon.deskd, ["--config", daemon.configPath])
        #expect(result.status == 76, "\(result.stderr)")
        #expect(result.stderr.contains("is damaged"), "\(result.stderr)")
        #expect(result.stderr.contains("restore the latest backup"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(noise))
    }
}

/// deskd on an ext4 image that the kernel turns read-only under it (as after a disk error,
/// `errors=remount-ro`; SQLite then sees EIO): writes answer 503 with an error in the log, reads go on,
/// nothing crashes; after the operator repairs the filesystem (fsck) and restarts deskd, every
/// acknowledged report is there and the timeline verifies.
@Suite(.ownThread) struct ReadOnlyFilesystemTests {
    @Test func aReadOnlyFilesystemIs503AndTheDeskRecoversAfterRepair() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"),
            FileManager.default.isExecutableFile(atPath: "/sbin/mkfs.ext4"),
            FileManager.default.isExecutableFile(atPath: "/sbin/e2fsck"),
            FileManager.default.fileExists(atPath: "/dev/loop-control"),
            (try? runProgram("/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/true"]))?.status == 0
        else { return }
        let daemon = try DaemonProcess()
        let state = daemon.directory + "/state"
        let image = daemon.directory + "/disk.img"
        #expect(try runProgram("/usr/bin/truncate", ["-s", "32M", image]).status == 0)
        #expect(try runProgram("/sbin/mkfs.ext4", ["-q", "-F", image]).status == 0)
        let launcher = [
            "/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
            "mkdir -p '\(state)' && mount -o loop,errors=remount-ro '\(image)' '\(state)' && exec \"$0\" \"$@\"",
        ]
        try daemon.start(launcher: launcher)
        let pid = try #require(daemon.pid)
        func report(_ index: Int) throws -> Finished {
            try daemon.ctl(
                "report", "--area", "rinkeby", "--text", "Brand i trapphus \(index), rök i hela huset", "--json")
        }
        let acknowledged = try (0..<3).map { try decodeJSON(ReportCreatedBody.self, try report($0).stdout) }
        #expect(acknowledged.count == 3)

        // The kernel's reaction to a disk error: the filesystem goes read-only under deskd.
        let trigger = try runProgram(
            "/usr/bin/nsenter",
            [
                "-t", "\(pid)", "-m", "/bin/sh", "-c",
                "echo test > /sys/fs/ext4/$(basename $(findmnt -n -o SOURCE '\(state)'))/trigger_fs_error",
            ])
        #expect(trigger.status == 0, "\(trigger.stderr)")
        let refused = try report(10)
        #expect(refused.status != 0)
        #expect(
            refused.stderr.hasPrefix(
                "Storage unavailable: the disk reported an I/O error (the filesystem may have gone read-only"),
            "\(refused.stderr)")
        #expect(try report(11).status != 0)
        #expect(daemon.log(contains: "storage unavailable: the disk reported an I/O error"))
        #expect(try daemon.ctl("incident", "list").status == 0)  // reads still work
        #expect(kill(pid, 0) == 0)  // still running
        _ = try daemon.stop()

        // The operator repairs the filesystem (once the mount namespace is gone) and restarts.
        for _ in 0..<100 {
            let attached = try runProgram("/sbin/losetup", ["-j", image])
            if attached.stdout.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let repair = try runProgram("/sbin/e2fsck", ["-f", "-y", image])
        #expect(repair.status <= 1, "\(repair.stdout)")
        try daemon.start(launcher: launcher)
        defer { _ = try? daemon.stop() }
        #expect(try report(20).status == 0)
        for receipt in acknowledged {
            let shown = try daemon.ctl("incident", "show", receipt.incident.id)
            #expect(shown.status == 0 && shown.stdout.contains(receipt.report.id), "\(shown.stdout)")
        }
        let verify = try daemon.ctl("verify")
        #expect(verify.status == 0, "\(verify.stdout)")
    }
}
