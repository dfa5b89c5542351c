import DeskAPI
import DeskTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Security review 2026-12-06, M4: one peer (a TCP client address, a local uid) cannot hold every
/// connection deskd may have, and a refused request does not keep its connection.
@Suite(.serialized) struct ConnectionCapTests {
    static func settings(cap: Int) -> APISettings {
        var settings = APISettings()
        settings.maxConnectionsPerPeer = cap
        return settings
    }

    /// Waits (bounded) until `check` holds: the server sees a client's close a moment later.
    static func eventually(_ check: () async throws -> Bool) async rethrows -> Bool {
        for _ in 0..<40 {
            if try await check() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func anAddressOverItsCapIsRefusedWhileAnotherAddressIsServed() async throws {
        try await TestServer.with(settings: Self.settings(cap: 3)) { server in
            var held: [PeerSocket] = []
            for _ in 0..<3 {
                let connection = try PeerSocket(tcpPort: server.tcpPort)
                #expect(try await connection.get("/healthz").hasPrefix("HTTP/1.1 200"))
                held.append(connection)
            }
            // The fourth from the same address: 503 problem, and the connection is closed.
            let extra = try PeerSocket(tcpPort: server.tcpPort)
            let refused = try await extra.get("/healthz")
            #expect(refused.hasPrefix("HTTP/1.1 503"), "\(refused)")
            #expect(refused.contains("urn:incident-desk:problem:too-many-connections"))
            #expect(refused.contains("127.0.0.1 already has 3 connections open"), "\(refused)")
            #expect(refused.lowercased().contains("connection: close"))
            #expect(await extra.isClosedByServer(within: 2))
            // Another client address is served meanwhile; the held ones still work.
            let other = try PeerSocket(tcpPort: server.tcpPort, from: "127.0.0.2")
            #expect(try await other.get("/healthz").hasPrefix("HTTP/1.1 200"))
            #expect(try await held[0].get("/healthz").hasPrefix("HTTP/1.1 200"))
            // Once one is closed, the address may open another.
            held.removeLast()
            #expect(
                try await Self.eventually {
                    try await PeerSocket(tcpPort: server.tcpPort).get("/healthz").hasPrefix("HTTP/1.1 200")
                })
        }
    }

    /// The TLS proxy in front of deskd (`[server] trusted_proxies`) carries every remote client's
    /// connections: it is not capped as one peer (each client has its own allowances by its
    /// forwarded address instead).
    @Test func aTrustedProxyIsNotCappedAsOnePeer() async throws {
        var settings = Self.settings(cap: 2)
        settings.trustedProxies = ["127.0.0.1"]
        try await TestServer.with(settings: settings) { server in
            var held: [PeerSocket] = []
            for _ in 0..<5 {
                let connection = try PeerSocket(tcpPort: server.tcpPort)
                let answer = try await connection.get("/healthz")
                #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
                held.append(connection)
            }
            // Another address, not a proxy, is still capped.
            let first = try PeerSocket(tcpPort: server.tcpPort, from: "127.0.0.2")
            let second = try PeerSocket(tcpPort: server.tcpPort, from: "127.0.0.2")
            #expect(try await first.get("/healthz").hasPrefix("HTTP/1.1 200"))
            #expect(try await second.get("/healthz").hasPrefix("HTTP/1.1 200"))
            let third = try await PeerSocket(tcpPort: server.tcpPort, from: "127.0.0.2").get("/healthz")
            #expect(third.hasPrefix("HTTP/1.1 503"), "\(third)")
            #expect(held.count == 5)
        }
    }

    @Test func aRefusedRequestEndsItsConnectionAndAnAllowedOneKeepsIt() async throws {
        try await TestServer.with { server in
            let viewer = try await server.access.tokens.create(
                name: "cap-viewer", role: .viewer, responderID: nil, expiresAt: nil, by: .desk
            ).secret
            let anonymous = try PeerSocket(tcpPort: server.tcpPort)
            let unauthenticated = try await anonymous.get("/v1/incidents", headers: ["Authorization: Bearer nope"])
            #expect(unauthenticated.hasPrefix("HTTP/1.1 401"), "\(unauthenticated)")
            #expect(unauthenticated.lowercased().contains("connection: close"))
            #expect(await anonymous.isClosedByServer(within: 2))
            let seen = try PeerSocket(tcpPort: server.tcpPort)
            let forbidden = try await seen.get("/v1/tokens", headers: ["Authorization: Bearer \(viewer)"])
            #expect(forbidden.hasPrefix("HTTP/1.1 403"), "\(forbidden)")
            #expect(await seen.isClosedByServer(within: 2))
            let allowed = try PeerSocket(tcpPort: server.tcpPort)
            #expect(
                try await allowed.get("/v1/areas", headers: ["Authorization: Bearer \(viewer)"]).hasPrefix(
                    "HTTP/1.1 200"))
            let keptOpen = !(await allowed.isClosedByServer(within: 0.5))
            #expect(keptOpen)
            #expect(
                try await allowed.get("/v1/areas", headers: ["Authorization: Bearer \(viewer)"]).hasPrefix(
                    "HTTP/1.1 200"))
        }
    }

    /// As root: user `nobody` (no role) holds the cap on the socket; its next connection is refused
    /// while another uid and root are still served, and its 403 closes the connection.
    @Test(.enabled(if: getuid() == 0, "needs root to connect as other users"))
    func aLocalUserOverItsCapIsRefusedWhileOtherUsersAreServed() async throws {
        try await TestServer.with(settings: Self.settings(cap: 3)) { server in
            // As the installed socket unit makes it: open to every local user.
            #expect(chmod(server.socketPath, 0o666) == 0)
            // The programs, copied where user nobody can read them (Tests/DeskAPITests/Helpers).
            let helpers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Helpers")
            for name in ["hold-connections.py", "unix-get.py"] {
                try FileManager.default.copyItem(
                    at: helpers.appendingPathComponent(name), to: URL(fileURLWithPath: server.directory + "/" + name))
            }
            func asUser(_ uid: Int, _ arguments: [String]) -> (ChildProcess, Pipe) {
                let process = ChildProcess()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
                process.arguments =
                    ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "/usr/bin/python3"] + arguments
                let output = Pipe()
                process.standardOutput = output
                process.standardError = output
                return (process, output)
            }
            let (holder, holderOutput) = asUser(65534, [server.directory + "/hold-connections.py", server.socketPath])
            let go = Pipe()
            holder.standardInput = go
            try holder.run()
            // Read and waited for off the cooperative pool; nothing else touches them meanwhile.
            nonisolated(unsafe) let holding = holder
            nonisolated(unsafe) let holdingReader = holderOutput.fileHandleForReading
            // Nobody holds its three connections and was refused a fourth once its "extra" line is out.
            let first = try await offPool {
                var text = ""
                while !(text.contains("extra") && text.hasSuffix("\n")), case let chunk = holdingReader.availableData,
                    !chunk.isEmpty
                {
                    text += String(decoding: chunk, as: UTF8.self)
                }
                return text
            }
            // Meanwhile another local user and root (deskd's own uid here, never capped) are served.
            let (otherUser, otherOutput) = asUser(
                65533, [server.directory + "/unix-get.py", server.socketPath, "other"])
            try otherUser.run()
            nonisolated(unsafe) let otherRunning = otherUser
            nonisolated(unsafe) let otherReader = otherOutput.fileHandleForReading
            let second = try await offPool {
                let data = readToEnd(otherReader)
                otherRunning.waitUntilExit()
                return String(decoding: data, as: UTF8.self)
            }
            #expect(try await PeerSocket(unixPath: server.socketPath).get("/healthz").hasPrefix("HTTP/1.1 200"))
            if holding.isRunning { try go.fileHandleForWriting.write(contentsOf: Data("go\n".utf8)) }
            let rest = try await offPool {
                let data = readToEnd(holdingReader)
                holding.waitUntilExit()
                return String(decoding: data, as: UTF8.self)
            }
            let text = first + second + rest
            #expect(text.components(separatedBy: "held HTTP/1.1 200").count == 4, "\(text)")
            #expect(text.contains("extra HTTP/1.1 503"), "\(text)")
            #expect(text.contains("other HTTP/1.1 200"), "\(text)")
            #expect(text.contains("norole HTTP/1.1 403 Forbidden close"), "\(text)")
            #expect(text.contains("after closed"), "\(text)")
        }
    }
}
