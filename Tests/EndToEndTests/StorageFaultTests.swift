import DeskAPIModels
import Foundation
import Testing

/// deskd on a small filesystem of its own (a tmpfs in a private mount namespace): a full disk
/// answers 503 problem+json with an error in the log, crashes nothing, and the desk recovers when
/// space returns. (A read-only remount is refused by the kernel while deskd holds the files open,
/// so that case is covered by the error mapping only.)
@Suite struct StorageFaultTests {
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
