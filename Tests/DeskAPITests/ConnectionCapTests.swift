import DeskAPI
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
            let script = """
                import socket, sys, time
                path = sys.argv[1]
                def get(s, target):
                    s.sendall(("GET %s HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n" % target).encode())
                    return s.recv(4096).decode()
                held = []
                for i in range(3):
                    s = socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(path); held.append(s)
                    print("held", get(s, "/healthz").split("\\r\\n")[0])
                extra = socket.socket(socket.AF_UNIX); extra.settimeout(30); extra.connect(path)
                print("extra", get(extra, "/healthz").split("\\r\\n")[0])
                sys.stdout.flush()
                time.sleep(1.5)
                held.pop().close(); time.sleep(1.0)
                s = socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(path)
                reply = get(s, "/v1/incidents")
                print("norole", reply.split("\\r\\n")[0], "close" if "connection: close" in reply.lower() else "open")
                try:
                    while s.recv(4096): pass
                    print("after closed")
                except socket.timeout: print("after timeout")
                """
            try script.write(toFile: server.directory + "/hold.py", atomically: true, encoding: .utf8)
            let other =
                "import socket,sys; s=socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(sys.argv[1]); "
                + "s.sendall(b'GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'); print('other', s.recv(200).decode().split('\\r\\n')[0])"
            let shell = """
                setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 \(server.directory)/hold.py \(server.socketPath) &
                sleep 0.8
                setpriv --reuid=65533 --regid=65533 --clear-groups /usr/bin/python3 -c "\(other)" \(server.socketPath)
                wait
                """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shell]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            // Root (deskd's own uid here) is never capped: served while nobody holds its connections.
            try await Task.sleep(for: .milliseconds(1000))
            #expect(try await PeerSocket(unixPath: server.socketPath).get("/healthz").hasPrefix("HTTP/1.1 200"))
            // Read and waited for off the cooperative pool; nothing else touches them meanwhile.
            nonisolated(unsafe) let running = process
            nonisolated(unsafe) let reader = output.fileHandleForReading
            let data = try await offPool {
                let data = reader.readDataToEndOfFile()
                running.waitUntilExit()
                return data
            }
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.components(separatedBy: "held HTTP/1.1 200").count == 4, "\(text)")
            #expect(text.contains("extra HTTP/1.1 503"), "\(text)")
            #expect(text.contains("other HTTP/1.1 200"), "\(text)")
            #expect(text.contains("norole HTTP/1.1 403 Forbidden close"), "\(text)")
            #expect(text.contains("after closed"), "\(text)")
        }
    }
}
