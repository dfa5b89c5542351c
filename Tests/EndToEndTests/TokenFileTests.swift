import DeskTestSupport
import Foundation
import Testing

/// Security review 2026-12-06, L9: a token never has to be on deskctl's command line, where every
/// local user sees it (`ps -eo args`): `--token-file PATH` or `$DESKCTL_TOKEN_FILE` read it from a
/// file only its owner may read; `--token` is refused with a pointer to them.
@Suite(.ownThread) struct TokenFileTests {
    @Test func aPrivateTokenFileWorksAndAnOpenOrMissingOneIsRefusedClearly() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let secret = try daemon.adminToken()
        let file = daemon.directory + "/admin.token"
        FileManager.default.createFile(
            atPath: file, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600])
        let byFlag = try daemon.ctl(arguments: ["area", "list", "--url", daemon.url, "--token-file", file])
        #expect(byFlag.status == 0, "\(byFlag.stderr)")
        let byEnvironment = try daemon.ctl(
            arguments: ["area", "list", "--url", daemon.url], environment: ["DESKCTL_TOKEN_FILE": file])
        #expect(byEnvironment.status == 0, "\(byEnvironment.stderr)")

        // Readable by the group or by everyone: refused before anything is sent, with the fix.
        for mode in [0o640, 0o604] {
            #expect(chmod(file, mode_t(mode)) == 0)
            for (arguments, environment) in [
                (["--token-file", file], [String: String]()), ([], ["DESKCTL_TOKEN_FILE": file]),
            ] {
                let refused = try daemon.ctl(
                    arguments: ["area", "list", "--url", daemon.url] + arguments, environment: environment)
                #expect(refused.status == 64, "mode \(String(mode, radix: 8)): \(refused.stderr)")
                #expect(
                    refused.stderr.hasPrefix("Token file too open: \(file) is readable by"), "\(refused.stderr)")
                #expect(refused.stderr.contains("chmod 600 \(file)"), "\(refused.stderr)")
            }
        }
        // Missing, or a directory: named, with the reason.
        let missing = try daemon.ctl(
            arguments: ["area", "list", "--url", daemon.url, "--token-file", daemon.directory + "/nope"])
        #expect(missing.status == 64)
        #expect(missing.stderr.hasPrefix("Token file unreadable: \(daemon.directory)/nope:"), "\(missing.stderr)")
        let directory = try daemon.ctl(
            arguments: ["area", "list", "--url", daemon.url], environment: ["DESKCTL_TOKEN_FILE": daemon.directory])
        #expect(directory.status == 64)
        #expect(directory.stderr.hasPrefix("Token file unreadable: \(daemon.directory):"), "\(directory.stderr)")
        // An empty file is no token.
        FileManager.default.createFile(
            atPath: file + ".empty", contents: Data(), attributes: [.posixPermissions: 0o600])
        let empty = try daemon.ctl(arguments: ["area", "list", "--url", daemon.url, "--token-file", file + ".empty"])
        #expect(empty.status == 64)
        #expect(empty.stderr.hasPrefix("Token file empty: "), "\(empty.stderr)")
    }

    @Test func theTokenOptionIsRefusedAndPointsToTheFile() throws {
        let refused = try runProgram(
            binaryDirectory + "/deskctl", ["area", "list", "--url", "http://127.0.0.1:9", "--token", "desk_x_y"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--token-file"), "\(refused.stderr)")
        #expect(refused.stderr.contains("DESKCTL_TOKEN"), "\(refused.stderr)")
        #expect(!refused.stdout.contains("desk_x_y") && !refused.stderr.contains("desk_x_y"))
    }
}
