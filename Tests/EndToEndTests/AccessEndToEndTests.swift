import DeskAPIModels
import DeskTestSupport
import Foundation
import Testing

/// Tokens and abusive traffic against a running deskd.
@Suite(.ownThread) struct AccessEndToEndTests {
    @Test func tokensWorkOverTCPAndNoSecretReachesTheLog() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let made = try daemon.ctl("token", "create", "--name", "board", "--role", "viewer", "--json")
        #expect(made.status == 0, "\(made.stderr)")
        let secret = try #require(try decodeJSON([String: String].self, made.stdout)["secret"])
        let listed = try daemon.ctl(
            arguments: ["area", "list", "--url", daemon.url], environment: ["DESKCTL_TOKEN": secret])
        #expect(listed.status == 0, "\(listed.stderr)")
        // A viewer may not report; a forged token is not known; no token at all is 401.
        let refused = try daemon.ctl(
            arguments: ["report", "--area", "rinkeby", "--text", "Brand", "--url", daemon.url],
            environment: ["DESKCTL_TOKEN": secret])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("Forbidden: token:board has the role viewer"), "\(refused.stderr)")
        let forged = String(secret.dropLast(6)) + "AAAAAA"
        let unknown = try daemon.ctl(
            arguments: ["area", "list", "--url", daemon.url], environment: ["DESKCTL_TOKEN": forged])
        #expect(unknown.stderr.hasPrefix("Unauthenticated: the bearer token is not known to this desk"))
        let anonymous = try daemon.ctl(arguments: ["area", "list", "--url", daemon.url])
        #expect(anonymous.stderr.hasPrefix("Unauthenticated: "), "\(anonymous.stderr)")
        #expect(try daemon.ctl("token", "revoke", "board").status == 0)
        let revoked = try daemon.ctl(
            arguments: ["area", "list", "--url", daemon.url], environment: ["DESKCTL_TOKEN": secret])
        #expect(revoked.stderr.contains("token board was revoked"))
        // Refusals are logged with the principal, never with a secret.
        #expect(daemon.log(contains: "access refused"))
        let secretPart = String(secret.dropFirst("desk_12345678_".count))
        #expect(secretPart.count >= 40)
        #expect(!daemon.logText.contains(secretPart) && !daemon.logText.contains("AAAAAA"))
    }

    @Test func abusiveTrafficLeavesMemoryBoundedAndOthersServed() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let token = try daemon.adminToken()
        func rss() throws -> Int {
            let status = try String(contentsOfFile: "/proc/\(daemon.pid ?? 0)/status", encoding: .utf8)
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        _ = try daemon.ctl("area", "list")
        let before = try rss()
        // 300 oversized bodies, 300 deep documents and 100 connections that never finish their head.
        let script = repositoryRoot + "/Tests/EndToEndTests/Helpers/abuse-flood.py"
        let flood = try runProgram("/usr/bin/python3", [script, "\(daemon.port)", token, daemon.socketPath])
        #expect(flood.status == 0, "\(flood.stderr)")
        #expect(flood.stdout.contains("413:300") && flood.stdout.contains("400:300"), "\(flood.stdout)")
        // Served while the 100 unfinished heads were still open.
        #expect(flood.stdout.contains("areas:200"), "\(flood.stdout)")
        // Others are served throughout, and memory stays bounded.
        #expect(try daemon.ctl("area", "list").status == 0)
        let after = try rss()
        #expect(after - before < 64 * 1024, "RSS grew from \(before) kB to \(after) kB")
    }
}
